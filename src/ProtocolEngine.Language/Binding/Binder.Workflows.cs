using System.Collections.Immutable;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Types;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Language.Binding;

internal sealed partial class Binder
{
    private static readonly string[] SignatureMeanings = ["review", "approval", "responsibility", "authorship"];

    private BoundWorkflow BindWorkflow(WorkflowSyntax w)
    {
        var name = w.Name.Name;
        DomainSchema? domain = null;
        LocalSymbol? alias = null;
        BoundExpression? startWhen = null;
        RuleIdentity? startIdentity = null;
        var scope = new Scope(null);
        // What a workflow condition reads: the subject, or one record of a domain under an alias.
        KeyValuePair<string, string>[] record = [new("record", w.Scope is RecordWorkflowScopeSyntax r0 ? r0.Domain.Name + " " + r0.Alias.Name : "subject")];
        if (w.Scope is RecordWorkflowScopeSyntax rs)
        {
            domain = ResolveDomain(rs.Domain);
            alias = new LocalSymbol(rs.Alias.Name, domain is null ? ProtocolType.Any : new RecordType(domain), LocalKind.Alias, rs.Alias);
            scope.Add(alias);
            if (rs.When is { } when)
            {
                startWhen = Convert(BindExpression(when, scope), ProtocolType.Boolean, $"The start condition of workflow {name}");
                startIdentity = Identify(RuleKind.WorkflowStart, RuleIdentity.StartConditionId(LibraryName, name), when, [startWhen], record);
            }
        }

        // States, each once.
        var stateNames = new Dictionary<string, StateSyntax>(StringComparer.Ordinal);
        foreach (var s in w.States)
        {
            if (s.Name.IsMissing) continue;
            if (!stateNames.TryAdd(s.Name.Name, s)) Report(DiagnosticCatalog.DuplicateState(s.Name.Span, name, s.Name.Name));
        }
        var initials = w.States.Where(s => s.IsInitial).ToList();
        if (initials.Count != 1) Report(DiagnosticCatalog.InitialStateCount(initials.Count > 1 ? initials[1].Name.Span : w.Name.Span, name, initials.Count));

        // Tasks, by name across the workflow.
        var tasks = new Dictionary<string, BoundTask>(StringComparer.Ordinal);
        var states = ImmutableArray.CreateBuilder<BoundState>();
        foreach (var s in w.States)
        {
            var boundTasks = ImmutableArray.CreateBuilder<BoundTask>();
            foreach (var t in s.Tasks)
            {
                var task = BindTask(t);
                if (!t.Name.IsMissing && !tasks.TryAdd(t.Name.Name, task)) Report(DiagnosticCatalog.DuplicateDeclaration(t.Name.Span, "Task", t.Name.Name));
                boundTasks.Add(task);
            }
            BoundDeadline? deadline = null;
            if (s.Deadline is { } d)
            {
                CheckState(d.Target, name, stateNames);
                if (BindClock(d.Duration) is { } length) deadline = new BoundDeadline(length, d.Target.Name, d.Reason?.Value);
            }
            var entry = s.EntryActions.Select(a => BindAction(a, w, domain)).ToImmutableArray();
            states.Add(new BoundState(s, entry, boundTasks.ToImmutable(), deadline));
        }

        // Transitions.
        var transitions = ImmutableArray.CreateBuilder<BoundTransition>();
        var unguardedFrom = new HashSet<string>(StringComparer.Ordinal);
        var pairs = new Dictionary<(string, string), int>();
        foreach (var t in w.Transitions)
        {
            int pair = pairs[(t.From.Name, t.To.Name)] = pairs.GetValueOrDefault((t.From.Name, t.To.Name)) + 1;
            int condition = 0;
            RuleIdentity IdentifyGuard(ExpressionGuardSyntax x, BoundExpression bound) =>
                Identify(RuleKind.WorkflowGuard, RuleIdentity.GuardId(LibraryName, name, t.From.Name, t.To.Name, pair, ++condition), x, [bound], record);
            CheckState(t.From, name, stateNames);
            CheckState(t.To, name, stateNames);
            if (stateNames.TryGetValue(t.From.Name, out var fromState) && fromState.IsFinal)
                Report(DiagnosticCatalog.TransitionFromFinalState(t.Span, t.From.Name));
            if (unguardedFrom.Contains(t.From.Name)) Report(DiagnosticCatalog.ShadowedTransition(t.Span, t.From.Name, t.To.Name));
            if (t.Guard is null) unguardedFrom.Add(t.From.Name);
            var guard = t.Guard is { } g ? BindGuard(g, w, scope, tasks, IdentifyGuard) : null;
            // A task's decision is kept only while its own state is current, so a guard on another state's task never holds.
            foreach (var tg in TaskGuards(guard))
                if (tasks.ContainsKey(tg.Task) && stateNames.TryGetValue(t.From.Name, out var source) && source.Tasks.All(x => x.Name.Name != tg.Task))
                    Report(DiagnosticCatalog.TaskNotInState(((TaskGuardSyntax)tg.Syntax).Task.Span, t.From.Name, t.To.Name, tg.Task));
            var actions = t.Actions.Select(a => BindAction(a, w, domain)).ToImmutableArray();
            transitions.Add(new BoundTransition(t, t.From.Name, t.To.Name, guard, actions));
        }

        CheckGraph(w, stateNames, transitions.ToImmutable(), states.ToImmutable());
        CheckClocksStarted(w, states, transitions);
        var roots = new List<BoundExpression>();
        if (startWhen is not null) roots.Add(startWhen);
        roots.AddRange(transitions.Select(t => t.Guard).OfType<BoundExpressionGuard>().Select(g => g.Condition));
        return new BoundWorkflow(w, _source, domain, alias, startWhen, startIdentity, states.ToImmutable(), transitions.ToImmutable(),
            Identify(RuleKind.Workflow, RuleIdentity.WorkflowId(LibraryName, name), w, roots));
    }

