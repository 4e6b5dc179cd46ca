using System.Text.Json.Serialization;

namespace ProtocolEngine.Language.Workflows;

/// <summary>Whether a human step is a task (work to do) or a gate (a decision: approved or rejected).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskKind>))]
public enum TaskKind
{
    /// <summary>A task: completed with a decision (default "completed").</summary>
    Task,
    /// <summary>A gate: approved or rejected.</summary>
    Gate,
}

/// <summary>The meaning of an electronic signature (21 CFR 11.50(a)(3)).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SignatureMeaning>))]
public enum SignatureMeaning
{
    /// <summary>Review.</summary>
    Review,
    /// <summary>Approval.</summary>
    Approval,
    /// <summary>Responsibility.</summary>
    Responsibility,
    /// <summary>Authorship.</summary>
    Authorship,
}

/// <summary>A reminder (grammar: taskRemind): <c>remind after|before D [every E]</c>.</summary>
/// <param name="Offset">After the task is created, or before it is due.</param>
/// <param name="BeforeDue">True for <c>before</c> (relative to the due date).</param>
/// <param name="Every">Repeat interval while the task stays open, if any.</param>
public sealed record ReminderDefinition(ClockDuration Offset, bool BeforeDue = false, ClockDuration? Every = null);

/// <summary>One rung of an escalation ladder (grammar: taskEscalate): <c>escalate to Role [after D]</c>; without <c>after</c>, at the due date.</summary>
/// <param name="To">The role escalated to; it joins the candidates, the task carries on.</param>
/// <param name="After">Time after creation, or null for the due date.</param>
public sealed record EscalationDefinition(string To, ClockDuration? After = null);

/// <summary>A human task or gate held by a state (grammar: taskStateClause).</summary>
/// <param name="Name">The task name, used by task guards.</param>
/// <param name="Title">The human title.</param>
/// <param name="Kind">Task or gate.</param>
/// <param name="CandidateRoles">Roles that may claim it.</param>
/// <param name="Due">Due after creation, if any.</param>
/// <param name="Reminders">Reminders.</param>
/// <param name="Escalations">The escalation ladder, in order.</param>
/// <param name="Signature">The signature meaning required to complete it, if any.</param>
/// <param name="Decisions">Allowed decisions; empty means "completed" for a task, "approved"/"rejected" for a gate.</param>
public sealed record TaskDefinition(
    string Name,
    string? Title,
    TaskKind Kind,
    IReadOnlyList<string> CandidateRoles,
    ClockDuration? Due = null,
    IReadOnlyList<ReminderDefinition>? Reminders = null,
    IReadOnlyList<EscalationDefinition>? Escalations = null,
    SignatureMeaning? Signature = null,
    IReadOnlyList<string>? Decisions = null)
{
    /// <summary>The decisions a person may record.</summary>
    public IReadOnlyList<string> AllowedDecisions() =>
        Decisions is { Count: > 0 } d ? d : Kind == TaskKind.Gate ? ["approved", "rejected"] : ["completed"];
}

/// <summary>A state deadline (grammar: deadlineClause): <c>deadline D -> Target reason "..."</c>.</summary>
/// <param name="After">Time after entering the state.</param>
/// <param name="Target">The state moved to when the deadline passes.</param>
/// <param name="Reason">Why, for the journal.</param>
public sealed record DeadlineDefinition(ClockDuration After, string Target, string? Reason);
