using System.Data;
using System.Data.Common;
using Dapper;
using NodaTime;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Persistence;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>
/// One transaction on one connection; everything a step writes goes through it. Where the provider batches
/// (PostgreSQL, SQL Server), inserts wait and travel with the next statement in one round trip; reads see them because
/// every read sends what waits first.
/// </summary>
/// <param name="store">The store whose statements run.</param>
/// <param name="connection">The open connection.</param>
/// <param name="transaction">The transaction on it.</param>
/// <param name="statementToken">The token the transaction was begun with: every statement of the transaction runs under it.</param>
internal sealed class DapperWorkflowTransaction(DapperWorkflowStore store, DbConnection connection, DbTransaction transaction, CancellationToken statementToken) : IWorkflowTransaction
{
    private readonly List<(string Sql, object Args)> _pending = [];
    private readonly Dictionary<string, InstanceRow> _claimed = new(StringComparer.Ordinal);
    private readonly bool _batching = connection.CanCreateBatch;
    private bool _done;

    public async Task CommitAsync(CancellationToken ct = default)
    {
        await FlushAsync();
        await transaction.CommitAsync(ct);
        _done = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_done)
        {
            try { await transaction.RollbackAsync(); }
            catch (DbException) { /* The connection broke; the database rolls back on its own. */ }
            catch (InvalidOperationException) { /* Already completed or zombied by the provider. */ }
        }
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private CommandDefinition Cmd(string sql, object? args = null) => new(sql, args, transaction, cancellationToken: statementToken);

    private async Task<CommandDefinition> ReadAsync(string sql, object? args = null)
    {
        await FlushAsync();
        return Cmd(sql, args);
    }

    /// <summary>An insert whose result nobody needs: batched where possible.</summary>
    private Task BufferAsync(string sql, object args)
    {
        if (!_batching) return store.ExecuteStatementAsync(connection, transaction, sql, args, statementToken);
        _pending.Add((sql, args));
        return Task.CompletedTask;
    }

    /// <summary>A statement whose row count matters, sent together with the waiting inserts.</summary>
    private async Task<int> ExecuteAsync(string sql, object args)
    {
        if (_pending.Count == 0) return await store.ExecuteStatementAsync(connection, transaction, sql, args, statementToken);
        _pending.Add((sql, args));
        return await SendBatchAsync();
    }

    private async Task<IReadOnlyList<T>> QueryAllAsync<T>(string sql, object args)
    {
        await FlushAsync();
        return await store.QueryStatementAsync<T>(connection, transaction, sql, args, statementToken);
    }

    private async Task<T?> QueryOneAsync<T>(string sql, object args) where T : class
    {
        var rows = await QueryAllAsync<T>(sql, args);
        return rows.Count switch
        {
            0 => null,
            1 => rows[0],
            _ => throw new InvalidOperationException($"More than one row for a single-row query: {sql}"),
        };
    }

    private async Task FlushAsync()
    {
        if (_pending.Count > 0) await SendBatchAsync();
    }

