using ProtocolEngine.Storage.Connections;

namespace ProtocolEngine.Cli.Commands;

/// <summary>The options that name a workflow database, the same in every command that takes one (resolved by <see cref="ConnectionSettings"/>).</summary>
internal class WorkflowDatabaseSettings : CommandSettings
{
    [CommandOption("--db <FILE>")]
    [Description("A SQLite workflow database file.")]
    public string? Db { get; init; }

    [CommandOption("--pg <CONNSTR>")]
    [Description("A PostgreSQL connection string without a password (Host=...;Database=...;Username=...); the password comes from PGPASSWORD or ~/.pgpass, or use --pg-env / --pg-file.")]
    public string? Pg { get; init; }

    [CommandOption("--pg-env <NAME>")]
    [Description("The environment variable holding the PostgreSQL connection string (with its password).")]
    public string? PgEnv { get; init; }

    [CommandOption("--pg-file <PATH>")]
    [Description("A file (chmod 600) holding the PostgreSQL connection string (with its password).")]
    public string? PgFile { get; init; }

    [CommandOption("--sqlserver <CONNSTR>")]
    [Description("A SQL Server connection string without a password (integrated security); or use --sqlserver-env / --sqlserver-file.")]
    public string? SqlServer { get; init; }

    [CommandOption("--sqlserver-env <NAME>")]
    [Description("The environment variable holding the SQL Server connection string.")]
    public string? SqlServerEnv { get; init; }

    [CommandOption("--sqlserver-file <PATH>")]
    [Description("A file (chmod 600) holding the SQL Server connection string.")]
    public string? SqlServerFile { get; init; }

    /// <summary>The database named.</summary>
    public DatabaseOptions Database => new(Db, Pg, PgEnv, PgFile, SqlServer, SqlServerEnv, SqlServerFile);

    /// <summary>A database is required unless a derived command says otherwise.</summary>
    public override ValidationResult Validate() => Databases.Validate(Database, required: true);
}