    // A library's workflows run with the importing protocol's criteria and arms: the compiler checks their phases and
    // `randomize` against each protocol that imports them (PE2020, PE2021).
    private bool IsLibrary => LibraryName is not null || _file.Header?.IsLibrary == true;

    private void CheckState(IdentifierSyntax state, string workflow, Dictionary<string, StateSyntax> states)
    {
        if (state.IsMissing || states.ContainsKey(state.Name)) return;
        Report(DiagnosticCatalog.UndeclaredState(state.Span, workflow, state.Name, NameSuggester.Suggest(state.Name, states.Keys)));
    }

    private void CheckGraph(WorkflowSyntax w, Dictionary<string, StateSyntax> stateNames, ImmutableArray<BoundTransition> transitions, ImmutableArray<BoundState> states)
    {
        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Edge(string from, string to)
        {
            if (!edges.TryGetValue(from, out var list)) edges[from] = list = [];
            list.Add(to);
        }
        foreach (var t in transitions) Edge(t.From, t.To);
        // From the syntax: a deadline whose length is refused still leads to its target.
        foreach (var s in states)
            if (s.Syntax.Deadline is { Target.IsMissing: false } d) Edge(s.Name, d.Target.Name);

        if (w.States.FirstOrDefault(s => s.IsInitial) is { } initial)
        {
            var reached = new HashSet<string>(StringComparer.Ordinal) { initial.Name.Name };
            var queue = new Queue<string>([initial.Name.Name]);
            while (queue.Count > 0)
            {
                var current = queue.Dequeue();
                if (!edges.TryGetValue(current, out var next)) continue;
                foreach (var n in next)
                    if (reached.Add(n)) queue.Enqueue(n);
            }
            foreach (var s in w.States)
                if (!s.Name.IsMissing && !reached.Contains(s.Name.Name))
                    Report(DiagnosticCatalog.UnreachableState(s.Name.Span, w.Name.Name, s.Name.Name));
        }
        foreach (var s in w.States)
            if (!s.IsFinal && !s.Name.IsMissing && !edges.ContainsKey(s.Name.Name))
                Report(DiagnosticCatalog.DeadEndState(s.Name.Span, w.Name.Name, s.Name.Name));

        // Entering a final state ends the instance, so only transitions between running states can loop.
        var automatic = w.Transitions.Where(t => t.Guard is null && !t.From.IsMissing && !t.To.IsMissing
            && stateNames.TryGetValue(t.From.Name, out var from) && !from.IsFinal).ToList();
        if (WorkflowValidator.AutomaticCycle(automatic.Select(t => (t.From.Name, t.To.Name))) is { } cycle)
        {
            var first = cycle.Split(" -> ");
            var at = automatic.First(t => t.From.Name == first[0] && t.To.Name == first[1]);
            Report(DiagnosticCatalog.AutomaticLoop(at.Span, w.Name.Name, cycle));
        }
    }

