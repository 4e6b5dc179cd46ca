using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.LanguageService.Workflows;

/// <summary>Reads the workflow graphs of a protocol text from its syntax tree (and its compilation, for guards' rule ids).</summary>
public static class WorkflowGraphBuilder
{
    /// <summary>The graphs of every workflow block of a text, in text order.</summary>
    public static ImmutableArray<WorkflowGraph> Build(string text)
    {
        var source = new SourceText(text, "workflow.protocol");
        return Build(source, ProtocolParser.ParseFile(source).Root, null);
    }

    /// <summary>The graphs of every workflow block of a compiled protocol's own text.</summary>
    public static ImmutableArray<WorkflowGraph> Build(CompiledProtocol compiled) => Build(compiled.Source, compiled.Syntax, compiled);

    private static ImmutableArray<WorkflowGraph> Build(SourceText source, ProtocolFileSyntax file, CompiledProtocol? compiled) =>
        [.. file.Declarations.OfType<WorkflowSyntax>().Select(w => Graph(source, w, compiled?.Workflows.FirstOrDefault(b => b.Syntax == w)))];

    private static WorkflowGraph Graph(SourceText source, WorkflowSyntax workflow, BoundWorkflow? bound)
    {
        string Text(SyntaxNode node) => source.Slice(node.Span);
        var states = workflow.States.Select(s => State(source, s)).ToImmutableArray();
        var ordinals = new Dictionary<(string, string), int>();
        var transitions = ImmutableArray.CreateBuilder<TransitionEdge>();
        foreach (var t in workflow.Transitions)
        {
            var key = (t.From.Name, t.To.Name);
            ordinals[key] = ordinals.GetValueOrDefault(key) + 1;
            var ruleIds = bound?.Transitions.FirstOrDefault(b => b.Syntax == t) is { } b
                ? BoundGuards.Conditions(b.Guard).Select(g => g.Identity.Id).ToImmutableArray() : [];
            transitions.Add(new TransitionEdge(t.From.Name, t.To.Name, ordinals[key], t.Guard is { } g ? Text(g) : null,
                [.. t.Actions.Select(Text)], t.Span, t.Guard?.Span, ruleIds));
        }

        var clocks = ImmutableArray.CreateBuilder<ClockNode>();
        foreach (var s in workflow.States)
        {
            if (s.Deadline is { } d) clocks.Add(new ClockNode(ClockKind.Deadline, s.Name.Name, Text(d.Duration), d.Span));
            foreach (var task in s.Tasks)
            {
                if (task.Due is { } due) clocks.Add(new ClockNode(ClockKind.Due, task.Name.Name, Text(due), due.Span));
                foreach (var r in task.Reminders) clocks.Add(new ClockNode(ClockKind.Reminder, task.Name.Name, Text(r.Offset), r.Span));
                foreach (var e in task.Escalations) clocks.Add(new ClockNode(ClockKind.Escalation, task.Name.Name, e.After is { } a ? Text(a) : "", e.Span));
            }
            foreach (var a in s.EntryActions) Safety(a, clocks);
        }
        foreach (var t in workflow.Transitions)
        {
            foreach (var a in t.Actions) Safety(a, clocks);
            foreach (var g in Guards(t.Guard).OfType<ClockGuardSyntax>()) clocks.Add(new ClockNode(ClockKind.Safety, g.Clock.Name, "", g.Span));
        }

        // Members in text order, each with the text between it and the one before: the graph holds the whole block.
        var members = workflow.States.Select(s => (Id: "state:" + s.Name.Name, s.Span))
            .Concat(workflow.Transitions.Select((t, i) => (transitions[i].Id, t.Span)))
            .OrderBy(m => m.Span.Start).ToList();
        int headerEnd = members.Count > 0 ? members[0].Span.Start : workflow.Span.End;
        var header = source.Text[workflow.Span.Start..headerEnd];
        var built = ImmutableArray.CreateBuilder<WorkflowMember>();
        int at = headerEnd;
        foreach (var (id, span) in members)
        {
            built.Add(new WorkflowMember(id, source.Text[at..span.Start], source.Slice(span)));
            at = span.End;
        }
        return new WorkflowGraph(workflow.Name.Name, workflow.Title?.Value, Text(workflow.Scope), workflow.Span, workflow.Name.Span,
            states, transitions.ToImmutable(), clocks.ToImmutable(), built.ToImmutable(), header);
    }

    private static void Safety(ActionSyntax action, ImmutableArray<ClockNode>.Builder clocks)
    {
        switch (action)
        {
            case StartClocksActionSyntax s:
                clocks.Add(new ClockNode(ClockKind.Safety, "*", "", s.Span));
                break;
            case StopClockActionSyntax s:
                clocks.Add(new ClockNode(ClockKind.Safety, s.Clock.Name, "", s.Span));
                break;
            case WithdrawClockActionSyntax w:
                clocks.Add(new ClockNode(ClockKind.Safety, w.Clock.Name, "", w.Span));
                break;
        }
    }

    private static StateNode State(SourceText source, StateSyntax s) => new(
        s.Name.Name, s.Span, s.Name.Span, s.IsInitial, s.IsFinal,
        [.. s.EntryActions.Select(a => source.Slice(a.Span))],
        [.. s.Tasks.Select(t => new TaskNode(t.Name.Name, t.IsGate, t.Title?.Value, [.. t.Roles.Select(r => r.Name)],
            t.Due is { } due ? source.Slice(due.Span) : null,
            [.. t.Reminders.Select(r => source.Slice(r.Span))],
            [.. t.Escalations.Select(e => new EscalationNode(e.Role.Name, e.After is { } a ? source.Slice(a.Span) : null, e.Span))],
            t.SignatureMeaning?.Value, [.. t.Decisions.Select(d => d.Name)], t.Span, t.Name.Span))],
        s.Deadline is { } d ? new DeadlineEdge(source.Slice(d.Duration.Span), d.Target.Name, d.Reason?.Value, d.Span) : null);

    internal static IEnumerable<GuardSyntax> Guards(GuardSyntax? guard)
    {
        if (guard is null) yield break;
        if (guard is BinaryGuardSyntax b)
        {
            foreach (var g in Guards(b.Left)) yield return g;
            foreach (var g in Guards(b.Right)) yield return g;
        }
        else yield return guard;
    }
}
