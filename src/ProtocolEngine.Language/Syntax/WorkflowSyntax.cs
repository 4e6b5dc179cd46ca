using System.Collections.Immutable;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Syntax;

/// <summary><c>workflow Name ["title"] per subject | per DOMAIN ALIAS [when C]</c>, with states and transitions.</summary>
public sealed record WorkflowSyntax(
    TextSpan Span,
    IdentifierSyntax Name,
    StringSyntax? Title,
    WorkflowScopeSyntax Scope,
    ImmutableArray<StateSyntax> States,
    ImmutableArray<TransitionSyntax> Transitions) : DeclarationSyntax(Span);

/// <summary>What one instance of a workflow follows.</summary>
public abstract record WorkflowScopeSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>per subject</c>.</summary>
public sealed record SubjectWorkflowScopeSyntax(TextSpan Span) : WorkflowScopeSyntax(Span);

/// <summary><c>per AE A [when C]</c>: one instance per record (an adverse event, a lab result).</summary>
public sealed record RecordWorkflowScopeSyntax(TextSpan Span, IdentifierSyntax Domain, IdentifierSyntax Alias, ExpressionSyntax? When) : WorkflowScopeSyntax(Span);

/// <summary>A state with its clauses.</summary>
public sealed record StateSyntax(
    TextSpan Span,
    IdentifierSyntax Name,
    bool IsInitial,
    bool IsFinal,
    ImmutableArray<ActionSyntax> EntryActions,
    ImmutableArray<TaskSyntax> Tasks,
    DeadlineSyntax? Deadline) : SyntaxNode(Span);

/// <summary>A human task, or a gate (a task whose decision is approve or reject).</summary>
public sealed record TaskSyntax(
    TextSpan Span,
    bool IsGate,
    IdentifierSyntax Name,
    StringSyntax? Title,
    ImmutableArray<IdentifierSyntax> Roles,
    ClockDurationSyntax? Due,
    ImmutableArray<ReminderSyntax> Reminders,
    ImmutableArray<EscalationSyntax> Escalations,
    StringSyntax? SignatureMeaning,
    ImmutableArray<IdentifierSyntax> Decisions) : SyntaxNode(Span);

/// <summary><c>remind after|before D [every D]</c>.</summary>
public sealed record ReminderSyntax(TextSpan Span, bool BeforeDue, ClockDurationSyntax Offset, ClockDurationSyntax? Every) : SyntaxNode(Span);

/// <summary><c>escalate to ROLE [after D]</c> (without <c>after</c>: when the task is overdue).</summary>
public sealed record EscalationSyntax(TextSpan Span, IdentifierSyntax Role, ClockDurationSyntax? After) : SyntaxNode(Span);

/// <summary><c>deadline D -> State [reason "..."]</c>.</summary>
public sealed record DeadlineSyntax(TextSpan Span, ClockDurationSyntax Duration, IdentifierSyntax Target, StringSyntax? Reason) : SyntaxNode(Span);

/// <summary><c>From -> To [when guard] [, then action, ...]</c>.</summary>
public sealed record TransitionSyntax(TextSpan Span, IdentifierSyntax From, IdentifierSyntax To, GuardSyntax? Guard, ImmutableArray<ActionSyntax> Actions) : SyntaxNode(Span);

/// <summary>A transition condition.</summary>
public abstract record GuardSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>G and H</c> / <c>G or H</c>.</summary>
public sealed record BinaryGuardSyntax(TextSpan Span, bool IsAnd, GuardSyntax Left, GuardSyntax Right) : GuardSyntax(Span);

/// <summary>The outcome a criteria guard asks for.</summary>
public enum CriteriaOutcome
{
    /// <summary>All criteria decided in favour: eligible.</summary>
    Met,
    /// <summary>Some criterion decided against: ineligible.</summary>
    NotMet,
    /// <summary>Some criterion cannot be decided from the data.</summary>
    Unknown,
    /// <summary>Some criterion awaits a person's attestation.</summary>
    Attested,
}

/// <summary><c>criteria [phase P] met | not met | unknown | attested [or ...]</c>.</summary>
public sealed record CriteriaGuardSyntax(TextSpan Span, IdentifierSyntax? Phase, ImmutableArray<CriteriaOutcome> Outcomes) : GuardSyntax(Span);

/// <summary>The outcome a task guard asks for.</summary>
public enum TaskOutcome
{
    /// <summary>Completed with any decision.</summary>
    Completed,
    /// <summary>Approved (gates).</summary>
    Approved,
    /// <summary>Rejected (gates).</summary>
    Rejected,
    /// <summary>Completed with a named decision.</summary>
    Decided,
}

/// <summary><c>Task completed | approved | rejected | decided D</c>.</summary>
public sealed record TaskGuardSyntax(TextSpan Span, IdentifierSyntax Task, TaskOutcome Outcome, IdentifierSyntax? Decision) : GuardSyntax(Span);

/// <summary><c>event Name</c>: an event of that name arrived for the instance.</summary>
public sealed record EventGuardSyntax(TextSpan Span, IdentifierSyntax Event) : GuardSyntax(Span);

/// <summary><c>clock Name met|missed</c>; the name is a rule id or <c>Rule.complete</c> / <c>Rule.followUp</c>.</summary>
public sealed record ClockGuardSyntax(TextSpan Span, IdentifierSyntax Clock, bool Missed) : GuardSyntax(Span);

/// <summary>A Boolean expression over the data (for example <c>A.AESER = 'Y'</c>).</summary>
public sealed record ExpressionGuardSyntax(TextSpan Span, ExpressionSyntax Condition) : GuardSyntax(Span);

/// <summary>An action on state entry or after a transition.</summary>
public abstract record ActionSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>evaluate criteria [phase P]</c>.</summary>
public sealed record EvaluateCriteriaActionSyntax(TextSpan Span, IdentifierSyntax? Phase) : ActionSyntax(Span);

/// <summary><c>randomize</c>.</summary>
public sealed record RandomizeActionSyntax(TextSpan Span) : ActionSyntax(Span);

/// <summary><c>notify ROLE ["message"]</c>.</summary>
public sealed record NotifyActionSyntax(TextSpan Span, IdentifierSyntax Role, StringSyntax? Message) : ActionSyntax(Span);

/// <summary><c>start clocks</c>: start the reporting clocks of every safety rule that applies to the record.</summary>
public sealed record StartClocksActionSyntax(TextSpan Span) : ActionSyntax(Span);

/// <summary><c>stop clock Name</c>: the obligation is met.</summary>
public sealed record StopClockActionSyntax(TextSpan Span, IdentifierSyntax Clock) : ActionSyntax(Span);

/// <summary><c>withdraw clock Name [reason "text"]</c>: a person decided the obligation does not apply.</summary>
public sealed record WithdrawClockActionSyntax(TextSpan Span, IdentifierSyntax Clock, StringSyntax? Reason) : ActionSyntax(Span);

/// <summary><c>record deviation "text"</c>.</summary>
public sealed record RecordDeviationActionSyntax(TextSpan Span, StringSyntax Text) : ActionSyntax(Span);

/// <summary><c>emit Name</c>: raise an event for other workflows.</summary>
public sealed record EmitActionSyntax(TextSpan Span, IdentifierSyntax Event) : ActionSyntax(Span);
