using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Sql.Backends;

namespace ProtocolEngine.Cli.Commands.Sql;

/// <summary><c>protocol data load DATA --pg-env NAME</c>: writes a study's datasets as PostgreSQL tables for <c>screen --backend postgres</c>.</summary>
[ExitCode(CliApp.Success, "every dataset was written as a table (in one transaction: on failure none is)")]
internal sealed class DataLoadCommand(CliConsole console) : Command<DataLoadSettings>
{
    public override int Execute(CommandContext context, DataLoadSettings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Input) && !Directory.Exists(settings.Input)) throw new UserFacingException($"No such data file or folder: {settings.Input}");
        var study = DataCommandSupport.Load(settings.Input, new StudyLoadOptions { Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) }, console);
        using var connection = SqlBackendSupport.OpenPostgres(settings.Pg, settings.PgEnv, settings.PgFile, console);
        IReadOnlyList<(string Table, int Rows)> tables;
        try
        {
            tables = console.Progress($"Loading {study.Data.SubjectCount:N0} subjects into PostgreSQL", _ => PostgresBackend.Load(connection, study.Data, SdtmModel.Sdtmig34, settings.Schema));
        }
        catch (Npgsql.NpgsqlException ex)
        {
            throw new UserFacingException($"PostgreSQL refused the load (nothing was written): {Storage.Connections.ConnectionSettings.MaskSecrets(ex.Message)}");
        }
        foreach (var (table, rows) in tables) console.Out.MarkupLineInterpolated($"loaded [green]{table}[/]: {rows:N0} records");
        return CliApp.Success;
    }
}

/// <summary>The options of <see cref="DataLoadCommand"/>.</summary>
internal sealed class DataLoadSettings : CommandSettings
{
    [CommandArgument(0, "<input>")]
    [Description("The study: an SDTM folder (XPT, Dataset-JSON, NDJSON or CSV).")]
    public string Input { get; init; } = "";

    [CommandOption("--encoding <NAME>")]
    [Description(DataCommandSupport.EncodingDescription)]
    public string? Encoding { get; init; }

    [CommandOption("--pg <CONNSTR>")]
    [Description("A PostgreSQL connection string without a password (the password from PGPASSWORD or ~/.pgpass); or use --pg-env / --pg-file.")]
    public string? Pg { get; init; }

    [CommandOption("--pg-env <NAME>")]
    [Description("The environment variable holding the PostgreSQL connection string (with its password).")]
    public string? PgEnv { get; init; }

    [CommandOption("--pg-file <PATH>")]
    [Description("A file (chmod 600) holding the PostgreSQL connection string (with its password).")]
    public string? PgFile { get; init; }

    [CommandOption("--schema <NAME>")]
    [Description("The schema to write the tables into (created when missing); default: the connection's.")]
    public string? Schema { get; init; }

    public override ValidationResult Validate() =>
        (Pg ?? PgEnv ?? PgFile) is null ? ValidationResult.Error("Name the PostgreSQL database: --pg-env NAME, --pg-file PATH or --pg CONNSTR.")
        : DataCommandSupport.ValidateEncoding(Encoding);
}
