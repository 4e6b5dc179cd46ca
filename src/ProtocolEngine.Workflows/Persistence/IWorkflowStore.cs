using NodaTime;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Workflows.Persistence;

/// <summary>
/// Durable storage of definitions, instances, waits, tasks, signatures, journal, outbox and commands.
/// Implemented in ProtocolEngine.Storage for SQLite, PostgreSQL and SQL Server.
/// </summary>
public interface IWorkflowStore
{
    /// <summary>A short name for messages ("sqlite", "postgresql", "sqlserver").</summary>
    string Provider { get; }

    /// <summary>True when the exception is a lost race the caller should retry (deadlock, serialization failure, busy database).</summary>
    bool IsTransient(Exception exception);

    /// <summary>Applies pending schema migrations; safe to call from several processes at once.</summary>
    Task MigrateAsync(CancellationToken ct = default);

    /// <summary>Starts a transaction. Everything a step writes goes through one transaction.</summary>
    Task<IWorkflowTransaction> BeginAsync(CancellationToken ct = default);

    /// <summary>Saves a definition as a new version (or returns the existing one with the same content hash).</summary>
    Task<DefinitionRecord> SaveDefinitionAsync(WorkflowDefinition definition, DefinitionStatus status, Instant now, CancellationToken ct = default);

    /// <summary>Marks a draft published.</summary>
    Task PublishDefinitionAsync(string definitionId, CancellationToken ct = default);

    /// <summary>A definition version by id.</summary>
    Task<DefinitionRecord?> GetDefinitionAsync(string definitionId, CancellationToken ct = default);

    /// <summary>Every stored definition version.</summary>
    Task<IReadOnlyList<DefinitionRecord>> ListDefinitionsAsync(CancellationToken ct = default);

    /// <summary>An instance by id.</summary>
    Task<InstanceRecord?> GetInstanceAsync(string instanceId, CancellationToken ct = default);

    /// <summary>Instances, optionally of one workflow.</summary>
    Task<IReadOnlyList<InstanceRecord>> ListInstancesAsync(string? workflow = null, CancellationToken ct = default);

    /// <summary>The instance of a workflow for a correlation key (subject, or subject/record), or null; an index lookup.</summary>
    Task<InstanceRecord?> FindInstanceAsync(string workflow, string correlationKey, CancellationToken ct = default);

    /// <summary>Instance ids in order (for journal verification in pages).</summary>
    Task<IReadOnlyList<string>> ListInstanceIdsAsync(string? afterId, int limit, CancellationToken ct = default);

    /// <summary>Tasks of an instance, or all tasks with a status.</summary>
    Task<IReadOnlyList<TaskRecord>> ListTasksAsync(string? instanceId = null, TaskStatus? status = null, int limit = 10_000, CancellationToken ct = default);

    /// <summary>A task by id.</summary>
    Task<TaskRecord?> GetTaskAsync(string taskId, CancellationToken ct = default);

    /// <summary>An instance's journal in sequence order.</summary>
    Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken ct = default);

    /// <summary>Journal entries of all instances at or after a time, in time order (timelines).</summary>
    Task<IReadOnlyList<JournalEntry>> GetJournalSinceAsync(Instant since, CancellationToken ct = default);

    /// <summary>
    /// At most <paramref name="limit"/> journal entries at or after a time, in time order, optionally only those one
    /// request caused (<paramref name="correlationId"/>); the database picks them, so a page costs its own rows.
    /// </summary>
    Task<IReadOnlyList<JournalEntry>> GetJournalPageAsync(Instant since, int limit, string? correlationId = null, CancellationToken ct = default);

    /// <summary>Outbox messages, optionally of one instance.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListOutboxAsync(string? instanceId = null, CancellationToken ct = default);

    /// <summary>Outbox messages not yet handed to a dispatcher, oldest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListUndispatchedOutboxAsync(int limit, CancellationToken ct = default);

    /// <summary>Marks an outbox message delivered; false when it already was (another dispatcher won).</summary>
    Task<bool> MarkOutboxDispatchedAsync(string messageId, Instant at, CancellationToken ct = default);

    /// <summary>Signatures of a task.</summary>
    Task<IReadOnlyList<SignatureRecord>> ListSignaturesAsync(string taskId, CancellationToken ct = default);

    /// <summary>Waits of an instance, or all waits.</summary>
    Task<IReadOnlyList<WaitRecord>> ListWaitsAsync(string? instanceId = null, CancellationToken ct = default);

    /// <summary>The earliest pending timer, if any (the simulator advances its virtual clock to it).</summary>
    Task<Instant?> NextDueAtAsync(CancellationToken ct = default);

    /// <summary>Events no instance was waiting for.</summary>
    Task<IReadOnlyList<UnmatchedEvent>> ListUnmatchedEventsAsync(CancellationToken ct = default);
}