    private async Task<int> SendBatchAsync()
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var (sql, args) in _pending)
        {
            var cmd = batch.CreateBatchCommand();
            cmd.CommandText = sql;
            foreach (var (name, value, type) in Arguments(args))
            {
                var p = cmd.CreateParameter();
                p.ParameterName = name;
                p.Value = value ?? DBNull.Value;
                p.DbType = type;
                cmd.Parameters.Add(p);
            }
            batch.BatchCommands.Add(cmd);
        }
        _pending.Clear();
        await batch.ExecuteNonQueryAsync(statementToken);
        return batch.BatchCommands[^1].RecordsAffected;
    }

    private static IEnumerable<(string Name, object? Value, DbType Type)> Arguments(object args) =>
        StatementArguments.Of(args).Select(a => (a.Name, a.Value, a.Integer ? DbType.Int64 : DbType.String));

    private static Dictionary<string, object?> With(object args, string name, object? value)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (n, v, _) in StatementArguments.Of(args)) d[n] = v;
        d[name] = value;
        return d;
    }

    public async Task<CommandRecord?> FindCommandAsync(string idempotencyKey)
    {
        var row = await QueryOneAsync<CommandRow>(SqlText.FindCommand, new { key = idempotencyKey });
        return row is null ? null : new CommandRecord(row.IdempotencyKey, row.InstanceId, row.Kind, row.Result, Rows.At(row.CreatedAt));
    }

    public async Task InsertCommandAsync(CommandRecord command)
    {
        try
        {
            await ExecuteAsync(SqlText.InsertCommand, new { command.IdempotencyKey, command.InstanceId, command.Kind, command.Result, at = Rows.Ms(command.CreatedAt) });
        }
        catch (Exception ex) when (store.IsUniqueViolation(ex))
        {
            throw new DuplicateCommandException(command.IdempotencyKey);
        }
    }

    public async Task<InstanceRecord?> LockInstanceAsync(string instanceId)
    {
        // A timer claim already read and locked the instance row with the timer.
        if (_claimed.Remove(instanceId, out var row)) return row.ToRecord();
        return (await QueryOneAsync<InstanceRow>(store.Dialect.LockInstance, new { id = instanceId }))?.ToRecord();
    }

    public async Task<InstanceRecord?> FindInstanceAsync(string workflow, string correlationKey) =>
        (await QueryOneAsync<InstanceRow>(store.Dialect.FindInstance, new { workflow, key = correlationKey }))?.ToRecord();

    public async Task InsertInstanceAsync(InstanceRecord instance)
    {
        try
        {
            await ExecuteAsync(SqlText.InsertInstance, InstanceRow.Params(instance));
        }
        catch (Exception ex) when (store.IsUniqueViolation(ex))
        {
            throw new ConcurrencyException($"An instance of {instance.Workflow} for {instance.CorrelationKey} was started concurrently.");
        }
    }

    public async Task UpdateInstanceAsync(InstanceRecord instance, long expectedVersion)
    {
        int n = await ExecuteAsync(SqlText.UpdateInstance, With(InstanceRow.Params(instance), "expected", expectedVersion));
        if (n != 1) throw new ConcurrencyException($"Instance {instance.Id} was changed by another step (expected version {expectedVersion}).");
    }

    public Task AppendJournalAsync(JournalEntry e) =>
        BufferAsync(SqlText.InsertJournal, new { e.InstanceId, e.Sequence, at = Rows.Ms(e.At), e.Actor, e.Action, e.OldValue, e.NewValue, e.RuleHashes, e.Detail, e.PreviousHash, e.Hash, e.CorrelationId });

    public Task InsertOutboxAsync(OutboxMessage m) =>
        BufferAsync(SqlText.InsertOutbox, new { m.Id, m.InstanceId, m.Kind, m.DedupeKey, Recipient = StoredText.Of(m.Recipients), m.Payload, at = Rows.Ms(m.CreatedAt) });

    public Task InsertWaitAsync(WaitRecord wait) => BufferAsync(SqlText.InsertWait, WaitRow.Params(wait));

    public async Task<bool> CloseWaitAsync(string waitId, string status, Instant at) =>
        await ExecuteAsync(SqlText.CloseWait, new { id = waitId, status, at = Rows.Ms(at) }) == 1;

    public Task<int> CancelStateWaitsAsync(string instanceId, string state, Instant at) =>
        ExecuteAsync(SqlText.CancelStateWaits, new { instance = instanceId, state, at = Rows.Ms(at) });

    public Task<int> CancelTaskWaitsAsync(string taskId, Instant at) =>
        ExecuteAsync(SqlText.CancelTaskWaits, new { task = taskId, at = Rows.Ms(at) });

    public async Task<IReadOnlyList<WaitRecord>> ClaimDueTimersAsync(Instant now, int max)
    {
        var rows = await connection.QueryAsync<WaitRow, InstanceRow, (WaitRow Wait, InstanceRow Instance)>(
            await ReadAsync(store.Dialect.ClaimDueTimers, new { now = Rows.Ms(now), max = (long)max }), (w, i) => (w, i), splitOn: "id");
        var list = new List<WaitRecord>();
        foreach (var (w, i) in rows)
        {
            _claimed[i.Id] = i;
            list.Add(w.ToRecord());
        }
        return list;
    }

    public async Task<IReadOnlyList<WaitRecord>> FindEventWaitsAsync(string eventName, string correlationKey) =>
        (await QueryAllAsync<WaitRow>(SqlText.FindEventWaits, new { name = eventName, key = correlationKey })).Select(r => r.ToRecord()).ToList();

    public Task InsertTaskAsync(TaskRecord task) => BufferAsync(SqlText.InsertTask, TaskRow.Params(task));

    public async Task<TaskRecord?> GetTaskAsync(string taskId) =>
        (await QueryOneAsync<TaskRow>(store.Dialect.GetTaskForUpdate, new { id = taskId }))?.ToRecord();

    public async Task<bool> UpdateTaskAsync(TaskRecord task, long expectedVersion) =>
        await ExecuteAsync(SqlText.UpdateTask, TaskRow.Params(task, expectedVersion)) == 1;

    public async Task<IReadOnlyList<TaskRecord>> OpenTasksAsync(string instanceId, string state) =>
        (await QueryAllAsync<TaskRow>(SqlText.OpenTasks, new { instance = instanceId, state })).Select(r => r.ToRecord()).ToList();

    public Task InsertSignatureAsync(SignatureRecord s) =>
        BufferAsync(SqlText.InsertSignature, new { s.Id, s.TaskId, s.InstanceId, s.SignerId, s.PrintedName, s.Meaning, at = Rows.Ms(s.SignedAt), s.RecordHash, s.SignatureHash });

    public Task InsertUnmatchedEventAsync(UnmatchedEvent ev) =>
        BufferAsync(SqlText.InsertUnmatched, new { ev.Id, ev.Name, ev.CorrelationKey, ev.Payload, at = Rows.Ms(ev.ReceivedAt) });
}
