using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace ProtocolEngine.Safety.Replays;

/// <summary>Writes a replay report as Markdown: the assumptions, the clock tally, every clock of every record, and the timeline.</summary>
public static class ReplayMarkdown
{
    /// <summary>Writes the report.</summary>
    /// <param name="report">The replay's report.</param>
    /// <param name="writer">Where to.</param>
    /// <param name="title">The heading.</param>
    /// <param name="command">The command that produced it (shown so the reader can run it again).</param>
    public static void Write(ReplayReport report, TextWriter writer, string title, string? command = null)
    {
        var zone = report.Assumptions.Zone;
        string Local(Instant i) => LocalDateTimePattern.CreateWithInvariantCulture("yyyy-MM-dd HH:mm").Format(i.InZone(zone).LocalDateTime);
        var w = writer;
        w.WriteLine($"# {title}");
        w.WriteLine();
        if (command is not null) { w.WriteLine("```"); w.WriteLine(command); w.WriteLine("```"); w.WriteLine(); }
        w.WriteLine(Inv($"{report.Records:N0} {report.Domain} records, {report.Replayed:N0} replayed (awareness from {(report.First is { } f ? Local(f) : "-")} to {(report.Last is { } l ? Local(l) : "-")}, {zone.Id}{(report.StartedNothing > 0 ? $"; {report.StartedNothing:N0} started no workflow, every start condition false" : "")}); {report.TasksDone:N0} tasks done by the replay's people; {report.Deviations:N0} deviations recorded."));
        foreach (var n in report.NotReplayed) w.WriteLine($"- not replayed: {n}");
        foreach (var p in report.Problems) w.WriteLine($"- refused by the engine: {p}");
        w.WriteLine();
        w.WriteLine($"## Assumptions ({report.Assumptions.Name})");
        w.WriteLine();
        w.WriteLine($"- Day 0 (awareness): the record's start date at {report.Assumptions.AwarenessTime} {zone.Id}; a partial date counts from its first day.");
        w.WriteLine(report.Assumptions.WorkingDaysOnly
            ? $"- People act on working days only, {report.Assumptions.WorkdayStart} to {report.Assumptions.WorkdayEnd}; an action due outside them happens at the next start of a working day."
            : "- People act at any hour, 7 days a week.");
        foreach (var (task, t) in report.Assumptions.Tasks.OrderBy(t => t.Key, StringComparer.Ordinal))
            w.WriteLine($"- {task}: done {t.After} after it opens{(t.Decision is null ? "" : $", decision {t.Decision}")}{(t.OnlyIfClockStarted is { Count: > 0 } c ? $" when a {string.Join(" or ", c)} clock runs, else {t.Otherwise}" : "")}.");
        w.WriteLine($"- Any other task: done {report.Assumptions.Default.After} after it opens, with its first decision.");
        w.WriteLine();
        w.WriteLine("## Clocks");
        w.WriteLine();
        w.WriteLine("| clock | started | met | missed | withdrawn | running |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var t in report.Tally) w.WriteLine(Inv($"| {t.Clock} | {t.Started} | {t.Met} | {t.Missed} | {t.Withdrawn} | {t.Running} |"));
        w.WriteLine(Inv($"| **all** | {report.Tally.Sum(t => t.Started)} | {report.Tally.Sum(t => t.Met)} | {report.Tally.Sum(t => t.Missed)} | {report.Tally.Sum(t => t.Withdrawn)} | {report.Tally.Sum(t => t.Running)} |"));
        w.WriteLine();
        w.WriteLine("Final states: " + string.Join(", ", report.FinalStates.Select(s => Inv($"{s.Key} {s.Value}"))) + ".");
        w.WriteLine();
        w.WriteLine("## Every clock");
        w.WriteLine();
        w.WriteLine("| record | term | clock | to | Day 0 | due | stopped | status |");
        w.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var c in report.Clocks)
            w.WriteLine($"| {Cell(c.Key)} | {Cell(c.Term)} | {c.Clock} | {c.Party} | {Local(c.Day0)} | {Local(c.DueAt)} | {(c.StoppedAt is { } s ? Local(s) : "")} | {(c.Status == "missed" ? "**missed**" : c.Status)} |");
        w.WriteLine();
        w.WriteLine("## Timeline");
        w.WriteLine();
        w.WriteLine("Every journal entry of the records that started a clock, in time order (times in " + zone.Id + ").");
        w.WriteLine();
        w.WriteLine("| when | record | what |");
        w.WriteLine("|---|---|---|");
        foreach (var line in report.Timeline) w.WriteLine($"| {Local(line.At)} | {Cell(line.Key)} | {Cell(line.What)} |");
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    // A record key or term with a '|' would split a Markdown table cell.
    private static string Cell(string? text) => Runtime.Values.DisplayText.Shorten(text ?? "").Replace("|", "\\|", StringComparison.Ordinal);
}
