using System.Collections.Immutable;
using System.Text;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.LanguageService.Workflows;

/// <summary>
/// A <c>workflow</c> block as a graph: states (initial, final, entry actions, tasks and gates with their roles, due times,
/// reminders and escalations, a deadline), transitions with their guards and actions, and the clocks that run. Every node
/// and edge carries its span in the protocol text, so an editor selects the text of a node and the node under the cursor.
/// The text stays the source of truth: the graph keeps each member's text and the text between members, and
/// <see cref="ToText"/> gives the block back exactly.
/// </summary>
/// <param name="Name">The workflow name.</param>
/// <param name="Title">Its title, when given.</param>
/// <param name="Scope">What one instance follows, as written (<c>per subject</c>, <c>per AE A when ...</c>).</param>
/// <param name="Span">The whole block.</param>
/// <param name="NameSpan">The workflow's name.</param>
/// <param name="States">The states, in text order.</param>
/// <param name="Transitions">The transitions, in text order (the order guards are tried in).</param>
/// <param name="Clocks">The clocks: state deadlines, task due times, reminders and escalations, and the safety clocks the workflow starts, stops or waits on.</param>
/// <param name="Members">Every member in text order with the text before it, for <see cref="ToText"/>.</param>
/// <param name="Header">The block's text before its first member.</param>
public sealed record WorkflowGraph(
    string Name,
    string? Title,
    string Scope,
    TextSpan Span,
    TextSpan NameSpan,
    ImmutableArray<StateNode> States,
    ImmutableArray<TransitionEdge> Transitions,
    ImmutableArray<ClockNode> Clocks,
    ImmutableArray<WorkflowMember> Members,
    string Header)
{
    /// <summary>The initial state, when there is exactly one.</summary>
    public StateNode? Initial => States.Count(s => s.IsInitial) == 1 ? States.First(s => s.IsInitial) : null;

    /// <summary>The block's text, rebuilt from the graph: byte for byte the text it was read from.</summary>
    public string ToText()
    {
        var sb = new StringBuilder(Header);
        foreach (var member in Members) sb.Append(member.Before).Append(member.Text);
        return sb.ToString();
    }

    /// <summary>The element under a cursor offset: the innermost task, state or transition, or null.</summary>
    public string? ElementAt(int offset)
    {
        foreach (var state in States)
        {
            if (!Contains(state.Span, offset)) continue;
            foreach (var task in state.Tasks)
                if (Contains(task.Span, offset)) return task.Id;
            return state.Id;
        }
        return Transitions.FirstOrDefault(t => Contains(t.Span, offset))?.Id;
    }

    /// <summary>The span of an element (a state, task or transition id), for selecting its text.</summary>
    public TextSpan? SpanOf(string id) =>
        States.FirstOrDefault(s => s.Id == id)?.Span
        ?? States.SelectMany(s => s.Tasks).FirstOrDefault(t => t.Id == id)?.Span
        ?? Transitions.FirstOrDefault(t => t.Id == id)?.Span;

    private static bool Contains(TextSpan span, int offset) => offset >= span.Start && offset <= span.End;
}

/// <summary>A member of a workflow block as written, with the text before it (white space, comments).</summary>
/// <param name="Id">The state's or transition's id.</param>
/// <param name="Before">The text between the previous member (or the header) and this one.</param>
/// <param name="Text">The member's own text.</param>
public sealed record WorkflowMember(string Id, string Before, string Text);

/// <summary>A state.</summary>
/// <param name="Name">The state name.</param>
/// <param name="Span">The state's text.</param>
/// <param name="NameSpan">Its name.</param>
/// <param name="IsInitial">True for the initial state.</param>
/// <param name="IsFinal">True for a final state.</param>
/// <param name="EntryActions">The actions run on entry, as written.</param>
/// <param name="Tasks">Its tasks and gates.</param>
/// <param name="Deadline">Its deadline, when it has one.</param>
public sealed record StateNode(string Name, TextSpan Span, TextSpan NameSpan, bool IsInitial, bool IsFinal,
    ImmutableArray<string> EntryActions, ImmutableArray<TaskNode> Tasks, DeadlineEdge? Deadline)
{
    /// <summary>The state's id in the graph (<c>state:Name</c>).</summary>
    public string Id => "state:" + Name;
}

