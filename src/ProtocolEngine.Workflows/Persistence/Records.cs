using NodaTime;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Workflows.Definitions;

namespace ProtocolEngine.Workflows.Persistence;

/// <summary>A stored definition version.</summary>
/// <param name="Id">The definition id (name@version).</param>
/// <param name="Name">The workflow name.</param>
/// <param name="Version">The version number, 1 upwards per name.</param>
/// <param name="ContentHash">SHA-256 of the canonical form.</param>
/// <param name="Status">Draft or published.</param>
/// <param name="Definition">The definition itself.</param>
/// <param name="CreatedAt">When it was saved.</param>
public sealed record DefinitionRecord(string Id, string Name, long Version, string ContentHash, DefinitionStatus Status, WorkflowDefinition Definition, Instant CreatedAt);

/// <summary>Whether an instance still runs.</summary>
public static class InstanceStatus
{
    /// <summary>Running: it has a current state that is not final.</summary>
    public const string Running = "running";
    /// <summary>Reached a final state.</summary>
    public const string Completed = "completed";
    /// <summary>Stopped by an error that needs a person (for example a transition loop); see the journal.</summary>
    public const string Faulted = "faulted";
}

/// <summary>One workflow instance row. Mutable: a step changes it and saves it with an optimistic version check.</summary>
public sealed class InstanceRecord
{
    /// <summary>The instance id.</summary>
    public required string Id { get; init; }
    /// <summary>The definition version it is pinned to.</summary>
    public required string DefinitionId { get; set; }
    /// <summary>The workflow name.</summary>
    public required string Workflow { get; init; }
    /// <summary>The business key that correlates events to it (subject id, or subject/record).</summary>
    public required string CorrelationKey { get; init; }
    /// <summary>The subject it concerns.</summary>
    public required string SubjectId { get; init; }
    /// <summary>The current state.</summary>
    public required string State { get; set; }
    /// <summary>See <see cref="InstanceStatus"/>.</summary>
    public required string Status { get; set; }
    /// <summary>The instance data (facts, clocks, values) as JSON.</summary>
    public required string Data { get; set; }
    /// <summary>The optimistic concurrency version.</summary>
    public long RowVersion { get; set; }
    /// <summary>The sequence number of the last journal entry.</summary>
    public long JournalSeq { get; set; }
    /// <summary>The hash of the last journal entry (the chain head).</summary>
    public string JournalHead { get; set; } = "";
    /// <summary>When it was created.</summary>
    public Instant CreatedAt { get; init; }
    /// <summary>When it was last changed.</summary>
    public Instant UpdatedAt { get; set; }
    /// <summary>When it entered its current state.</summary>
    public Instant StateEnteredAt { get; set; }
}

/// <summary>Kinds of wait rows.</summary>
public static class WaitKind
{
    /// <summary>A timer: due at a time.</summary>
    public const string Timer = "timer";
    /// <summary>An event subscription: a name and a correlation key.</summary>
    public const string Event = "event";
}

/// <summary>Status of a wait row.</summary>
public static class WaitStatus
{
    /// <summary>Waiting.</summary>
    public const string Pending = "pending";
    /// <summary>Fired (timers) or satisfied (one-shot events).</summary>
    public const string Fired = "fired";
    /// <summary>Cancelled because the instance left the state or the task closed.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>
/// Something an instance waits for, as a row so nothing lives only in memory: a timer (due at), an event
/// (name and correlation key) or a task-bound timer (reminder, escalation, due date).
/// </summary>
/// <param name="Id">The wait id.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="Kind"><see cref="WaitKind"/>.</param>
/// <param name="Purpose">What firing does: deadline, task-due, task-reminder, task-escalation, clock-reminder, clock-deadline, event, data.</param>
/// <param name="DueAt">For timers, when it is due.</param>
/// <param name="EventName">For events, the event name.</param>
/// <param name="CorrelationKey">For events, the key.</param>
/// <param name="TaskId">The task it belongs to, if any.</param>
/// <param name="State">The state it was created in (state-scoped waits are cancelled on exit); null for instance-scoped waits (clocks).</param>
/// <param name="Payload">Purpose-specific JSON.</param>
/// <param name="Status"><see cref="WaitStatus"/>.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record WaitRecord(
    string Id, string InstanceId, string Kind, string Purpose, Instant? DueAt, string? EventName, string? CorrelationKey,
    string? TaskId, string? State, string Payload, string Status, Instant CreatedAt);

