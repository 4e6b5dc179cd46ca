using System.Globalization;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Language.Compilation;

/// <summary>
/// Lowers a bound <c>workflow</c> block to the workflow IR (<see cref="WorkflowDefinition"/>), one construct to one
/// record. It runs only on workflows the binder accepted, so it cannot fail: everything the runtime could refuse is a
/// diagnostic before this point. Regulatory clocks come from the safety rules a <c>start clocks</c> action names: a
/// rule's first obligation is the clock named after the rule (what <c>clock R met</c> and <c>stop clock R</c> mean),
/// its further obligations the clocks <c>R.complete</c>, <c>R.followUp</c> (and <c>R.2</c>, ... for further notifications).
/// </summary>
internal static class WorkflowLowering
{
    /// <summary>The clocks of a safety rule's obligations, with the names workflows use for them.</summary>
    public static IEnumerable<(string Name, BoundObligation Obligation, ClockKind Kind)> Clocks(BoundSafetyRule rule)
    {
        for (int i = 0; i < rule.Obligations.Length; i++)
        {
            var o = rule.Obligations[i];
            var kind = o.Kind switch
            {
                ObligationKind.Notify => ClockKind.Notify,
                ObligationKind.Report => ClockKind.Report,
                ObligationKind.Complete => ClockKind.CompleteReport,
                _ => ClockKind.FollowUp,
            };
            var name = i == 0 ? rule.Id
                : rule.Id + "." + (kind == ClockKind.CompleteReport ? "complete" : kind == ClockKind.FollowUp ? "followUp" : i.ToString(CultureInfo.InvariantCulture));
            yield return (name, o, kind);
        }
    }

    /// <summary>Lowers one workflow (bound without errors).</summary>
    public static WorkflowDefinition Lower(BoundWorkflow w, string protocolHash)
    {
        var clocks = new List<ClockDefinition>();
        var scope = w.IsPerSubject ? new WorkflowScope()
            : new WorkflowScope(w.Domain?.Name, w.Alias?.Name, w.StartIdentity is { } start ? Condition(start) : null);
        var states = w.States.Select(s => new StateDefinition(s.Name, s.IsInitial, s.IsFinal,
            Actions(s.EntryActions, clocks),
            s.Tasks.IsDefaultOrEmpty ? null : [.. s.Tasks.Select(Task)],
            s.Deadline is { } d ? new DeadlineDefinition(d.Length, d.Target, d.Reason) : null)).ToList();
        var transitions = w.Transitions.Select(t =>
            new TransitionDefinition(t.From, t.To, t.Guard is null ? null : Guard(t.Guard), Actions(t.Actions, clocks))).ToList();
        return new WorkflowDefinition(w.Name, w.Syntax.Title?.Value, scope, states, transitions, clocks.Count == 0 ? null : clocks, "UTC", protocolHash);
    }

    private static TaskDefinition Task(BoundTask t) => new(
        t.Name, t.Syntax.Title?.Value, t.IsGate ? TaskKind.Gate : TaskKind.Task, [.. t.Roles.Select(r => r.Name)],
        t.Due,
        t.Reminders.Length == 0 ? null : [.. t.Reminders.Select(r => new ReminderDefinition(r.Offset, r.BeforeDue, r.Every))],
        t.Escalations.Length == 0 ? null : [.. t.Escalations.Select(e => new EscalationDefinition(e.Role.Name, e.After))],
        // The binder accepts only the four meanings of 21 CFR 11.50 (PE2013).
        t.SignatureMeaning is { } m ? Enum.Parse<SignatureMeaning>(m, ignoreCase: true) : null,
        // Only declared decisions: the runtime applies the same defaults (completed; approved or rejected).
        t.Syntax.Decisions.IsDefaultOrEmpty ? null : [.. t.Decisions]);

    private static List<ActionDefinition>? Actions(System.Collections.Immutable.ImmutableArray<BoundAction> actions, List<ClockDefinition> clocks)
    {
        if (actions.IsDefaultOrEmpty) return null;
        var list = new List<ActionDefinition>();
        foreach (var a in actions)
        {
            switch (a)
            {
                case BoundEvaluateCriteriaAction e: list.Add(new EvaluateCriteriaAction(e.Phase)); break;
                case BoundRandomizeAction: list.Add(new RandomizeAction()); break;
                case BoundNotifyAction n: list.Add(new NotifyAction(Recipient.Role(n.Role.Name), n.Message)); break;
                case BoundStartClocksAction s:
                    foreach (var rule in s.Rules) AddClocks(rule, clocks);
                    list.Add(new StartClocksAction());
                    break;
                case BoundStopClockAction s: list.Add(new StopClockAction(s.Clock)); break;
                case BoundWithdrawClockAction wc: list.Add(new WithdrawClockAction(wc.Clock, wc.Reason)); break;
                case BoundRecordDeviationAction d: list.Add(new RecordDeviationAction(d.Text)); break;
                case BoundEmitAction e: list.Add(new EmitAction(e.Event)); break;
                default: throw new InvalidOperationException($"Action {a.GetType().Name} has no lowering.");
            }
        }
        return list;
    }

    private static void AddClocks(BoundSafetyRule rule, List<ClockDefinition> clocks)
    {
        if (clocks.Any(c => c.SafetyRule == rule.Id)) return;
        string? previousName = null;
        string? party = null;
        foreach (var (name, o, kind) in Clocks(rule))
        {
            party = o.Recipient?.Name ?? party;
            var regions = o.RegionDurations.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new RegionOverride(r.Key, r.Value)).ToList();
            clocks.Add(new ClockDefinition(name, rule.Id, kind, party, o.Duration, regions.Count == 0 ? null : regions,
                FollowsClock: kind == ClockKind.CompleteReport ? previousName : null));
            previousName = name;
        }
    }

    private static Guard Guard(BoundGuard g) => g switch
    {
        BoundBinaryGuard b => b.IsAnd ? new AndGuard(Guard(b.Left), Guard(b.Right)) : new OrGuard(Guard(b.Left), Guard(b.Right)),
        BoundCriteriaGuard c => new CriteriaGuard(c.Phase, [.. c.Outcomes]),
        BoundTaskGuard t => new TaskGuard(t.Task, t.Outcome, t.Decision),
        BoundEventGuard e => new EventGuard(e.Event),
        BoundClockGuard k => new ClockGuard(k.Clock, k.Missed),
        BoundExpressionGuard x => Condition(x.Identity),
        _ => throw new InvalidOperationException($"Guard {g.GetType().Name} has no lowering."),
    };

    // The guard carries the rule's id and hash: the host runs it by id, the journal names the hash.
    private static ConditionGuard Condition(RuleIdentity rule) => new(rule.Id, rule.Text.Trim(), rule.Hash);
}
