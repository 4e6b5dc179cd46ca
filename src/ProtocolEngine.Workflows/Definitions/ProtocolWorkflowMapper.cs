using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using LanguageCriteriaOutcome = ProtocolEngine.Language.Syntax.CriteriaOutcome;

namespace ProtocolEngine.Workflows.Definitions;

/// <summary>The workflows of a compiled protocol, or why some could not be mapped.</summary>
/// <param name="Workflows">The definitions, in protocol order.</param>
/// <param name="Problems">Constructs the runtime cannot run, one sentence each (empty when all mapped).</param>
public sealed record ProtocolWorkflows(IReadOnlyList<WorkflowDefinition> Workflows, IReadOnlyList<string> Problems);

/// <summary>
/// Maps each bound <c>workflow</c> block of a <see cref="CompiledProtocol"/> to a <see cref="WorkflowDefinition"/>, one
/// construct to one record. Regulatory clocks come from the safety rules a <c>start clocks</c> action names: a
/// rule's first obligation is the clock named after the rule (what <c>clock R met</c> and <c>stop clock R</c> refer to);
/// its further obligations are clocks <c>R.complete</c> and <c>R.followUp</c>.
/// </summary>
public static class ProtocolWorkflowMapper
{
    /// <summary>Maps every workflow of the protocol (the protocol must compile without errors).</summary>
    /// <param name="protocol">The compiled protocol.</param>
    /// <param name="timeZone">The IANA zone calendar-day clocks count in.</param>
    public static ProtocolWorkflows Map(CompiledProtocol protocol, string timeZone = "UTC")
    {
        var problems = new List<string>();
        var list = protocol.Workflows.Select(w => Map(w, protocol.ContentHash, timeZone, problems)).ToList();
        return new ProtocolWorkflows(list, problems);
    }

    private static WorkflowDefinition Map(BoundWorkflow w, string protocolHash, string timeZone, List<string> problems)
    {
        var clocks = new List<ClockDefinition>();
        ConditionGuard? start = null;
        if (w.StartIdentity is { } startRule)
            start = Condition(startRule);
        var scope = w.IsPerSubject ? new WorkflowScope() : new WorkflowScope(w.Domain?.Name, w.Alias?.Name, start);
        var states = w.States.Select(s =>
        {
            if (s.Tasks.Length > 1) problems.Add($"Workflow {w.Name}, state {s.Name}: the runtime holds one task or gate per state; {s.Tasks.Length} are declared.");
            return new StateDefinition(s.Name, s.IsInitial, s.IsFinal,
                Actions(w, s.EntryActions, clocks, problems),
                s.Tasks.Length > 0 ? Task(w, s.Tasks[0], problems) : null,
                s.Deadline is { } d ? new DeadlineDefinition(Duration(w, d.Length, problems), d.Target, d.Reason) : null);
        }).ToList();
        var transitions = w.Transitions.Select(t =>
            new TransitionDefinition(t.From, t.To, t.Guard is null ? null : Guard(w, t.Guard), Actions(w, t.Actions, clocks, problems))).ToList();
        return new WorkflowDefinition(w.Name, w.Syntax.Title?.Value, scope, states, transitions, clocks.Count == 0 ? null : clocks, timeZone, protocolHash);
    }

    private static TaskDefinition Task(BoundWorkflow w, BoundTask t, List<string> problems)
    {
        SignatureMeaning? meaning = null;
        if (t.SignatureMeaning is { } m)
        {
            if (Enum.TryParse<SignatureMeaning>(m, ignoreCase: true, out var parsed)) meaning = parsed;
            else problems.Add($"Workflow {w.Name}, task {t.Name}: signature meaning \"{m}\" is not review, approval, responsibility or authorship (21 CFR 11.50).");
        }
        return new TaskDefinition(t.Name, t.Syntax.Title?.Value, t.IsGate ? TaskKind.Gate : TaskKind.Task, [.. t.Roles.Select(r => r.Name)],
            t.Due is { } due ? Duration(w, due, problems) : null,
            t.Reminders.Length == 0 ? null : [.. t.Reminders.Select(r => new ReminderDefinition(Duration(w, r.Offset, problems), r.BeforeDue, r.Every is { } e ? Duration(w, e, problems) : null))],
            t.Escalations.Length == 0 ? null : [.. t.Escalations.Select(e => new EscalationDefinition(e.Role.Name, e.After is { } a ? Duration(w, a, problems) : null))],
            meaning,
            // Only declared decisions: the runtime applies the same defaults (completed; approved or rejected).
            t.Syntax.Decisions.IsDefaultOrEmpty ? null : [.. t.Decisions]);
    }

