using ProtocolEngine.Storage.Connections;
using ProtocolEngine.Storage.Workflows;

namespace ProtocolEngine.Cli.Commands;

/// <summary>The database options' resolution and the workflow stores they open, for the commands that take a <see cref="WorkflowDatabaseSettings"/>.</summary>
internal static class Databases
{
    /// <summary>The database the options name (null for none); a bad setting is a usage error, a readable secrets file a warning on standard error.</summary>
    public static DatabaseConnection? Resolve(DatabaseOptions options, CliConsole console)
    {
        try
        {
            return ConnectionSettings.Resolve(options, warning => console.Error.WriteLine($"warning: {warning}"));
        }
        catch (ArgumentException ex)
        {
            throw new UserFacingException(ex.Message);
        }
    }

    /// <summary>Opens the workflow store the options name: an existing one (read-only commands), or one created and migrated when missing.</summary>
    public static async Task<DapperWorkflowStore> OpenStoreAsync(DatabaseConnection database, bool existing, CancellationToken ct)
    {
        try
        {
            return existing ? await WorkflowStores.OpenExistingAsync(database, ct) : await WorkflowStores.OpenAsync(database, ct);
        }
        catch (InvalidDataException ex)
        {
            throw new UserFacingException(ex.Message);
        }
    }

    /// <summary>The settings check of a command whose database is required (<paramref name="required"/>) or optional.</summary>
    public static ValidationResult Validate(DatabaseOptions options, bool required)
    {
        if (options.Count == 0)
            return required ? ValidationResult.Error("Name a database: --db PATH, --pg-env NAME, --pg-file PATH or --pg CONNSTR (or the --sqlserver equivalents).") : ValidationResult.Success();
        try
        {
            ConnectionSettings.Resolve(options);
            return ValidationResult.Success();
        }
        catch (ArgumentException ex)
        {
            return ValidationResult.Error(ex.Message);
        }
    }
}