    private static IEnumerable<BoundTaskGuard> TaskGuards(BoundGuard? g) => g switch
    {
        BoundTaskGuard t => [t],
        BoundBinaryGuard b => TaskGuards(b.Left).Concat(TaskGuards(b.Right)),
        _ => [],
    };

    private static IEnumerable<BoundClockGuard> ClockGuards(BoundGuard? g) => g switch
    {
        BoundClockGuard c => [c],
        BoundBinaryGuard b => ClockGuards(b.Left).Concat(ClockGuards(b.Right)),
        _ => [],
    };

    /// <summary>
    /// Clocks are started per instance, by the instance's own <c>start clocks</c>: a guard or action on a clock the
    /// workflow never starts would wait for ever or do nothing (the runtime refuses such a definition).
    /// </summary>
    private void CheckClocksStarted(WorkflowSyntax w, IEnumerable<BoundState> states, IEnumerable<BoundTransition> transitions)
    {
        var actions = states.SelectMany(s => s.EntryActions).Concat(transitions.SelectMany(t => t.Actions)).ToList();
        var started = actions.OfType<BoundStartClocksAction>().SelectMany(a => a.Rules).SelectMany(r => WorkflowLowering.Clocks(r)).Select(c => c.Name)
            .ToHashSet(StringComparer.Ordinal);
        var known = AllClockNames();
        var named = transitions.SelectMany(t => ClockGuards(t.Guard)).Select(g => (((ClockGuardSyntax)g.Syntax).Clock, g.Clock))
            .Concat(actions.OfType<BoundStopClockAction>().Select(a => (((StopClockActionSyntax)a.Syntax).Clock, a.Clock)))
            .Concat(actions.OfType<BoundWithdrawClockAction>().Select(a => (((WithdrawClockActionSyntax)a.Syntax).Clock, a.Clock)));
        foreach (var (syntax, clock) in named)
            if (!syntax.IsMissing && known.Contains(clock) && !started.Contains(clock))
                Report(DiagnosticCatalog.ClockNotStarted(syntax.Span, w.Name.Name, clock));
    }

