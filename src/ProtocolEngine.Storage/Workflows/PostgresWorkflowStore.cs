using System.Data.Common;
using Npgsql;
using ProtocolEngine.Storage.Schema;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>
/// PostgreSQL, for many users and many engine nodes: steps lock their instance row (FOR UPDATE) and workers claim due
/// timers with FOR UPDATE SKIP LOCKED, so two engines on one database never run the same step twice.
/// </summary>
public sealed class PostgresWorkflowStore : DapperWorkflowStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Connects with an Npgsql connection string.</summary>
    public PostgresWorkflowStore(string connectionString) : base(new PostgresDialect())
    {
        ConnectionString = connectionString;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // The same few statements run for every step: prepared once per connection, they skip parsing and planning.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
        builder.AutoPrepareMinUsages = 2;
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>The connection string.</summary>
    public string ConnectionString { get; }

    /// <inheritdoc />
    protected internal override async Task<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    /// <inheritdoc />
    protected internal override bool IsUniqueViolation(Exception exception) => exception is PostgresException { SqlState: "23505" };

    /// <inheritdoc />
    public override bool IsTransient(Exception exception) =>
        exception is PostgresException { SqlState: "40001" or "40P01" or "55P03" } || exception is NpgsqlException { IsTransient: true };

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
