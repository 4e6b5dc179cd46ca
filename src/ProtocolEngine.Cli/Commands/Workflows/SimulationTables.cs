using ProtocolEngine.Workflows.Simulation;

namespace ProtocolEngine.Cli.Commands.Workflows;

/// <summary>A simulation's report for people: the timeline, the final states, and what was not as expected.</summary>
internal static class SimulationTables
{
    // A long scenario's timeline has hundreds of thousands of lines: the table shows its start and end (the --db journal keeps all).
    private const int PrintedLines = 1_000;

    public static void Write(IAnsiConsole console, SimulationReport report)
    {
        console.Write(new Rule("Timeline"));
        var timeline = new AdaptiveTable().Columns("When", "Instance", "Workflow", "What");
        var lines = report.Timeline;
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines.Count > PrintedLines && i == PrintedLines / 2)
            {
                int skipped = lines.Count - PrintedLines;
                timeline.Row("...", "", "", $"[grey]{skipped:N0} more lines (give --db FILE to keep the whole journal)[/]");
                i += skipped - 1;
                continue;
            }
            var l = lines[i];
            timeline.Row(l.Offset, Markup.Escape(l.Key), l.Workflow, Markup.Escape(l.What));
        }
        timeline.Write(console);
        console.Write(new Rule("Final states"));
        if (report.Finals.Count <= PrintedLines)
        {
            var finals = new AdaptiveTable().Columns("Instance", "Workflow", "State", "Status");
            foreach (var f in report.Finals) finals.Row(Markup.Escape(f.Key), f.Workflow, f.State, f.Status);
            finals.Write(console);
        }
        else
        {
            var summary = new AdaptiveTable().Columns("Workflow", "State", "Status").NumberColumns("Instances");
            foreach (var g in report.Finals.GroupBy(f => (f.Workflow, f.State, f.Status)).OrderBy(g => g.Key.Workflow, StringComparer.Ordinal).ThenBy(g => g.Key.State, StringComparer.Ordinal))
                summary.Row(g.Key.Workflow, g.Key.State, g.Key.Status, g.Count().ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            summary.Write(console);
        }
        foreach (var u in report.Unmatched.Take(20)) console.MarkupLineInterpolated($"[yellow]Unmatched event kept:[/] {u.Name} for {u.CorrelationKey}");
        if (report.Unmatched.Count > 20) console.MarkupLineInterpolated($"[yellow]{report.Unmatched.Count - 20:N0} more unmatched events kept.[/]");
        foreach (var c in report.Unevaluated) console.MarkupLineInterpolated($"[yellow]Not evaluated (treated as unknown):[/] {c} (correct it, or give it a value under \"conditions\" in the scenario)");
        foreach (var p in report.Problems.Take(200)) console.MarkupLineInterpolated($"[red]Problem:[/] {p}");
        if (report.Problems.Count > 200) console.MarkupLineInterpolated($"[red]{report.Problems.Count - 200:N0} more problems.[/]");
        if (report.Problems.Count == 0) console.MarkupLine("[green]Every expectation met.[/]");
    }
}