    private static List<ActionDefinition>? Actions(BoundWorkflow w, ImmutableArray<BoundAction> actions, List<ClockDefinition> clocks, List<string> problems)
    {
        if (actions.IsDefaultOrEmpty) return null;
        var list = new List<ActionDefinition>();
        foreach (var a in actions)
        {
            switch (a)
            {
                case BoundEvaluateCriteriaAction e: list.Add(new EvaluateCriteriaAction(e.Phase)); break;
                case BoundRandomizeAction: list.Add(new RandomizeAction()); break;
                case BoundNotifyAction n: list.Add(new NotifyAction(n.Role.Name, n.Message)); break;
                case BoundStartClocksAction s:
                    foreach (var rule in s.Rules) AddClocks(w, rule, clocks, problems);
                    list.Add(new StartClocksAction());
                    break;
                case BoundStopClockAction s: list.Add(new StopClockAction(s.Clock)); break;
                case BoundWithdrawClockAction wc: list.Add(new WithdrawClockAction(wc.Clock, wc.Reason)); break;
                case BoundRecordDeviationAction d: list.Add(new RecordDeviationAction(d.Text)); break;
                case BoundEmitAction e: list.Add(new EmitAction(e.Event)); break;
                default: problems.Add($"Workflow {w.Name}: action {a.GetType().Name} is not supported by the runtime."); break;
            }
        }
        return list;
    }

    private static void AddClocks(BoundWorkflow w, BoundSafetyRule rule, List<ClockDefinition> clocks, List<string> problems)
    {
        if (clocks.Any(c => c.SafetyRule == rule.Id)) return;
        string? previousName = null;
        string? party = null;
        foreach (var (o, i) in rule.Obligations.Select((o, i) => (o, i)))
        {
            var kind = o.Kind switch
            {
                ObligationKind.Notify => ClockKind.Notify,
                ObligationKind.Report => ClockKind.Report,
                ObligationKind.Complete => ClockKind.CompleteReport,
                _ => ClockKind.FollowUp,
            };
            var name = i == 0 ? rule.Id : $"{rule.Id}.{(kind == ClockKind.CompleteReport ? "complete" : kind == ClockKind.FollowUp ? "followUp" : i.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
            party = o.Recipient?.Name ?? party;
            var regions = o.RegionDurations.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new RegionOverride(r.Key, Duration(w, r.Value, problems))).ToList();
            clocks.Add(new ClockDefinition(name, rule.Id, kind, party, Duration(w, o.Duration, problems), regions.Count == 0 ? null : regions,
                FollowsClock: kind == ClockKind.CompleteReport ? previousName : null));
            previousName = name;
        }
    }

    private static Guard Guard(BoundWorkflow w, BoundGuard g) => g switch
    {
        BoundBinaryGuard b => b.IsAnd ? new AndGuard(Guard(w, b.Left), Guard(w, b.Right)) : new OrGuard(Guard(w, b.Left), Guard(w, b.Right)),
        BoundCriteriaGuard c => new CriteriaGuard(c.Phase, [.. c.Outcomes.Select(Outcome)]),
        BoundTaskGuard t => new TaskGuard(t.Task, t.Outcome switch
        {
            TaskOutcome.Completed => TaskOutcomeKind.Completed,
            TaskOutcome.Approved => TaskOutcomeKind.Approved,
            TaskOutcome.Rejected => TaskOutcomeKind.Rejected,
            _ => TaskOutcomeKind.Decided,
        }, t.Decision),
        BoundEventGuard e => new EventGuard(e.Event),
        BoundClockGuard k => new ClockGuard(k.Clock, k.Missed),
        BoundExpressionGuard x => Condition(x.Identity),
        _ => throw new NotSupportedException($"Guard {g.GetType().Name} has no runtime mapping."),
    };

    // The guard carries the rule's id and hash: the host runs it by id, the journal names the hash.
    private static ConditionGuard Condition(RuleIdentity rule) => new(rule.Id, rule.Text.Trim(), rule.Hash);

    private static CriteriaOutcome Outcome(LanguageCriteriaOutcome o) => o switch
    {
        LanguageCriteriaOutcome.Met => CriteriaOutcome.Met,
        LanguageCriteriaOutcome.NotMet => CriteriaOutcome.NotMet,
        LanguageCriteriaOutcome.Unknown => CriteriaOutcome.Unknown,
        _ => CriteriaOutcome.Attested,
    };

    private static ClockDuration Duration(BoundWorkflow w, ClockLength length, List<string> problems)
    {
        DurationUnit? unit = length.Unit switch
        {
            "second" => DurationUnit.Seconds,
            "minute" => DurationUnit.Minutes,
            "hour" => DurationUnit.Hours,
            "day" => DurationUnit.Days,
            "week" => DurationUnit.Weeks,
            _ => null,
        };
        if (unit is null)
        {
            problems.Add($"Workflow {w.Name}: a clock of {length} cannot be counted exactly; state it in days or weeks.");
            unit = DurationUnit.Days;
        }
        return new ClockDuration(length.Amount, unit.Value, length.Calendar);
    }
}
