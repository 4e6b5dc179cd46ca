using System.Text;

namespace ProtocolEngine.LanguageService.Workflows;

/// <summary>A workflow graph drawn for documents.</summary>
public static class WorkflowExport
{
    /// <summary>
    /// The graph as a Mermaid state diagram (<c>stateDiagram-v2</c>): the initial and final states joined to the start and
    /// end, each transition labelled with its guard and actions, deadlines as transitions labelled with their time, and
    /// each state's tasks and gates as a note (roles, due time, escalations).
    /// </summary>
    public static string ToMermaid(WorkflowGraph graph)
    {
        var sb = new StringBuilder("stateDiagram-v2\n");
        if (graph.Title is { } title) sb.Append("    %% ").Append(Clean(title)).Append('\n');
        foreach (var s in graph.States)
        {
            if (s.EntryActions.Length > 0) sb.Append($"    state \"{Clean(s.Name)} (on entry: {Clean(string.Join(", ", s.EntryActions))})\" as {s.Name}\n");
            if (s.IsInitial) sb.Append($"    [*] --> {s.Name}\n");
        }
        foreach (var t in graph.Transitions)
        {
            var label = string.Join(", then ", new[] { t.Guard }.Concat(t.Actions).OfType<string>());
            sb.Append($"    {t.From} --> {t.To}").Append(label.Length > 0 ? " : " + Clean(label) : "").Append('\n');
        }
        foreach (var s in graph.States)
        {
            if (s.Deadline is { } d) sb.Append($"    {s.Name} --> {d.Target} : after {Clean(d.Duration)}").Append(d.Reason is null ? "" : " (" + Clean(d.Reason) + ")").Append('\n');
            if (s.IsFinal) sb.Append($"    {s.Name} --> [*]\n");
            foreach (var task in s.Tasks)
            {
                var note = new List<string> { (task.IsGate ? "gate " : "task ") + task.Name + (task.Title is null ? "" : ": " + task.Title) };
                if (task.Roles.Length > 0) note.Add("for " + string.Join(" or ", task.Roles));
                if (task.Due is { } due) note.Add("due " + due);
                note.AddRange(task.Escalations.Select(e => "escalate to " + e.Role + (e.After is null ? "" : " after " + e.After)));
                if (task.SignatureMeaning is { } meaning) note.Add("signature: " + meaning);
                sb.Append($"    note right of {s.Name} : {Clean(string.Join("; ", note))}\n");
            }
        }
        return sb.ToString();
    }

    // Mermaid labels end at a line break and read ':' and ';' as syntax, and quotes close a state's description.
    private static string Clean(string text) =>
        text.Replace('\n', ' ').Replace('\r', ' ').Replace(":", " -", StringComparison.Ordinal).Replace(';', ',').Replace('"', '\'').Trim();
}
