using System.Data.Common;
using Dapper;
using NodaTime;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Storage.Schema;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Persistence;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;
using ProtocolEngine.Storage.Connections;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>The workflow store on Dapper: one implementation, a <see cref="SqlDialect"/> for what differs.</summary>
public abstract class DapperWorkflowStore : IWorkflowStore
{
    static DapperWorkflowStore() => Rows.MapSnakeCaseColumns();

    /// <summary>Creates a store for a dialect.</summary>
    protected DapperWorkflowStore(SqlDialect dialect) => Dialect = dialect;

    /// <summary>The dialect.</summary>
    public SqlDialect Dialect { get; }

    /// <inheritdoc />
    public string Provider => Dialect.Name;

    /// <summary>Opens a connection ready for use (pragmas applied).</summary>
    protected internal abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Begins a transaction on an open connection.</summary>
    protected internal virtual async Task<DbTransaction> BeginTransactionAsync(DbConnection connection, CancellationToken ct) =>
        await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);

    /// <summary>Runs a statement that returns no rows; a provider may keep its compiled form (SQLite does).</summary>
    protected internal virtual Task<int> ExecuteStatementAsync(DbConnection connection, DbTransaction? transaction, string sql, object? args, CancellationToken ct) =>
        connection.ExecuteAsync(ct, sql, args, transaction);

    /// <summary>Runs a query mapped to <typeparamref name="T"/> (snake_case columns to properties); a provider may keep its compiled form.</summary>
    protected internal virtual async Task<IReadOnlyList<T>> QueryStatementAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, object? args, CancellationToken ct) =>
        (await connection.QueryAsync<T>(ct, sql, args, transaction)).AsList();

    /// <summary>True for a unique-constraint violation.</summary>
    protected internal abstract bool IsUniqueViolation(Exception exception);

    /// <inheritdoc />
    public abstract bool IsTransient(Exception exception);

    /// <summary>Statements run once after the schema is created (WAL mode, ...).</summary>
    protected virtual IEnumerable<string> AfterMigration() => [];

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using (var tx = await BeginTransactionAsync(conn, ct))
        {
            await SchemaMigrator.ApplyAsync(conn, tx, Dialect, "wf_schema_version", WorkflowSchema.Migrations,
                version => version == 1 ? Dialect.JournalAppendOnly() : [], ct);
            await tx.CommitAsync(ct);
        }
        foreach (var sql in AfterMigration()) await conn.ExecuteAsync(ct, sql);
    }

    /// <summary>The schema versions applied.</summary>
    public async Task<IReadOnlyList<long>> AppliedVersionsAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QueryAsync<long>(ct, "SELECT version FROM wf_schema_version ORDER BY version")).ToList();
    }

    /// <inheritdoc />
    public async Task<IWorkflowTransaction> BeginAsync(CancellationToken ct = default)
    {
        var conn = await OpenAsync(ct);
        try
        {
            var tx = await BeginTransactionAsync(conn, ct);
            return new DapperWorkflowTransaction(this, conn, tx, ct);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<DefinitionRecord> SaveDefinitionAsync(WorkflowDefinition definition, DefinitionStatus status, Instant now, CancellationToken ct = default)
    {
        var body = DefinitionSerializer.ToJson(definition);
        var hash = Sha256Hex.Of(body);
        for (int attempt = 1; ; attempt++)
        {
            await using var conn = await OpenAsync(ct);
            await using var tx = await BeginTransactionAsync(conn, ct);
            try
            {
                var existing = await conn.QuerySingleOrDefaultAsync<DefinitionRow>(ct, 
                    "SELECT * FROM wf_definitions WHERE name = @name AND content_hash = @hash", new { name = definition.Name, hash }, tx);
                if (existing is null)
                {
                    await conn.ExecuteAsync(ct, Dialect.InsertDefinition,
                        new { name = definition.Name, hash, status = status == DefinitionStatus.Published ? "published" : "draft", body, now = Rows.Ms(now) }, tx);
                    existing = await conn.QuerySingleAsync<DefinitionRow>(ct, 
                        "SELECT * FROM wf_definitions WHERE name = @name AND content_hash = @hash", new { name = definition.Name, hash }, tx);
                }
                await tx.CommitAsync(ct);
                return existing.ToRecord();
            }
            catch (Exception ex) when (attempt < 5 && (IsUniqueViolation(ex) || IsTransient(ex)))
            {
                // Another process saved a version of the same name at the same moment: read again.
            }
        }
    }

    /// <inheritdoc />
    public async Task PublishDefinitionAsync(string definitionId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync(ct, "UPDATE wf_definitions SET status = 'published' WHERE id = @id", new { id = definitionId });
    }

    /// <inheritdoc />
    public async Task<DefinitionRecord?> GetDefinitionAsync(string definitionId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<DefinitionRow>(ct, "SELECT * FROM wf_definitions WHERE id = @id", new { id = definitionId }))?.ToRecord();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DefinitionRecord>> ListDefinitionsAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QueryAsync<DefinitionRow>(ct, "SELECT * FROM wf_definitions ORDER BY name, version")).Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<InstanceRecord?> GetInstanceAsync(string instanceId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<InstanceRow>(ct, "SELECT * FROM wf_instances WHERE id = @id", new { id = instanceId }))?.ToRecord();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<InstanceRecord>> ListInstancesAsync(string? workflow = null, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var sql = workflow is null ? "SELECT * FROM wf_instances ORDER BY id" : "SELECT * FROM wf_instances WHERE workflow = @workflow ORDER BY id";
        return (await conn.QueryAsync<InstanceRow>(ct, sql, new { workflow })).Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<InstanceRecord?> FindInstanceAsync(string workflow, string correlationKey, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await QueryStatementAsync<InstanceRow>(conn, null, "SELECT * FROM wf_instances WHERE workflow = @workflow AND correlation_key = @key",
            new { workflow, key = correlationKey }, ct)).SingleOrDefault()?.ToRecord();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListInstanceIdsAsync(string? afterId, int limit, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QueryAsync<string>(ct, Dialect.ListInstanceIds, new { after = afterId ?? "", limit = (long)limit })).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TaskRecord>> ListTasksAsync(string? instanceId = null, TaskStatus? status = null, int limit = 10_000, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var where = new List<string>();
        if (instanceId is not null) where.Add("instance_id = @instanceId");
        if (status is not null) where.Add("status = @status");
        var sql = "SELECT * FROM wf_tasks" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY created_at, id" + Dialect.FirstRows;
        var args = new { instanceId, status = status is { } s ? StoredText.Of(s) : null, limit = (long)limit };
        return (await QueryStatementAsync<TaskRow>(conn, null, sql, args, ct)).Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<TaskRecord?> GetTaskAsync(string taskId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<TaskRow>(ct, "SELECT * FROM wf_tasks WHERE id = @id", new { id = taskId }))?.ToRecord();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QueryAsync<JournalRow>(ct, "SELECT * FROM wf_journal WHERE instance_id = @id ORDER BY seq", new { id = instanceId })).Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> GetJournalSinceAsync(Instant since, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QueryAsync<JournalRow>(ct, "SELECT * FROM wf_journal WHERE at >= @since ORDER BY at, instance_id, seq", new { since = Rows.Ms(since) }))
            .Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> GetJournalPageAsync(Instant since, int limit, string? correlationId = null, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var sql = "SELECT * FROM wf_journal WHERE at >= @since" + (correlationId is null ? "" : " AND correlation_id = @correlationId") +
            " ORDER BY at, instance_id, seq" + Dialect.FirstRows;
        return (await conn.QueryAsync<JournalRow>(ct, sql, new { since = Rows.Ms(since), correlationId, limit = (long)limit })).Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxMessage>> ListOutboxAsync(string? instanceId = null, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var sql = instanceId is null ? "SELECT * FROM wf_outbox ORDER BY created_at, dedupe_key" : "SELECT * FROM wf_outbox WHERE instance_id = @instanceId ORDER BY created_at, dedupe_key";
        return (await conn.QueryAsync<OutboxRow>(ct, sql, new { instanceId })).Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxMessage>> ListUndispatchedOutboxAsync(int limit, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QueryAsync<OutboxRow>(ct, "SELECT * FROM wf_outbox WHERE dispatched_at IS NULL ORDER BY created_at, dedupe_key" + Dialect.FirstRows,
            new { limit = (long)limit })).Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<bool> MarkOutboxDispatchedAsync(string messageId, Instant at, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteAsync(ct, "UPDATE wf_outbox SET dispatched_at = @at WHERE id = @id AND dispatched_at IS NULL", new { id = messageId, at = Rows.Ms(at) }) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SignatureRecord>> ListSignaturesAsync(string taskId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QueryAsync<SignatureRow>(ct, "SELECT * FROM wf_signatures WHERE task_id = @taskId ORDER BY signed_at", new { taskId })).Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WaitRecord>> ListWaitsAsync(string? instanceId = null, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var sql = instanceId is null ? "SELECT * FROM wf_waits ORDER BY created_at, id" : "SELECT * FROM wf_waits WHERE instance_id = @instanceId ORDER BY created_at, id";
        return (await conn.QueryAsync<WaitRow>(ct, sql, new { instanceId })).Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<Instant?> NextDueAtAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var ms = (await QueryStatementAsync<long?>(conn, null, Dialect.NextDueAt, null, ct)).FirstOrDefault();
        return ms is { } v ? Rows.At(v) : null;
    }

    /// <summary>How many journal entries record an action (monitoring and benchmarks).</summary>
    public async Task<long> CountJournalEntriesAsync(string action, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>(ct, "SELECT COUNT(*) FROM wf_journal WHERE action = @action", new { action });
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UnmatchedEvent>> ListUnmatchedEventsAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QueryAsync<UnmatchedRow>(ct, "SELECT * FROM wf_unmatched_events ORDER BY received_at, id"))
            .Select(r => new UnmatchedEvent(r.Id, r.Name, r.CorrelationKey, r.Payload, Rows.At(r.ReceivedAt))).ToList();
    }
}
