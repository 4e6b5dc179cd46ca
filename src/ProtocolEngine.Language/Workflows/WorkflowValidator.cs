using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Workflows;

/// <summary>
/// Checks a workflow definition the way the compiler checks a <c>workflow</c> block, with the compiler's diagnostic
/// codes: the workflow runtime refuses a definition exactly when this finds an error. The compiler runs it on every
/// definition it lowers, so <c>protocol check</c> reports whatever the runtime would refuse; the runtime runs it on
/// definitions that did not come from the compiler (<c>.workflow.json</c> files, definitions built in code). A
/// definition has no source text, so the diagnostics have no span and name the workflow, state or transition instead.
/// </summary>
public static class WorkflowValidator
{
    /// <summary>Every problem of the definition; empty when the runtime can run it.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="isKnownTimeZone">Says whether an IANA zone name is known (the runtime's tz database); null skips the check.</param>
    public static IReadOnlyList<Diagnostic> Validate(WorkflowDefinition definition, Func<string, bool>? isKnownTimeZone = null)
    {
        var problems = new List<Diagnostic>();
        var at = default(TextSpan);
        var w = definition.Name;
        var states = new Dictionary<string, StateDefinition>(StringComparer.Ordinal);
        foreach (var s in definition.States)
            if (!states.TryAdd(s.Name, s)) problems.Add(DiagnosticCatalog.DuplicateState(at, w, s.Name));
        int initials = definition.States.Count(s => s.IsInitial);
        if (initials != 1) problems.Add(DiagnosticCatalog.InitialStateCount(at, w, initials));

        var tasks = new Dictionary<string, TaskDefinition>(StringComparer.Ordinal);
        foreach (var s in definition.States)
        {
            foreach (var t in s.Tasks ?? [])
            {
                if (!tasks.TryAdd(t.Name, t)) problems.Add(DiagnosticCatalog.DuplicateDeclaration(at, "Task", t.Name));
                if (t.CandidateRoles.Count == 0) problems.Add(DiagnosticCatalog.TaskWithoutAssignee(at, t.Name));
                Durations(problems, t.Due, t.Escalations?.Select(e => e.After), t.Reminders?.SelectMany(r => new[] { r.Offset, r.Every }));
            }
            if (s.Deadline is { } d)
            {
                State(problems, w, d.Target, states);
                Durations(problems, d.After);
            }
            Clocks(problems, definition, s.EntryActions);
        }

        foreach (var t in definition.Transitions)
        {
            State(problems, w, t.From, states);
            State(problems, w, t.To, states);
            if (states.TryGetValue(t.From, out var from) && from.IsFinal) problems.Add(DiagnosticCatalog.TransitionFromFinalState(at, t.From));
            foreach (var g in Guards(t.Guard))
            {
                switch (g)
                {
                    case TaskGuard tg when from?.FindTask(tg.Task) is { } task:
                        var wanted = tg.Outcome switch
                        {
                            TaskOutcome.Approved => "approved",
                            TaskOutcome.Rejected => "rejected",
                            TaskOutcome.Decided => tg.Decision,
                            _ => null,
                        };
                        if (wanted is not null && !task.AllowedDecisions().Contains(wanted, StringComparer.Ordinal))
                            problems.Add(DiagnosticCatalog.UnknownDecision(at, tg.Task, wanted, string.Join(", ", task.AllowedDecisions())));
                        break;
                    case TaskGuard tg when tasks.ContainsKey(tg.Task):
                        problems.Add(DiagnosticCatalog.TaskNotInState(at, t.From, t.To, tg.Task));
                        break;
                    case TaskGuard tg:
                        problems.Add(DiagnosticCatalog.UnknownTask(at, w, tg.Task, NameSuggester.Suggest(tg.Task, tasks.Keys)));
                        break;
                    case ClockGuard cg when definition.Clocks?.Any(c => c.Name == cg.Clock) != true:
                        problems.Add(DiagnosticCatalog.ClockNotStarted(at, w, cg.Clock));
                        break;
                }
            }
            Clocks(problems, definition, t.Actions);
        }

        foreach (var c in definition.Clocks ?? [])
        {
            Durations(problems, c.Within, c.RegionOverrides?.Select(r => r.Within), c.RemindBefore);
            if (c.FollowsClock is { } f && definition.Clocks!.All(o => o.Name != f)) problems.Add(DiagnosticCatalog.ClockFollowsUnknownClock(at, w, c.Name, f));
        }
        if (AutomaticCycle(definition) is { } cycle) problems.Add(DiagnosticCatalog.AutomaticLoop(at, w, cycle));
        if (isKnownTimeZone is not null && !isKnownTimeZone(definition.TimeZone)) problems.Add(DiagnosticCatalog.UnknownTimeZone(at, w, definition.TimeZone));
        return problems;
    }

