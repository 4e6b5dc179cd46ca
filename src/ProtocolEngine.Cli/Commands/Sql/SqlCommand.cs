using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Cli.Commands.Screening;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Sql;
using ProtocolEngine.Sql.Backends;

namespace ProtocolEngine.Cli.Commands.Sql;

/// <summary><c>protocol sql PROTOCOL --dialect D</c>: prints the one SQL query that screens a population where the data are.</summary>
[Description("Print the SQL query that screens a population in a database (one query per protocol: per subject and criterion Met, NotMet, Unknown or Attested, and the status), for a database team to review or run. "
    + "A criterion the query cannot decide is named on standard error (PE4001) and left to the native backend (screen --backend auto).")]
[ExitCode(CliApp.Success, "the query was printed (criteria not pushed down, if any, are warnings on standard error)")]
internal sealed class SqlCommand(CliConsole console) : Command<SqlSettings>
{
    public override int Execute(CommandContext context, SqlSettings settings, CancellationToken cancellationToken)
    {
        var dialect = SqlBackendSupport.ParseDialect(settings.Dialect)!.Value;
        var protocol = ScreeningCommandSupport.Compile(settings.Protocol, console);
        SqlCatalog catalog;
        if (settings.Data is { } data)
            catalog = SqlCatalog.FromStudy(DataCommandSupport.Load(data, new StudyLoadOptions { Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) }, console).Data);
        else if (settings.PgEnv is not null || settings.PgFile is not null || settings.Pg is not null)
        {
            using var connection = SqlBackendSupport.OpenPostgres(settings.Pg, settings.PgEnv, settings.PgFile, console);
            catalog = PostgresBackend.Catalog(connection, settings.Schema);
        }
        else if (settings.Ch is not null || settings.ChEnv is not null || settings.ChFile is not null)
        {
            using var cluster = SqlBackendSupport.OpenClickHouse(settings.Ch, settings.ChEnv, settings.ChFile, console);
            try
            {
                catalog = ClickHouseBackend.Catalog(cluster, settings.Schema);
            }
            catch (ClickHouseException ex)
            {
                throw new UserFacingException($"ClickHouse failed: {ex.Message}");
            }
        }
        else catalog = SqlCatalog.FromModel(protocol.DataModel ?? SdtmModel.Sdtmig34);
        SqlScreeningQuery query;
        try
        {
            query = SqlScreeningQuery.Generate(protocol, dialect, catalog, new SqlQueryOptions { Schema = settings.Schema, Phase = settings.Phase });
        }
        catch (ArgumentException ex)
        {
            throw new UserFacingException(ex.Message);
        }
        SqlBackendSupport.ReportNotPushedDown(query, console);
        console.Text.Write(query.Text);
        return CliApp.Success;
    }
}

/// <summary>The options of <see cref="SqlCommand"/>.</summary>
internal sealed class SqlSettings : CommandSettings
{
    [CommandArgument(0, "<protocol>")]
    [Description("The .protocol file.")]
    public string Protocol { get; init; } = "";

    [CommandOption("--dialect <DIALECT>")]
    [Description("The SQL dialect: " + SqlBackendSupport.Dialects + ".")]
    [DefaultValue("duckdb")]
    public string Dialect { get; init; } = "duckdb";

    [CommandOption("--data <PATH>")]
    [Description("Read the tables and columns the query may use from this study (an SDTM folder); default: every domain and variable of the protocol's data model.")]
    public string? Data { get; init; }

    [CommandOption("--encoding <NAME>")]
    [Description(DataCommandSupport.EncodingDescription)]
    public string? Encoding { get; init; }

    [CommandOption("--pg <CONNSTR>")]
    [Description("Read the tables and columns from this PostgreSQL database (a connection string without a password); or use --pg-env / --pg-file.")]
    public string? Pg { get; init; }

    [CommandOption("--pg-env <NAME>")]
    [Description("The environment variable holding the PostgreSQL connection string (with its password).")]
    public string? PgEnv { get; init; }

    [CommandOption("--pg-file <PATH>")]
    [Description("A file (chmod 600) holding the PostgreSQL connection string (with its password).")]
    public string? PgFile { get; init; }

    [CommandOption("--ch <CONNSTR>")]
    [Description("Read the tables and columns from this ClickHouse cluster (a connection string without a password); or use --ch-env / --ch-file.")]
    public string? Ch { get; init; }

    [CommandOption("--ch-env <NAME>")]
    [Description("The environment variable holding the ClickHouse connection string.")]
    public string? ChEnv { get; init; }

    [CommandOption("--ch-file <PATH>")]
    [Description("A file (chmod 600) holding the ClickHouse connection string.")]
    public string? ChFile { get; init; }

    [CommandOption("--schema <NAME>")]
    [Description("The schema (or database) holding the tables; default: the connection's.")]
    public string? Schema { get; init; }

    [CommandOption("--phase <NAME>")]
    [Description("Only the criteria of this phase (for example prescreen).")]
    public string? Phase { get; init; }

    public override ValidationResult Validate() =>
        SqlBackendSupport.ParseDialect(Dialect) is null ? ValidationResult.Error($"Unknown dialect '{Dialect}'; use {SqlBackendSupport.Dialects}.")
        : new[] { Data, Pg ?? PgEnv ?? PgFile, Ch ?? ChEnv ?? ChFile }.Count(x => x is not null) > 1 ? ValidationResult.Error("Name the tables once: --data PATH, a PostgreSQL database or a ClickHouse cluster.")
        : DataCommandSupport.ValidateEncoding(Encoding);
}
