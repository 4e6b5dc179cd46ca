namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>The options of the commands that screen in a database: which PostgreSQL database or ClickHouse cluster, and its schema.</summary>
internal class DatabaseSettings : ProtocolDataSettings
{
    [CommandOption("--pg <CONNSTR>")]
    [Description("For --backend postgres or auto: a PostgreSQL connection string without a password; or use --pg-env / --pg-file.")]
    public string? Pg { get; init; }

    [CommandOption("--pg-env <NAME>")]
    [Description("For --backend postgres or auto: the environment variable holding the PostgreSQL connection string.")]
    public string? PgEnv { get; init; }

    [CommandOption("--pg-file <PATH>")]
    [Description("For --backend postgres or auto: a file (chmod 600) holding the PostgreSQL connection string.")]
    public string? PgFile { get; init; }

    [CommandOption("--ch <CONNSTR>")]
    [Description("For --backend clickhouse or auto: a ClickHouse cluster's connection string without a password; or use --ch-env / --ch-file.")]
    public string? Ch { get; init; }

    [CommandOption("--ch-env <NAME>")]
    [Description("For --backend clickhouse or auto: the environment variable holding the ClickHouse connection string.")]
    public string? ChEnv { get; init; }

    [CommandOption("--ch-file <PATH>")]
    [Description("For --backend clickhouse or auto: a file (chmod 600) holding the ClickHouse connection string.")]
    public string? ChFile { get; init; }

    [CommandOption("--schema <NAME>")]
    [Description("For --backend postgres, clickhouse or auto: the schema (ClickHouse: database) holding the loaded tables.")]
    public string? Schema { get; init; }

    /// <summary>True when a PostgreSQL database is named.</summary>
    public bool NamesPostgres => (Pg ?? PgEnv ?? PgFile) is not null;

    /// <summary>True when a ClickHouse cluster is named.</summary>
    public bool NamesClickHouse => (Ch ?? ChEnv ?? ChFile) is not null;
}