    private BoundTask BindTask(TaskSyntax t)
    {
        var roles = t.Roles.Select(ResolveRole).OfType<RoleSymbol>().ToImmutableArray();
        if (t.Roles.IsEmpty) Report(DiagnosticCatalog.TaskWithoutAssignee(t.Name.Span, t.Name.Name));
        var due = t.Due is { } d ? BindClock(d) : null;
        var reminders = ImmutableArray.CreateBuilder<BoundReminder>();
        foreach (var r in t.Reminders)
        {
            if (BindClock(r.Offset) is not { } offset) continue;
            if (!r.BeforeDue && due is not null && offset.ToTimeSpan() >= due.ToTimeSpan()) Report(DiagnosticCatalog.ReminderAfterDue(r.Span, t.Name.Name));
            reminders.Add(new BoundReminder(r.BeforeDue, offset, r.Every is { } e ? BindClock(e) : null));
        }
        var escalations = ImmutableArray.CreateBuilder<BoundEscalation>();
        foreach (var e in t.Escalations)
            if (ResolveRole(e.Role) is { } role) escalations.Add(new BoundEscalation(role, e.After is { } a ? BindClock(a) : null));
        var meaning = t.SignatureMeaning?.Value;
        if (meaning is not null && !SignatureMeanings.Contains(meaning, StringComparer.OrdinalIgnoreCase))
            Report(DiagnosticCatalog.UnknownSignatureMeaning(t.SignatureMeaning!.Span, meaning));
        if (t.IsGate && meaning is null) Report(DiagnosticCatalog.GateWithoutSignature(t.Name.Span, t.Name.Name));
        var decisions = t.Decisions.IsEmpty
            ? (t.IsGate ? ImmutableArray.Create("approved", "rejected") : ImmutableArray.Create("completed"))
            : t.Decisions.Select(d2 => d2.Name).ToImmutableArray();
        return new BoundTask(t, roles, due, reminders.ToImmutable(), escalations.ToImmutable(), meaning, decisions);
    }

    private BoundGuard BindGuard(GuardSyntax g, WorkflowSyntax w, Scope scope, Dictionary<string, BoundTask> tasks, Func<ExpressionGuardSyntax, BoundExpression, RuleIdentity> identify)
    {
        switch (g)
        {
            case BinaryGuardSyntax b:
            {
                var left = BindGuard(b.Left, w, scope, tasks, identify);
                return new BoundBinaryGuard(b, b.IsAnd, left, BindGuard(b.Right, w, scope, tasks, identify));
            }
            case CriteriaGuardSyntax c:
                if (w.Scope is not SubjectWorkflowScopeSyntax) Report(DiagnosticCatalog.GuardNeedsSubjectScope(c.Span, w.Name.Name));
                if (c.Phase is { IsMissing: false } phase && !IsLibrary && !_phases.Contains(phase.Name))
                    Report(DiagnosticCatalog.UnknownPhase(phase.Span, phase.Name, NameSuggester.Suggest(phase.Name, _phases)));
                return new BoundCriteriaGuard(c, c.Phase?.Name, c.Outcomes);
            case TaskGuardSyntax t:
            {
                if (!t.Task.IsMissing && !tasks.ContainsKey(t.Task.Name))
                    Report(DiagnosticCatalog.UnknownTask(t.Task.Span, w.Name.Name, t.Task.Name, NameSuggester.Suggest(t.Task.Name, tasks.Keys)));
                else if (tasks.TryGetValue(t.Task.Name, out var task))
                {
                    var wanted = t.Outcome switch
                    {
                        TaskOutcome.Approved => "approved",
                        TaskOutcome.Rejected => "rejected",
                        TaskOutcome.Decided => t.Decision?.Name,
                        _ => null,
                    };
                    if (wanted is not null && !task.Decisions.Contains(wanted))
                        Report(DiagnosticCatalog.UnknownDecision((t.Decision ?? t.Task).Span, t.Task.Name, wanted, string.Join(", ", task.Decisions)));
                }
                return new BoundTaskGuard(t, t.Task.Name, t.Outcome, t.Decision?.Name);
            }
            case EventGuardSyntax e:
                return new BoundEventGuard(e, e.Event.Name);
            case ClockGuardSyntax k:
                CheckClock(k.Clock);
                return new BoundClockGuard(k, k.Clock.Name, k.Missed);
            case ExpressionGuardSyntax x:
            {
                var condition = Convert(BindExpression(x.Condition, scope), ProtocolType.Boolean, "A transition condition");
                return new BoundExpressionGuard(x, condition, identify(x, condition));
            }
            default:
                return new BoundEventGuard(g, "");
        }
    }

