using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Sql.Backends;

namespace ProtocolEngine.Cli.Commands.Sql;

/// <summary>
/// <c>protocol data load DATA --pg-env NAME</c> (or <c>--ch-env NAME</c>): writes a study's datasets as PostgreSQL tables for
/// <c>screen --backend postgres</c>, or as per-shard tables with Distributed tables over them on a ClickHouse cluster for
/// <c>screen --backend clickhouse</c>.
/// </summary>
[ExitCode(CliApp.Success, "every dataset was written as a table (PostgreSQL: in one transaction, on failure none is; ClickHouse: into staging tables renamed into place when every shard holds them, dropped on failure)")]
internal sealed class DataLoadCommand(CliConsole console) : Command<DataLoadSettings>
{
    public override int Execute(CommandContext context, DataLoadSettings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Input) && !Directory.Exists(settings.Input)) throw new UserFacingException($"No such data file or folder: {settings.Input}");
        var study = DataCommandSupport.Load(settings.Input, new StudyLoadOptions { Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) }, console);
        if (settings.NamesClickHouse)
        {
            using var cluster = SqlBackendSupport.OpenClickHouse(settings.Ch, settings.ChEnv, settings.ChFile, console);
            IReadOnlyList<(string Table, int[] RowsPerShard)> loaded;
            try
            {
                loaded = console.Progress($"Loading {study.Data.SubjectCount:N0} subjects into ClickHouse ({cluster.Shards.Count} shards)",
                    _ => ClickHouseBackend.Load(cluster, study.Data, SdtmModel.Sdtmig34, settings.Schema));
            }
            catch (ClickHouseException ex)
            {
                throw new UserFacingException($"ClickHouse refused the load: {ex.Message}");
            }
            foreach (var (table, rows) in loaded)
                console.Out.MarkupLineInterpolated($"loaded [green]{table}[/]: {rows.Sum():N0} records ({string.Join(" + ", rows.Select(r => r.ToString("N0")))} on the shards)");
            return CliApp.Success;
        }
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

    [CommandOption("--ch <CONNSTR>")]
    [Description("A ClickHouse cluster's connection string without a password (Host=...;Port=...;Username=...;Cluster=...;ShardPorts=P1,P2;PasswordFile=PATH); or use --ch-env / --ch-file.")]
    public string? Ch { get; init; }

    [CommandOption("--ch-env <NAME>")]
    [Description("The environment variable holding the ClickHouse connection string (.ci/start-clickhouse.sh prints one).")]
    public string? ChEnv { get; init; }

    [CommandOption("--ch-file <PATH>")]
    [Description("A file (chmod 600) holding the ClickHouse connection string.")]
    public string? ChFile { get; init; }

    [CommandOption("--schema <NAME>")]
    [Description("The schema (ClickHouse: database) to write the tables into (created when missing); default: the connection's.")]
    public string? Schema { get; init; }

    /// <summary>True when a ClickHouse cluster is named.</summary>
    public bool NamesClickHouse => (Ch ?? ChEnv ?? ChFile) is not null;

    public override ValidationResult Validate() =>
        (Pg ?? PgEnv ?? PgFile) is null && !NamesClickHouse ? ValidationResult.Error("Name the database: --pg-env NAME, --pg-file PATH or --pg CONNSTR (PostgreSQL), or --ch-env NAME, --ch-file PATH or --ch CONNSTR (ClickHouse).")
        : (Pg ?? PgEnv ?? PgFile) is not null && NamesClickHouse ? ValidationResult.Error("Name one database: PostgreSQL (--pg...) or ClickHouse (--ch...), not both.")
        : DataCommandSupport.ValidateEncoding(Encoding);
}