    /// <summary>
    /// A circle of transitions without guards, written <c>A -> B -> A</c>, or null. Such transitions fire one after
    /// another on every stimulus, so an instance that enters the circle never stops moving.
    /// </summary>
    public static string? AutomaticCycle(IEnumerable<(string From, string To)> automatic)
    {
        var edges = automatic.GroupBy(e => e.From, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList(), StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in edges.Keys)
        {
            // Depth-first with an explicit stack: a state on the current path reached again closes a circle.
            var path = new List<string>();
            var onPath = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<(string State, int Next)>();
            stack.Push((start, 0));
            path.Add(start);
            onPath.Add(start);
            while (stack.Count > 0)
            {
                var (state, next) = stack.Pop();
                var targets = edges.GetValueOrDefault(state) ?? [];
                if (next >= targets.Count || done.Contains(state))
                {
                    done.Add(state);
                    onPath.Remove(state);
                    path.RemoveAt(path.Count - 1);
                    continue;
                }
                stack.Push((state, next + 1));
                var to = targets[next];
                if (onPath.Contains(to)) return string.Join(" -> ", path.Skip(path.IndexOf(to)).Append(to));
                if (done.Contains(to)) continue;
                stack.Push((to, 0));
                path.Add(to);
                onPath.Add(to);
            }
        }
        return null;
    }

    // Entering a final state ends the instance, so only transitions between running states can loop.
    private static string? AutomaticCycle(WorkflowDefinition definition) =>
        AutomaticCycle(definition.Transitions.Where(t => t.Guard is null && definition.States.Any(s => s.Name == t.From && !s.IsFinal)).Select(t => (t.From, t.To)));

    private static void State(List<Diagnostic> problems, string workflow, string state, Dictionary<string, StateDefinition> states)
    {
        if (!states.ContainsKey(state)) problems.Add(DiagnosticCatalog.UndeclaredState(default, workflow, state, NameSuggester.Suggest(state, states.Keys)));
    }

    private static void Clocks(List<Diagnostic> problems, WorkflowDefinition definition, IReadOnlyList<ActionDefinition>? actions)
    {
        foreach (var a in actions ?? [])
        {
            var clock = a switch { StopClockAction s => s.Clock, WithdrawClockAction wc => wc.Clock, _ => null };
            if (clock is not null && definition.Clocks?.Any(c => c.Name == clock) != true) problems.Add(DiagnosticCatalog.ClockNotStarted(default, definition.Name, clock));
        }
    }

    private static void Durations(List<Diagnostic> problems, ClockDuration? first, params IEnumerable<ClockDuration?>?[] more)
    {
        foreach (var d in more.Where(m => m is not null).SelectMany(m => m!).Prepend(first))
            if (d is { Amount: <= 0 }) problems.Add(DiagnosticCatalog.InvalidDuration(default));
    }

    private static IEnumerable<Guard> Guards(Guard? g) => g switch
    {
        null => [],
        AndGuard a => Guards(a.Left).Concat(Guards(a.Right)),
        OrGuard o => Guards(o.Left).Concat(Guards(o.Right)),
        _ => [g],
    };
}
