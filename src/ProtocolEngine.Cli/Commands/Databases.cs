using ProtocolEngine.Storage.Connections;

namespace ProtocolEngine.Cli.Commands;

/// <summary>The database options the commands share (--db, --pg, --pg-env, --pg-file, --sqlserver, ...), resolved by <see cref="ConnectionSettings"/>.</summary>
internal static class Databases
{
    public const string PgDescription = "A PostgreSQL connection string without a password (Host=...;Database=...;Username=...); the password comes from PGPASSWORD or ~/.pgpass, or use --pg-env / --pg-file.";
    public const string PgEnvDescription = "The environment variable holding the PostgreSQL connection string (with its password).";
    public const string PgFileDescription = "A file (chmod 600) holding the PostgreSQL connection string (with its password).";
    public const string SqlServerDescription = "A SQL Server connection string without a password (integrated security); or use --sqlserver-env / --sqlserver-file.";
    public const string SqlServerEnvDescription = "The environment variable holding the SQL Server connection string.";
    public const string SqlServerFileDescription = "A file (chmod 600) holding the SQL Server connection string.";

    /// <summary>The database the options name (null for none); a bad setting is a usage error, a readable secrets file a warning.</summary>
    public static DatabaseConnection? Resolve(DatabaseOptions options)
    {
        try
        {
            return ConnectionSettings.Resolve(options, warning => Console.Error.WriteLine($"warning: {warning}"));
        }
        catch (ArgumentException ex)
        {
            throw new UserFacingException(ex.Message);
        }
    }

    /// <summary>The settings check of a command whose database is required (<paramref name="required"/>) or optional.</summary>
    public static Spectre.Console.ValidationResult Validate(DatabaseOptions options, bool required)
    {
        if (options.Count == 0)
            return required ? Spectre.Console.ValidationResult.Error("Name a database: --db PATH, --pg-env NAME, --pg-file PATH or --pg CONNSTR (or the --sqlserver equivalents).") : Spectre.Console.ValidationResult.Success();
        try
        {
            ConnectionSettings.Resolve(options);
            return Spectre.Console.ValidationResult.Success();
        }
        catch (ArgumentException ex)
        {
            return Spectre.Console.ValidationResult.Error(ex.Message);
        }
    }
}
