namespace ProtocolEngine.Storage.Connections;

/// <summary>The kinds of workflow database.</summary>
public enum DatabaseKind
{
    /// <summary>A SQLite file (the embedded default).</summary>
    Sqlite,
    /// <summary>A PostgreSQL server.</summary>
    Postgres,
    /// <summary>A SQL Server instance.</summary>
    SqlServer,
}

/// <summary>A database to open, resolved from the settings a host was given (see <see cref="ConnectionSettings"/>).</summary>
/// <param name="Kind">Which database.</param>
/// <param name="ConnectionString">The SQLite path, or the connection string (which may hold a password: never print it; print <see cref="Display"/>).</param>
/// <param name="Origin">Where the setting came from ("--pg-env PE_PG", "--pg-file /etc/pe/pg"), for messages.</param>
public sealed record DatabaseConnection(DatabaseKind Kind, string ConnectionString, string Origin)
{
    /// <summary>The connection as it may be shown: a SQLite path as is, a connection string with its password masked.</summary>
    public string Display => Kind == DatabaseKind.Sqlite ? ConnectionString : ConnectionSettings.Mask(ConnectionString);

    /// <summary>What the database is, for messages ("the PostgreSQL database Host=db;Username=pe;Password=*****").</summary>
    public string Description => Kind switch
    {
        DatabaseKind.Postgres => $"the PostgreSQL database ({Display}, from {Origin})",
        DatabaseKind.SqlServer => $"the SQL Server database ({Display}, from {Origin})",
        _ => ConnectionString,
    };

    /// <inheritdoc />
    public override string ToString() => Description;
}

/// <summary>
/// The database settings a host takes, one database at most: a SQLite file, or a PostgreSQL or SQL Server connection
/// given as a string without a password, as the name of an environment variable holding it, or as a file holding it.
/// </summary>
/// <param name="Sqlite">A SQLite file (<c>--db</c>).</param>
/// <param name="Postgres">A PostgreSQL connection string without a password (<c>--pg</c>).</param>
/// <param name="PostgresEnvironment">The environment variable holding a PostgreSQL connection string (<c>--pg-env</c>).</param>
/// <param name="PostgresFile">A file holding a PostgreSQL connection string (<c>--pg-file</c>).</param>
/// <param name="SqlServer">A SQL Server connection string without a password (<c>--sqlserver</c>).</param>
/// <param name="SqlServerEnvironment">The environment variable holding a SQL Server connection string (<c>--sqlserver-env</c>).</param>
/// <param name="SqlServerFile">A file holding a SQL Server connection string (<c>--sqlserver-file</c>).</param>
public sealed record DatabaseOptions(
    string? Sqlite = null,
    string? Postgres = null, string? PostgresEnvironment = null, string? PostgresFile = null,
    string? SqlServer = null, string? SqlServerEnvironment = null, string? SqlServerFile = null)
{
    /// <summary>How many databases the options name.</summary>
    public int Count => new[] { Sqlite, Postgres, PostgresEnvironment, PostgresFile, SqlServer, SqlServerEnvironment, SqlServerFile }.Count(x => x is not null);
}