/// <summary>One database transaction. Disposing without <see cref="CommitAsync"/> rolls back.</summary>
public interface IWorkflowTransaction : IAsyncDisposable
{
    /// <summary>Commits everything written.</summary>
    Task CommitAsync(CancellationToken ct = default);

    /// <summary>A stored command answer for the key, if the command already ran.</summary>
    Task<CommandRecord?> FindCommandAsync(string idempotencyKey);

    /// <summary>Stores a command answer; throws <see cref="DuplicateCommandException"/> if the key exists.</summary>
    Task InsertCommandAsync(CommandRecord command);

    /// <summary>Reads an instance and locks it for the rest of the transaction (FOR UPDATE where the database has row locks).</summary>
    Task<InstanceRecord?> LockInstanceAsync(string instanceId);

    /// <summary>An instance by workflow name and correlation key, locked.</summary>
    Task<InstanceRecord?> FindInstanceAsync(string workflow, string correlationKey);

    /// <summary>Inserts a new instance.</summary>
    Task InsertInstanceAsync(InstanceRecord instance);

    /// <summary>Saves an instance if its version is still <paramref name="expectedVersion"/>; throws <see cref="ConcurrencyException"/> otherwise.</summary>
    Task UpdateInstanceAsync(InstanceRecord instance, long expectedVersion);

    /// <summary>Appends a journal entry.</summary>
    Task AppendJournalAsync(JournalEntry entry);

    /// <summary>Writes an outbox message.</summary>
    Task InsertOutboxAsync(OutboxMessage message);

    /// <summary>Inserts a wait.</summary>
    Task InsertWaitAsync(WaitRecord wait);

    /// <summary>Sets a wait's status if it is still pending; false when it was not.</summary>
    Task<bool> CloseWaitAsync(string waitId, string status, Instant at);

    /// <summary>Cancels an instance's pending waits created in a state (state-scoped waits); returns how many.</summary>
    Task<int> CancelStateWaitsAsync(string instanceId, string state, Instant at);

    /// <summary>Cancels a task's pending waits (reminders, escalations, due date).</summary>
    Task<int> CancelTaskWaitsAsync(string taskId, Instant at);

    /// <summary>
    /// Claims up to <paramref name="max"/> pending timers due at or before <paramref name="now"/>, locking them so no other
    /// worker gets them (FOR UPDATE SKIP LOCKED on PostgreSQL, UPDLOCK READPAST on SQL Server, the write lock on SQLite).
    /// The instance rows are read and locked with them, so the step's <see cref="LockInstanceAsync"/> costs no round trip.
    /// </summary>
    Task<IReadOnlyList<WaitRecord>> ClaimDueTimersAsync(Instant now, int max);

    /// <summary>Pending event waits for a name and key, locked.</summary>
    Task<IReadOnlyList<WaitRecord>> FindEventWaitsAsync(string eventName, string correlationKey);

    /// <summary>Inserts a task.</summary>
    Task InsertTaskAsync(TaskRecord task);

    /// <summary>Reads a task.</summary>
    Task<TaskRecord?> GetTaskAsync(string taskId);

    /// <summary>Saves a task if its version is still <paramref name="expectedVersion"/>; false when another change won.</summary>
    Task<bool> UpdateTaskAsync(TaskRecord task, long expectedVersion);

    /// <summary>Open or claimed tasks of an instance in a state.</summary>
    Task<IReadOnlyList<TaskRecord>> OpenTasksAsync(string instanceId, string state);

    /// <summary>Stores a signature.</summary>
    Task InsertSignatureAsync(SignatureRecord signature);

    /// <summary>Keeps an event no instance was waiting for.</summary>
    Task InsertUnmatchedEventAsync(UnmatchedEvent ev);
}

/// <summary>Another writer changed the row first; the step is retried from a fresh read.</summary>
public sealed class ConcurrencyException(string message) : Exception(message);

/// <summary>A command with the same idempotency key was stored by a concurrent call.</summary>
public sealed class DuplicateCommandException(string key) : Exception($"A command with idempotency key \"{key}\" already ran.");
