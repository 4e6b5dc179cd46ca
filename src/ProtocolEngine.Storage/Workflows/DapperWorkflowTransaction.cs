using System.Data.Common;
using Dapper;
using NodaTime;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Persistence;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>One transaction on one connection; everything a step writes goes through it.</summary>
internal sealed class DapperWorkflowTransaction(DapperWorkflowStore store, DbConnection connection, DbTransaction transaction) : IWorkflowTransaction
{
    private bool _done;

    public async Task CommitAsync(CancellationToken ct = default)
    {
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

    private CommandDefinition Cmd(string sql, object? args = null) => new(sql, args, transaction);

    public async Task<CommandRecord?> FindCommandAsync(string idempotencyKey)
    {
        var row = await connection.QuerySingleOrDefaultAsync<CommandRow>(Cmd(SqlText.FindCommand, new { key = idempotencyKey }));
        return row is null ? null : new CommandRecord(row.IdempotencyKey, row.InstanceId, row.Kind, row.Result, Rows.At(row.CreatedAt));
    }

    public async Task InsertCommandAsync(CommandRecord command)
    {
        try
        {
            await connection.ExecuteAsync(Cmd(SqlText.InsertCommand, new { command.IdempotencyKey, command.InstanceId, command.Kind, command.Result, at = Rows.Ms(command.CreatedAt) }));
        }
        catch (Exception ex) when (store.IsUniqueViolation(ex))
        {
            throw new DuplicateCommandException(command.IdempotencyKey);
        }
    }

    public async Task<InstanceRecord?> LockInstanceAsync(string instanceId) =>
        (await connection.QuerySingleOrDefaultAsync<InstanceRow>(Cmd(store.Dialect.LockInstance, new { id = instanceId })))?.ToRecord();

    public async Task<InstanceRecord?> FindInstanceAsync(string workflow, string correlationKey) =>
        (await connection.QuerySingleOrDefaultAsync<InstanceRow>(Cmd(store.Dialect.FindInstance, new { workflow, key = correlationKey })))?.ToRecord();

    public async Task InsertInstanceAsync(InstanceRecord instance)
    {
        try
        {
            await connection.ExecuteAsync(Cmd(SqlText.InsertInstance, InstanceRow.Params(instance)));
        }
        catch (Exception ex) when (store.IsUniqueViolation(ex))
        {
            throw new ConcurrencyException($"An instance of {instance.Workflow} for {instance.CorrelationKey} was started concurrently.");
        }
    }

    public async Task UpdateInstanceAsync(InstanceRecord instance, long expectedVersion)
    {
        var p = new DynamicParameters(InstanceRow.Params(instance));
        p.Add("expected", expectedVersion);
        int n = await connection.ExecuteAsync(Cmd(SqlText.UpdateInstance, p));
        if (n != 1) throw new ConcurrencyException($"Instance {instance.Id} was changed by another step (expected version {expectedVersion}).");
    }

    public Task AppendJournalAsync(JournalEntry e) =>
        connection.ExecuteAsync(Cmd(SqlText.InsertJournal, new { e.InstanceId, e.Sequence, at = Rows.Ms(e.At), e.Actor, e.Action, e.OldValue, e.NewValue, e.RuleHashes, e.Detail, e.PreviousHash, e.Hash }));

    public Task InsertOutboxAsync(OutboxMessage m) =>
        connection.ExecuteAsync(Cmd(SqlText.InsertOutbox, new { m.Id, m.InstanceId, m.Kind, m.DedupeKey, m.Recipient, m.Payload, at = Rows.Ms(m.CreatedAt) }));

    public Task InsertWaitAsync(WaitRecord wait) => connection.ExecuteAsync(Cmd(SqlText.InsertWait, WaitRow.Params(wait)));

    public async Task<bool> CloseWaitAsync(string waitId, string status, Instant at) =>
        await connection.ExecuteAsync(Cmd(SqlText.CloseWait, new { id = waitId, status, at = Rows.Ms(at) })) == 1;

    public Task<int> CancelStateWaitsAsync(string instanceId, string state, Instant at) =>
        connection.ExecuteAsync(Cmd(SqlText.CancelStateWaits, new { instance = instanceId, state, at = Rows.Ms(at) }));

    public Task<int> CancelTaskWaitsAsync(string taskId, Instant at) =>
        connection.ExecuteAsync(Cmd(SqlText.CancelTaskWaits, new { task = taskId, at = Rows.Ms(at) }));

    public async Task<IReadOnlyList<WaitRecord>> ClaimDueTimersAsync(Instant now, int max) =>
        (await connection.QueryAsync<WaitRow>(Cmd(store.Dialect.ClaimDueTimers, new { now = Rows.Ms(now), max = (long)max }))).Select(r => r.ToRecord()).ToList();

    public async Task<IReadOnlyList<WaitRecord>> FindEventWaitsAsync(string eventName, string correlationKey) =>
        (await connection.QueryAsync<WaitRow>(Cmd(SqlText.FindEventWaits, new { name = eventName, key = correlationKey }))).Select(r => r.ToRecord()).ToList();

    public Task InsertTaskAsync(TaskRecord task) => connection.ExecuteAsync(Cmd(SqlText.InsertTask, TaskRow.Params(task)));

    public async Task<TaskRecord?> GetTaskAsync(string taskId) =>
        (await connection.QuerySingleOrDefaultAsync<TaskRow>(Cmd(store.Dialect.GetTaskForUpdate, new { id = taskId })))?.ToRecord();

    public async Task<bool> UpdateTaskAsync(TaskRecord task, long expectedVersion) =>
        await connection.ExecuteAsync(Cmd(SqlText.UpdateTask, TaskRow.Params(task, expectedVersion))) == 1;

    public async Task<IReadOnlyList<TaskRecord>> OpenTasksAsync(string instanceId, string state) =>
        (await connection.QueryAsync<TaskRow>(Cmd(SqlText.OpenTasks, new { instance = instanceId, state }))).Select(r => r.ToRecord()).ToList();

    public Task InsertSignatureAsync(SignatureRecord s) =>
        connection.ExecuteAsync(Cmd(SqlText.InsertSignature, new { s.Id, s.TaskId, s.InstanceId, s.SignerId, s.PrintedName, s.Meaning, at = Rows.Ms(s.SignedAt), s.RecordHash, s.SignatureHash }));

    public Task InsertUnmatchedEventAsync(UnmatchedEvent ev) =>
        connection.ExecuteAsync(Cmd(SqlText.InsertUnmatched, new { ev.Id, ev.Name, ev.CorrelationKey, ev.Payload, at = Rows.Ms(ev.ReceivedAt) }));
}