/// <summary>Status of a human task (stored as its lower-case name).</summary>
public enum TaskStatus
{
    /// <summary>Open: any candidate may claim it.</summary>
    Open,
    /// <summary>Claimed by one person.</summary>
    Claimed,
    /// <summary>Completed with a decision.</summary>
    Completed,
    /// <summary>Cancelled because the instance left the state.</summary>
    Cancelled,
}

/// <summary>A human task or gate row.</summary>
public sealed class TaskRecord
{
    /// <summary>The task id.</summary>
    public required string Id { get; init; }
    /// <summary>The instance.</summary>
    public required string InstanceId { get; init; }
    /// <summary>The task name from the definition.</summary>
    public required string Name { get; init; }
    /// <summary>Task or gate.</summary>
    public required TaskKind Kind { get; init; }
    /// <summary>The human title.</summary>
    public string? Title { get; init; }
    /// <summary>The state that holds it.</summary>
    public required string State { get; init; }
    /// <summary>Roles that may claim it (escalations add roles).</summary>
    public List<string> CandidateRoles { get; set; } = [];
    /// <summary>Users that may claim it (reassignment sets them).</summary>
    public List<string> CandidateUsers { get; set; } = [];
    /// <summary>Who holds it.</summary>
    public string? Assignee { get; set; }
    /// <summary>Open, claimed, completed or cancelled.</summary>
    public required TaskStatus Status { get; set; }
    /// <summary>The decision recorded.</summary>
    public string? Decision { get; set; }
    /// <summary>The reason given with the decision.</summary>
    public string? Reason { get; set; }
    /// <summary>When it is due.</summary>
    public Instant? DueAt { get; init; }
    /// <summary>The signature meaning required, if any.</summary>
    public SignatureMeaning? SignatureMeaning { get; init; }
    /// <summary>The optimistic concurrency version: claim and complete check it.</summary>
    public long RowVersion { get; set; }
    /// <summary>When it was created.</summary>
    public Instant CreatedAt { get; init; }
    /// <summary>When it was completed.</summary>
    public Instant? CompletedAt { get; set; }
    /// <summary>Who completed it.</summary>
    public string? CompletedBy { get; set; }
}

/// <summary>An electronic signature (21 CFR 11.50 and 11.70), bound to the hash of the signed record.</summary>
/// <param name="Id">The signature id.</param>
/// <param name="TaskId">The task signed.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="SignerId">The signer's user id.</param>
/// <param name="PrintedName">The signer's printed name (11.50(a)(1)).</param>
/// <param name="Meaning">The meaning (11.50(a)(3)).</param>
/// <param name="SignedAt">Date and time of signing (11.50(a)(2)).</param>
/// <param name="RecordHash">SHA-256 of the signed record's canonical form.</param>
/// <param name="SignatureHash">SHA-256 binding signer, meaning, time and record hash (11.70).</param>
public sealed record SignatureRecord(string Id, string TaskId, string InstanceId, string SignerId, string PrintedName, string Meaning, Instant SignedAt, string RecordHash, string SignatureHash);

/// <summary>A message for other systems, written in the same transaction as the step that produced it.</summary>
/// <param name="Id">The message id.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="Kind">notification, reminder, escalation, incident, deviation, randomized, event, overdue, task-assigned.</param>
/// <param name="DedupeKey">Unique: instance, journal sequence and index, so a step cannot emit twice.</param>
/// <param name="Recipients">The roles, users, systems or event subscribers addressed (stored as their text forms, comma-separated).</param>
/// <param name="Payload">JSON.</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record OutboxMessage(string Id, string InstanceId, string Kind, string DedupeKey, IReadOnlyList<Recipient> Recipients, string Payload, Instant CreatedAt);

/// <summary>An idempotent command's stored answer.</summary>
/// <param name="IdempotencyKey">The key the caller chose.</param>
/// <param name="InstanceId">The instance it touched, if any.</param>
/// <param name="Kind">The command kind.</param>
/// <param name="Result">The JSON answer.</param>
/// <param name="CreatedAt">When it ran.</param>
public sealed record CommandRecord(string IdempotencyKey, string? InstanceId, string Kind, string Result, Instant CreatedAt);

/// <summary>An event that no instance was waiting for: kept and reported, never lost.</summary>
/// <param name="Id">The row id.</param>
/// <param name="Name">The event name.</param>
/// <param name="CorrelationKey">The key.</param>
/// <param name="Payload">The event JSON.</param>
/// <param name="ReceivedAt">When it arrived.</param>
public sealed record UnmatchedEvent(string Id, string Name, string CorrelationKey, string Payload, Instant ReceivedAt);
