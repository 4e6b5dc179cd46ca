using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Verification.Lowering;
using ProtocolEngine.Verification.Solving;

namespace ProtocolEngine.Verification;

/// <summary>
/// Workflow checks beyond the compiler's (which already refuses states no transition reaches and states with no way
/// out): a guard the solver proves can never be true removes its transition, so states reachable only through it are
/// never reached, and states left only through such transitions are never left. Human tasks nobody is told about and
/// clocks nothing stops are found from the workflow's structure.
/// </summary>
internal static class WorkflowVerifier
{
    public static List<Diagnostic> Check(CompiledProtocol protocol, CriteriaModel model, Z3Session session, Func<TimeSpan> remaining)
    {
        var findings = new List<Diagnostic>();
        // Only the protocol's own workflows: the libraries' are verified with the libraries.
        foreach (var workflow in protocol.Workflows.Where(w => w.Source == protocol.Source))
        {
            var possible = new Dictionary<BoundTransition, bool>();
            var lowering = model.Lowering;
            var guards = new Guards(model, lowering);
            // Everything the criteria model already sent is known to the solver.
            foreach (var d in lowering.Declarations) guards.Sent.Add(d);
            foreach (var a in lowering.Axioms) guards.Sent.Add("assert " + a);
            foreach (var t in workflow.Transitions)
            {
                if (t.Guard is null)
                {
                    possible[t] = true;
                    continue;
                }
                var formula = guards.Formula(t.Guard, workflow);
                var name = lowering.FreshConstant("Bool", "guard");
                // What the lowering declared and assumed for this guard, then the guard itself as an assumption.
                foreach (var d in lowering.Declarations.Where(guards.Sent.Add)) session.Send(d);
                foreach (var a in lowering.Axioms.Concat(guards.Pending()).Where(a => guards.Sent.Add("assert " + a))) session.Send($"(assert {a})");
                session.Send($"(assert (=> {name} {formula}))");
                var answer = session.Check($"guard {workflow.Name}: {t.From} -> {t.To}", [name], remaining() / 4);
                possible[t] = answer != SolverAnswer.Unsat;
                if (answer == SolverAnswer.Unsat)
                    findings.Add(ProtocolVerifier.At(DiagnosticCatalog.GuardNeverTrue(t.Guard.Syntax.Span, workflow.Name, t.From, t.To), workflow.Source));
            }

            // States reached through transitions that can fire and deadlines.
            var reached = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<string>();
            if (workflow.Initial is { } initial)
            {
                reached.Add(initial.Name);
                queue.Enqueue(initial.Name);
            }
            while (queue.Count > 0)
            {
                var state = queue.Dequeue();
                var next = workflow.Transitions.Where(t => t.From == state && possible[t]).Select(t => t.To).ToList();
                if (workflow.States.FirstOrDefault(s => s.Name == state)?.Deadline is { } deadline) next.Add(deadline.Target);
                foreach (var n in next) if (reached.Add(n)) queue.Enqueue(n);
            }
            foreach (var state in workflow.States)
            {
                if (!reached.Contains(state.Name))
                {
                    findings.Add(ProtocolVerifier.At(DiagnosticCatalog.StateNeverReached(state.Syntax.Name.Span, workflow.Name, state.Name), workflow.Source));
                    continue;
                }
                bool canLeave = state.Deadline is not null || workflow.Transitions.Any(t => t.From == state.Name && possible[t]);
                if (!state.IsFinal && !canLeave)
                    findings.Add(ProtocolVerifier.At(DiagnosticCatalog.StateNeverLeft(state.Syntax.Name.Span, workflow.Name, state.Name), workflow.Source));
                foreach (var task in state.Tasks.Where(t => t.Escalations.IsEmpty && state.Deadline is null))
                    findings.Add(ProtocolVerifier.At(DiagnosticCatalog.TaskWithoutEscalation(task.Syntax.Name.Span, workflow.Name, task.Name), workflow.Source));
            }

            // Clocks: started somewhere reached, and nothing reached stops, withdraws or waits for them.
            var reachable = workflow.Transitions.Where(t => possible[t] && reached.Contains(t.From)).ToList();
            var actions = reachable.SelectMany(t => t.Actions).Concat(workflow.States.Where(s => reached.Contains(s.Name)).SelectMany(s => s.EntryActions)).ToList();
            var started = actions.OfType<BoundStartClocksAction>().ToList();
            if (started.Count == 0) continue;
            var definition = protocol.WorkflowDefinitions.FirstOrDefault(d => d.Name == workflow.Name);
            var handled = actions.OfType<BoundStopClockAction>().Select(a => a.Clock)
                .Concat(actions.OfType<BoundWithdrawClockAction>().Select(a => a.Clock))
                .Concat(reachable.SelectMany(t => ClockGuards(t.Guard)))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var clock in definition?.Clocks ?? [])
            {
                if (handled.Contains(clock.Name)) continue;
                findings.Add(ProtocolVerifier.At(DiagnosticCatalog.ClockNeverStops(started[0].Syntax.Span, workflow.Name, clock.Name), workflow.Source));
            }
        }
        return findings;
    }

    private static IEnumerable<string> ClockGuards(BoundGuard? guard) => guard switch
    {
        BoundClockGuard c => [c.Clock],
        BoundBinaryGuard b => ClockGuards(b.Left).Concat(ClockGuards(b.Right)),
        _ => [],
    };

    /// <summary>Guards as formulas: data conditions lowered; criteria outcomes tied to the criteria; events, tasks and clocks free.</summary>
    private sealed class Guards(CriteriaModel model, SmtLowering lowering)
    {
        private readonly Dictionary<string, string> _named = new(StringComparer.Ordinal);

        public HashSet<string> Sent { get; } = new(StringComparer.Ordinal);

        public string Formula(BoundGuard guard, BoundWorkflow workflow) => guard switch
        {
            BoundBinaryGuard b => b.IsAnd ? Smt.And(Formula(b.Left, workflow), Formula(b.Right, workflow)) : Smt.Or(Formula(b.Left, workflow), Formula(b.Right, workflow)),
            BoundExpressionGuard e => (workflow.Alias is { } alias && workflow.Domain is { } domain
                ? lowering.LowerBoolean(e.Condition, alias, domain)
                : lowering.LowerBoolean(e.Condition)).T,
            BoundCriteriaGuard c => Smt.Or(c.Outcomes.Select(o => Outcome(c.Phase, o))),
            BoundTaskGuard t => t.Outcome == TaskOutcome.Completed
                ? $"(>= {Named("task_" + t.Task, "Int")} 0)"
                : $"(= {Named("task_" + t.Task, "Int")} {Code(t)})",
            BoundEventGuard e => Named("event_" + e.Event, "Bool"),
            BoundClockGuard k => $"(= {Named("clock_" + k.Clock, "Int")} {(k.Missed ? 1 : 0)})",
            _ => "true",
        };

        private string Outcome(string? phase, CriteriaOutcome outcome)
        {
            // One combined outcome per phase: Met only when every data criterion of the phase passes, NotMet only when one fails.
            var key = "criteria_" + (phase ?? "all");
            bool fresh = !_named.ContainsKey(key);
            var v = Named(key, "Int");
            if (fresh)
            {
                var criteria = model.Criteria.Where(c => phase is null || c.Criterion.Phase == phase).ToList();
                _pending.Add($"(and (<= 0 {v}) (<= {v} 3) (=> (= {v} 0) {Smt.And(criteria.Select(c => c.Pass))}) (=> (= {v} 1) {Smt.Or(criteria.Select(c => c.Fail))}))");
            }
            return $"(= {v} {(int)outcome})";
        }

        private readonly List<string> _pending = [];

        private string Named(string key, string sort)
        {
            if (_named.TryGetValue(key, out var name)) return name;
            name = lowering.FreshConstant(sort, "wf");
            _named[key] = name;
            return name;
        }

        private static int Code(BoundTaskGuard t) => t.Outcome == TaskOutcome.Decided ? 100 + StableHash(t.Decision ?? "") : (int)t.Outcome;

        private static int StableHash(string s) => s.Aggregate(17, (h, c) => unchecked((h * 31) + c)) & 0xFFFFF;

        public IEnumerable<string> Pending() => _pending;
    }
}
