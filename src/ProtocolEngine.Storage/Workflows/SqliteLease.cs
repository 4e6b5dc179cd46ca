using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>
/// The connection a store call or a transaction holds: a <see cref="DbConnection"/> over a pooled SQLite connection
/// (Dapper runs on it as on any connection), returned to the store's pool when disposed instead of closed.
/// </summary>
internal sealed class SqliteLease(SqlitePooledConnection pooled, ConcurrentBag<SqlitePooledConnection> pool) : DbConnection
{
    private int _returned;

    public SqlitePooledConnection Pooled { get; } = pooled;

    [AllowNull]
    public override string ConnectionString
    {
        get => Pooled.Connection.ConnectionString;
        set => throw new NotSupportedException("A pooled workflow-store connection keeps its connection string.");
    }

    public override string Database => Pooled.Connection.Database;

    public override string DataSource => Pooled.Connection.DataSource;

    public override string ServerVersion => Pooled.Connection.ServerVersion;

    public override ConnectionState State => Pooled.Connection.State;

    public override void ChangeDatabase(string databaseName) => Pooled.Connection.ChangeDatabase(databaseName);

    public override void Open()
    {
        if (Pooled.Connection.State != ConnectionState.Open) Pooled.Connection.Open();
    }

    // Closing hands the connection back (see Dispose); Dapper closes only connections it opened itself.
    public override void Close() { }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => Pooled.Connection.BeginTransaction(isolationLevel);

    protected override DbCommand CreateDbCommand() => Pooled.Connection.CreateCommand();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _returned, 1) == 0)
        {
            // A connection left in a transaction or broken is not reused.
            if (Pooled.IsIdle) pool.Add(Pooled);
            else Pooled.Dispose();
        }
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
