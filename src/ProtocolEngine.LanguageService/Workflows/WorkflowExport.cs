using System.Globalization;
using System.Net;
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

    /// <summary>
    /// The graph as a self-contained SVG picture for documents: states in layers from the initial state down (each state
    /// one layer below the first state that leads to it), initial and final states marked, each state's tasks and gates
    /// with their roles and due times inside its box, transitions as arrows labelled with their guards, deadlines dashed
    /// with their time. Deterministic: the same graph gives the same bytes.
    /// </summary>
    public static string ToSvg(WorkflowGraph graph)
    {
        const double lineHeight = 16, charWidth = 7.2, padding = 10, layerGap = 70, nodeGap = 40, margin = 30;
        var edges = graph.Transitions.Select(t => (t.From, t.To, Label: t.Guard ?? "", Dashed: false))
            .Concat(graph.States.Where(s => s.Deadline is not null).Select(s => (From: s.Name, To: s.Deadline!.Target, Label: "after " + s.Deadline.Duration, Dashed: true)))
            .Where(e => graph.States.Any(s => s.Name == e.From) && graph.States.Any(s => s.Name == e.To)).ToList();

        // Layers: breadth first from the initial state; states it does not reach go below, in text order.
        var layer = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        foreach (var s in graph.States.Where(s => s.IsInitial)) { layer[s.Name] = 0; queue.Enqueue(s.Name); }
        while (queue.Count > 0)
        {
            var at = queue.Dequeue();
            foreach (var e in edges.Where(e => e.From == at && !layer.ContainsKey(e.To))) { layer[e.To] = layer[at] + 1; queue.Enqueue(e.To); }
        }
        int next = layer.Count == 0 ? 0 : layer.Values.Max() + 1;
        foreach (var s in graph.States.Where(s => !layer.ContainsKey(s.Name))) layer[s.Name] = next;

        var lines = graph.States.ToDictionary(s => s.Name, s => new List<string> { s.Name }
            .Concat(s.Tasks.Select(t => (t.IsGate ? "gate " : "task ") + t.Name + (t.Roles.Length > 0 ? " for " + string.Join(" or ", t.Roles) : "") + (t.Due is null ? "" : ", due " + t.Due)
                + string.Concat(t.Escalations.Select(e => ", escalate to " + e.Role + (e.After is null ? "" : " after " + e.After))))).ToList(), StringComparer.Ordinal);
        var size = graph.States.ToDictionary(s => s.Name, s => (W: Math.Max(90, lines[s.Name].Max(l => l.Length) * charWidth + 2 * padding), H: lines[s.Name].Count * lineHeight + 2 * padding), StringComparer.Ordinal);
        var rows = graph.States.GroupBy(s => layer[s.Name]).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
        double width = rows.Count == 0 ? 200 : rows.Max(r => r.Sum(s => size[s.Name].W) + (r.Count - 1) * nodeGap) + 2 * margin;
        var place = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        double y = margin + 20;
        foreach (var row in rows)
        {
            double rowWidth = row.Sum(s => size[s.Name].W) + (row.Count - 1) * nodeGap, x = (width - rowWidth) / 2;
            foreach (var s in row) { place[s.Name] = (x, y); x += size[s.Name].W + nodeGap; }
            y += row.Max(s => size[s.Name].H) + layerGap;
        }
        double height = y - layerGap + margin;

        string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        string E(string text) => WebUtility.HtmlEncode(text);
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"Workflow {E(graph.Name)}\">\n");
        sb.Append($"  <title>Workflow {E(graph.Name)}{(graph.Title is null ? "" : ": " + E(graph.Title))}</title>\n");
        sb.Append("  <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#444\"/></marker></defs>\n");
        foreach (var e in edges)
        {
            var (fx, fy) = place[e.From];
            var (tx, ty) = place[e.To];
            var (fw, fh) = size[e.From];
            var (tw, th) = size[e.To];
            double x1 = fx + fw / 2, y1 = fy + fh, x2 = tx + tw / 2, y2 = ty;
            string path;
            if (e.From == e.To) path = $"M {N(fx + fw)} {N(fy + fh / 3)} C {N(fx + fw + 40)} {N(fy)} {N(fx + fw + 40)} {N(fy + fh)} {N(fx + fw)} {N(fy + fh * 2 / 3)}";
            else if (layer[e.To] <= layer[e.From]) path = $"M {N(fx + fw)} {N(fy + fh / 2)} C {N(Math.Max(fx + fw, tx + tw) + 60)} {N(fy + fh / 2)} {N(Math.Max(fx + fw, tx + tw) + 60)} {N(ty + th / 2)} {N(tx + tw)} {N(ty + th / 2)}";
            else path = $"M {N(x1)} {N(y1)} L {N(x2)} {N(y2)}";
            sb.Append($"  <path d=\"{path}\" fill=\"none\" stroke=\"#444\"{(e.Dashed ? " stroke-dasharray=\"5 4\"" : "")} marker-end=\"url(#arrow)\"><title>{E(e.From)} to {E(e.To)}{(e.Label.Length > 0 ? " when " + E(e.Label) : "")}</title></path>\n");
            if (e.Label.Length > 0)
            {
                double lx = e.From == e.To || layer[e.To] <= layer[e.From] ? Math.Max(fx + fw, tx + tw) + 50 : (x1 + x2) / 2 + 4, ly = e.From == e.To || layer[e.To] <= layer[e.From] ? (fy + ty + fh) / 2 : (y1 + y2) / 2;
                var label = e.Label.Length > 60 ? e.Label[..57] + "..." : e.Label;
                sb.Append($"  <text x=\"{N(lx)}\" y=\"{N(ly)}\" fill=\"#333\" font-size=\"11\">{E(label.Replace('\n', ' '))}</text>\n");
            }
        }
        foreach (var s in graph.States)
        {
            var (x, sy) = place[s.Name];
            var (w, h) = size[s.Name];
            sb.Append($"  <g><title>state {E(s.Name)}{(s.IsInitial ? " (initial)" : "")}{(s.IsFinal ? " (final)" : "")}</title>\n");
            if (s.IsInitial) sb.Append($"    <circle cx=\"{N(x + w / 2)}\" cy=\"{N(sy - 20)}\" r=\"6\" fill=\"#222\"/><line x1=\"{N(x + w / 2)}\" y1=\"{N(sy - 14)}\" x2=\"{N(x + w / 2)}\" y2=\"{N(sy)}\" stroke=\"#222\" marker-end=\"url(#arrow)\"/>\n");
            sb.Append($"    <rect x=\"{N(x)}\" y=\"{N(sy)}\" width=\"{N(w)}\" height=\"{N(h)}\" rx=\"8\" fill=\"{(s.IsFinal ? "#eef3ee" : "#f4f6fb")}\" stroke=\"#333\"{(s.IsFinal ? " stroke-width=\"3\"" : "")}/>\n");
            var stateLines = lines[s.Name];
            for (int i = 0; i < stateLines.Count; i++)
                sb.Append($"    <text x=\"{N(x + padding)}\" y=\"{N(sy + padding + (i + 1) * lineHeight - 4)}\"{(i == 0 ? " font-weight=\"bold\"" : " font-size=\"11\"")}>{E(stateLines[i])}</text>\n");
            sb.Append("  </g>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    // Mermaid labels end at a line break and read ':' and ';' as syntax, and quotes close a state's description.
    private static string Clean(string text) =>
        text.Replace('\n', ' ').Replace('\r', ' ').Replace(":", " -", StringComparison.Ordinal).Replace(';', ',').Replace('"', '\'').Trim();
}