    private void CheckClock(IdentifierSyntax clock)
    {
        if (clock.IsMissing) return;
        var names = AllClockNames();
        if (!names.Contains(clock.Name)) Report(DiagnosticCatalog.UnknownClock(clock.Span, clock.Name, NameSuggester.Suggest(clock.Name, names)));
    }

    /// <summary>
    /// The clocks safety rules define: a rule's first obligation is the clock named after the rule; a
    /// <c>complete report</c> obligation is <c>Rule.complete</c>, a <c>follow up</c> obligation <c>Rule.followUp</c>
    /// (the names the workflow runtime gives them).
    /// </summary>
    private HashSet<string> AllClockNames()
    {
        var names = AllSafetyRuleIds();
        foreach (var rule in AllSafetyRules())
            foreach (var clock in WorkflowLowering.Clocks(rule)) names.Add(clock.Name);
        return names;
    }

    private HashSet<string> AllSafetyRuleIds() =>
        new(_file.Declarations.OfType<SafetySyntax>().SelectMany(s => s.Rules).Select(r => r.Name.Name)
            .Concat(AllImports().SelectMany(i => i.SafetyRules).Select(r => r.Id)), StringComparer.Ordinal);

    private IEnumerable<LibraryExports> AllImports()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<LibraryExports>(_imports);
        while (stack.Count > 0)
        {
            var library = stack.Pop();
            if (!seen.Add(library.Name)) continue;
            yield return library;
            foreach (var inner in library.Imports) stack.Push(inner);
        }
    }

    private BoundAction BindAction(ActionSyntax a, WorkflowSyntax w, DomainSchema? domain)
    {
        switch (a)
        {
            case EvaluateCriteriaActionSyntax e:
                if (w.Scope is not SubjectWorkflowScopeSyntax) Report(DiagnosticCatalog.GuardNeedsSubjectScope(e.Span, w.Name.Name));
                if (e.Phase is { IsMissing: false } phase && !IsLibrary && !_phases.Contains(phase.Name))
                    Report(DiagnosticCatalog.UnknownPhase(phase.Span, phase.Name, NameSuggester.Suggest(phase.Name, _phases)));
                return new BoundEvaluateCriteriaAction(e, e.Phase?.Name);
            case RandomizeActionSyntax r:
                if (!IsLibrary && _arms.Count == 0 && !_file.Declarations.OfType<ArmsSyntax>().Any()) Report(DiagnosticCatalog.RandomizeWithoutArms(r.Span));
                return new BoundRandomizeAction(r);
            case NotifyActionSyntax n:
                return ResolveRole(n.Role) is { } role ? new BoundNotifyAction(n, role, n.Message?.Value) : new BoundEmitAction(n, "");
            case StartClocksActionSyntax s:
            {
                var rules = AllSafetyRules().Where(r => domain is not null && r.Domain.Name == domain.Name).ToImmutableArray();
                if (rules.IsEmpty) Report(DiagnosticCatalog.StartClocksWithoutSafetyRules(s.Span, w.Name.Name, domain?.Name ?? "subject"));
                return new BoundStartClocksAction(s, rules);
            }
            case StopClockActionSyntax sc:
                CheckClock(sc.Clock);
                return new BoundStopClockAction(sc, sc.Clock.Name);
            case WithdrawClockActionSyntax wc:
                CheckClock(wc.Clock);
                return new BoundWithdrawClockAction(wc, wc.Clock.Name, wc.Reason?.Value);
            case RecordDeviationActionSyntax d:
                return new BoundRecordDeviationAction(d, d.Text.Value);
            case EmitActionSyntax em:
                return new BoundEmitAction(em, em.Event.Name);
            default:
                return new BoundEmitAction(a, "");
        }
    }

    // Safety rules are bound before workflows, so the file's own rules are available here.
    private IEnumerable<BoundSafetyRule> AllSafetyRules() => SafetyRules.Concat(AllImports().SelectMany(i => i.SafetyRules));
}
