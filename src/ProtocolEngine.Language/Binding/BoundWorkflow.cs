using System.Collections.Immutable;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Language.Binding;

/// <summary>A workflow, bound and checked: states, tasks, transitions with resolved guards.</summary>
public sealed record BoundWorkflow(
    WorkflowSyntax Syntax,
    SourceText Source,
    DomainSchema? Domain,
    LocalSymbol? Alias,
    BoundExpression? StartWhen,
    RuleIdentity? StartIdentity,
    ImmutableArray<BoundState> States,
    ImmutableArray<BoundTransition> Transitions,
    RuleIdentity Identity)
{
    /// <summary>The hash of the whole workflow's text and everything its conditions read.</summary>
    public string Hash => Identity.Hash;

    /// <summary>The workflow name.</summary>
    public string Name => Syntax.Name.Name;

    /// <summary>True for one instance per subject; false for one per record of <see cref="Domain"/>.</summary>
    public bool IsPerSubject => Domain is null;

    /// <summary>The initial state.</summary>
    public BoundState? Initial => States.FirstOrDefault(s => s.IsInitial);

    /// <summary>The exact text, as written.</summary>
    public string Text => Source.Slice(Syntax.Span);
}

/// <summary>A state.</summary>
public sealed record BoundState(
    StateSyntax Syntax,
    ImmutableArray<BoundAction> EntryActions,
    ImmutableArray<BoundTask> Tasks,
    BoundDeadline? Deadline)
{
    /// <summary>The state name.</summary>
    public string Name => Syntax.Name.Name;

    /// <summary>True for the initial state.</summary>
    public bool IsInitial => Syntax.IsInitial;

    /// <summary>True when the workflow ends here.</summary>
    public bool IsFinal => Syntax.IsFinal;
}

/// <summary>A human task or gate.</summary>
public sealed record BoundTask(
    TaskSyntax Syntax,
    ImmutableArray<RoleSymbol> Roles,
    ClockDuration? Due,
    ImmutableArray<BoundReminder> Reminders,
    ImmutableArray<BoundEscalation> Escalations,
    string? SignatureMeaning,
    ImmutableArray<string> Decisions)
{
    /// <summary>The task name.</summary>
    public string Name => Syntax.Name.Name;

    /// <summary>The task's description.</summary>
    public string Title => Syntax.Title?.Value ?? Syntax.Name.Name;

    /// <summary>True for a gate (approve or reject).</summary>
    public bool IsGate => Syntax.IsGate;
}

/// <summary>A reminder: after the task opens, or before it is due; optionally repeating.</summary>
public sealed record BoundReminder(bool BeforeDue, ClockDuration Offset, ClockDuration? Every);

/// <summary>An escalation to a role: after a time, or when the task is overdue.</summary>
public sealed record BoundEscalation(RoleSymbol Role, ClockDuration? After);

/// <summary>A state deadline: after the given time in the state, move to the target.</summary>
public sealed record BoundDeadline(ClockDuration Length, string Target, string? Reason);

/// <summary>A transition.</summary>
public sealed record BoundTransition(TransitionSyntax Syntax, string From, string To, BoundGuard? Guard, ImmutableArray<BoundAction> Actions);

/// <summary>A transition condition.</summary>
public abstract record BoundGuard(GuardSyntax Syntax);

/// <summary>Both or either of two guards.</summary>
public sealed record BoundBinaryGuard(GuardSyntax Syntax, bool IsAnd, BoundGuard Left, BoundGuard Right) : BoundGuard(Syntax);

/// <summary>The subject's criteria (of a phase, or all) have one of the outcomes.</summary>
public sealed record BoundCriteriaGuard(GuardSyntax Syntax, string? Phase, ImmutableArray<CriteriaOutcome> Outcomes) : BoundGuard(Syntax);

/// <summary>A task finished with an outcome.</summary>
public sealed record BoundTaskGuard(GuardSyntax Syntax, string Task, TaskOutcome Outcome, string? Decision) : BoundGuard(Syntax);

/// <summary>An event of that name arrived.</summary>
public sealed record BoundEventGuard(GuardSyntax Syntax, string Event) : BoundGuard(Syntax);

/// <summary>A reporting clock was met or missed.</summary>
public sealed record BoundClockGuard(GuardSyntax Syntax, string Clock, bool Missed) : BoundGuard(Syntax);

/// <summary>A data condition, a rule of its own: its id names the workflow and the transition, its hash its text.</summary>
public sealed record BoundExpressionGuard(GuardSyntax Syntax, BoundExpression Condition, RuleIdentity Identity) : BoundGuard(Syntax);

/// <summary>An action.</summary>
public abstract record BoundAction(ActionSyntax Syntax);

/// <summary>Evaluate the subject's criteria (of a phase, or all).</summary>
public sealed record BoundEvaluateCriteriaAction(ActionSyntax Syntax, string? Phase) : BoundAction(Syntax);

/// <summary>Randomise the subject.</summary>
public sealed record BoundRandomizeAction(ActionSyntax Syntax) : BoundAction(Syntax);

/// <summary>Notify people holding a role.</summary>
public sealed record BoundNotifyAction(ActionSyntax Syntax, RoleSymbol Role, string? Message) : BoundAction(Syntax);

/// <summary>Start the clocks of the safety rules that apply to the instance's record.</summary>
public sealed record BoundStartClocksAction(ActionSyntax Syntax, ImmutableArray<BoundSafetyRule> Rules) : BoundAction(Syntax);

/// <summary>Stop a clock: its obligation is met.</summary>
public sealed record BoundStopClockAction(ActionSyntax Syntax, string Clock) : BoundAction(Syntax);

/// <summary>Withdraw a clock: a person decided its obligation does not apply (the reason is journaled).</summary>
public sealed record BoundWithdrawClockAction(ActionSyntax Syntax, string Clock, string? Reason) : BoundAction(Syntax);

/// <summary>Record a protocol deviation.</summary>
public sealed record BoundRecordDeviationAction(ActionSyntax Syntax, string Text) : BoundAction(Syntax);

/// <summary>Raise an event for other workflows.</summary>
public sealed record BoundEmitAction(ActionSyntax Syntax, string Event) : BoundAction(Syntax);
