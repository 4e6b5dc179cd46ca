using NodaTime;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>A person acting on the engine: their user id and roles.</summary>
/// <param name="UserId">The user id.</param>
/// <param name="Roles">Their roles (Investigator, SiteManager, ...).</param>
public sealed record WorkflowActor(string UserId, IReadOnlyList<string> Roles)
{
    /// <summary>The engine itself, for automated steps.</summary>
    public static WorkflowActor Engine { get; } = new("engine", []);
}

/// <summary>The answer to a command. Stored with the idempotency key, so a retry gets the same answer.</summary>
/// <param name="Accepted">True when the command did what it asked.</param>
/// <param name="Message">What happened, or why not.</param>
/// <param name="InstanceId">The instance touched.</param>
/// <param name="State">The instance state afterwards.</param>
/// <param name="TaskId">The task touched.</param>
/// <param name="Replayed">True when this answer was stored by an earlier call with the same key (nothing ran again).</param>
/// <param name="Refusal">Why a refused command was refused, for callers that must act on the reason (a server answering
/// 409 or 403); null when the command was accepted. The message stays the words a person reads.</param>
public sealed record CommandResult(bool Accepted, string Message, string? InstanceId = null, string? State = null, string? TaskId = null, bool Replayed = false,
    CommandRefusal? Refusal = null);

/// <summary>Why the engine refused a command. Callers decide on this, never on the message's words.</summary>
public enum CommandRefusal
{
    /// <summary>The workflow, instance, task or clock named does not exist.</summary>
    NotFound,
    /// <summary>The task is not in a status the command applies to (completed, cancelled, expired, ...).</summary>
    WrongStatus,
    /// <summary>Someone else holds the task, or it changed since the caller saw it: reload and decide again.</summary>
    Conflict,
    /// <summary>The person is not a candidate or assignee of the task.</summary>
    NotPermitted,
    /// <summary>The request itself is incomplete or wrong: an unknown decision, a missing reason or signature, the wrong meaning.</summary>
    InvalidRequest,
    /// <summary>Re-authentication at signing failed: nothing was signed.</summary>
    SignatureFailed,
    /// <summary>What the command would create exists already (an instance for the same key).</summary>
    AlreadyExists,
}

/// <summary>Starts an instance.</summary>
/// <param name="Workflow">The workflow name (its newest published version is used).</param>
/// <param name="SubjectId">The subject.</param>
/// <param name="CorrelationKey">The business key; defaults to the subject id.</param>
/// <param name="Values">Initial values (awarenessAt, region, timeZone, record fields).</param>
/// <param name="IdempotencyKey">The caller's key; a retry with the same key is answered, not re-run.</param>
public sealed record StartRequest(string Workflow, string SubjectId, string? CorrelationKey = null, IReadOnlyDictionary<string, string>? Values = null, string? IdempotencyKey = null);

/// <summary>Standard event names the engine understands besides the ones workflows wait for.</summary>
public static class StandardEvents
{
    /// <summary>A subject was identified: starts every per-subject workflow.</summary>
    public const string SubjectCreated = "SubjectCreated";
    /// <summary>New data for a subject (a lab, an AE): starts per-record workflows and re-evaluates waiting guards.</summary>
    public const string DataArrived = "DataArrived";
    /// <summary>Criteria were re-evaluated for a subject: waiting guards are evaluated again.</summary>
    public const string CriteriaEvaluated = "CriteriaEvaluated";
}

/// <summary>An event from outside: correlated to instances by key; kept and reported when no instance waits for it.</summary>
/// <param name="Name">The event name (see <see cref="StandardEvents"/>, or one a workflow waits for).</param>
/// <param name="CorrelationKey">The key (the subject id for standard events).</param>
/// <param name="Data">Event data (for DataArrived: the record's fields).</param>
/// <param name="Domain">For DataArrived, the domain (AE, LB, ...).</param>
/// <param name="RecordId">For DataArrived, the record id (AESEQ, ...).</param>
/// <param name="IdempotencyKey">The caller's key.</param>
/// <param name="Actor">Who sent it.</param>
public sealed record WorkflowEvent(string Name, string CorrelationKey, IReadOnlyDictionary<string, string>? Data = null,
    string? Domain = null, string? RecordId = null, string? IdempotencyKey = null, string Actor = "system");

/// <summary>What an event did.</summary>
/// <param name="Started">Instances it started.</param>
/// <param name="Delivered">Instances it was delivered to.</param>
/// <param name="Unmatched">True when nobody waited: it was kept in the unmatched-events table.</param>
/// <param name="Replayed">True when the idempotency key had already been seen.</param>
public sealed record EventResult(IReadOnlyList<string> Started, IReadOnlyList<string> Delivered, bool Unmatched, bool Replayed = false);

/// <summary>Completes a task or gate.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Actor">Who completes it.</param>
/// <param name="Decision">The decision (completed, approved, rejected, or a declared one).</param>
/// <param name="Reason">The reason, required.</param>
/// <param name="Signature">The signature, required when the task requires one.</param>
/// <param name="IdempotencyKey">The caller's key.</param>
/// <param name="ExpectedVersion">The task version the person saw, if the caller checks it.</param>
public sealed record CompleteTaskRequest(string TaskId, WorkflowActor Actor, string Decision, string Reason, SignatureInput? Signature = null, string? IdempotencyKey = null, long? ExpectedVersion = null);

/// <summary>What the signer gives at signing: the meaning they affirm and their credential for re-authentication.</summary>
/// <param name="Meaning">review, approval, responsibility or authorship; must be the meaning the task requires.</param>
/// <param name="Secret">The signer's password (re-authentication at signing).</param>
public sealed record SignatureInput(string Meaning, string Secret);

/// <summary>A regulatory clock as a person sees it.</summary>
/// <param name="Name">The clock name.</param>
/// <param name="Party">Who must be notified or reported to.</param>
/// <param name="Day0">When the sponsor became aware.</param>
/// <param name="DueAt">The deadline.</param>
/// <param name="TimeZone">The zone calendar days count in.</param>
/// <param name="Status">running, met, missed, or withdrawn (a person decided the obligation does not apply).</param>
/// <param name="Remaining">Time left (negative when overdue); zero once stopped.</param>
/// <param name="Day">Today's calendar day number (Day 0 = awareness).</param>
/// <param name="MetAt">When it was stopped or withdrawn.</param>
public sealed record ClockView(string Name, string? Party, Instant Day0, Instant DueAt, string TimeZone, string Status, Duration Remaining, int Day, Instant? MetAt);

/// <summary>Engine settings.</summary>
public sealed class WorkflowEngineOptions
{
    /// <summary>Transitions one stimulus may cause before the instance is faulted (a loop in the definition).</summary>
    public int MaxTransitionsPerStimulus { get; init; } = 50;
    /// <summary>Repeats of an <c>every</c> reminder.</summary>
    public int MaxReminderRepeats { get; init; } = 20;
    /// <summary>Retries of a command that lost an optimistic-concurrency race or a deadlock.</summary>
    public int MaxRetries { get; init; } = 8;
    /// <summary>Who receives incidents (missed regulatory deadlines, faulted instances).</summary>
    public string IncidentRecipient { get; init; } = "QualityAssurance";
}