/// <summary>A human task or gate of a state.</summary>
/// <param name="Name">The task name.</param>
/// <param name="IsGate">True for a gate (approve or reject).</param>
/// <param name="Title">Its description, when given.</param>
/// <param name="Roles">The roles that may do it.</param>
/// <param name="Due">When it is due, as written (<c>14 days</c>, a parameter), or null.</param>
/// <param name="Reminders">Its reminders, as written.</param>
/// <param name="Escalations">Its escalations.</param>
/// <param name="SignatureMeaning">The meaning of the signature it requires, or null.</param>
/// <param name="Decisions">Its named decisions.</param>
/// <param name="Span">The task's text (from <c>task</c> or <c>gate</c> to its last clause).</param>
/// <param name="NameSpan">Its name.</param>
public sealed record TaskNode(string Name, bool IsGate, string? Title, ImmutableArray<string> Roles, string? Due, ImmutableArray<string> Reminders,
    ImmutableArray<EscalationNode> Escalations, string? SignatureMeaning, ImmutableArray<string> Decisions, TextSpan Span, TextSpan NameSpan)
{
    /// <summary>The task's id in the graph (<c>task:Name</c>).</summary>
    public string Id => "task:" + Name;
}

/// <summary>An escalation of a task to a role, after a time or when the task is overdue.</summary>
/// <param name="Role">Who is told.</param>
/// <param name="After">After how long, as written, or null (when overdue).</param>
/// <param name="Span">Its text.</param>
public sealed record EscalationNode(string Role, string? After, TextSpan Span);

/// <summary>A state's deadline: after the time, the instance moves to the target.</summary>
/// <param name="Duration">The time, as written.</param>
/// <param name="Target">The state it moves to.</param>
/// <param name="Reason">The reason recorded, when given.</param>
/// <param name="Span">Its text.</param>
public sealed record DeadlineEdge(string Duration, string Target, string? Reason, TextSpan Span);

/// <summary>A transition.</summary>
/// <param name="From">The state it leaves.</param>
/// <param name="To">The state it enters.</param>
/// <param name="Ordinal">1 for the first transition between these states, 2 for the second, ...</param>
/// <param name="Guard">Its condition as written, or null.</param>
/// <param name="Actions">The actions after <c>, then</c>, as written.</param>
/// <param name="Span">The transition's text.</param>
/// <param name="GuardSpan">The condition's text, when there is one.</param>
/// <param name="GuardRuleIds">The rule ids of its data conditions (<c>guard:Workflow.From->To</c>), when compiled.</param>
public sealed record TransitionEdge(string From, string To, int Ordinal, string? Guard, ImmutableArray<string> Actions, TextSpan Span, TextSpan? GuardSpan,
    ImmutableArray<string> GuardRuleIds)
{
    /// <summary>The transition's id in the graph (<c>transition:From->To</c>, <c>#2</c> for a second one between the same states).</summary>
    public string Id => "transition:" + From + "->" + To + (Ordinal > 1 ? "#" + Ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
}

/// <summary>What starts and stops a clock.</summary>
public enum ClockKind
{
    /// <summary>A state's deadline.</summary>
    Deadline,
    /// <summary>When a task is due.</summary>
    Due,
    /// <summary>A task's reminder.</summary>
    Reminder,
    /// <summary>A task's escalation.</summary>
    Escalation,
    /// <summary>A safety rule's reporting clock, started, stopped or waited on by the workflow.</summary>
    Safety,
}

/// <summary>A clock of the workflow.</summary>
/// <param name="Kind">What kind of clock.</param>
/// <param name="Owner">The state, task or safety rule it belongs to.</param>
/// <param name="Length">How long it runs, as written (empty for a safety clock).</param>
/// <param name="Span">Where it is written.</param>
public sealed record ClockNode(ClockKind Kind, string Owner, string Length, TextSpan Span);
