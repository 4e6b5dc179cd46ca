using System.Globalization;
using System.Net;
using ProtocolEngine.Checks.Results;

namespace ProtocolEngine.Checks.Reports;

/// <summary>
/// A self-contained HTML report (no scripts, no external files) that prints well: the run, a table of every
/// check by severity with its counts, then each check's findings with the values that decided them.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem; color: #1b1b1b; font-size: 14px; }
        h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #ccc; }
        h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
        table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
        th, td { border: 1px solid #ccc; padding: .25rem .4rem; text-align: left; vertical-align: top; }
        th { background: #f2f2f2; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .meta td:first-child { width: 12rem; font-weight: 600; }
        .s-critical, .s-error { color: #a40000; font-weight: 600; } .s-warning { color: #8a5300; font-weight: 600; } .s-notice { color: #285e8e; }
        .st-ISSUE { background: #fdecea; } .st-EXECUTION { background: #fff4d6; } .st-SKIPPED { color: #777; }
        code, .hash { font-family: ui-monospace, "SFMono-Regular", Consolas, monospace; font-size: .85em; }
        .cite { color: #555; font-size: .9em; }
        @media print { body { margin: 0; font-size: 10pt; } h2 { page-break-after: avoid; } tr { page-break-inside: avoid; } .check { page-break-inside: auto; } }
        """;

    /// <summary>Writes the report; at most <paramref name="findingsPerCheck"/> findings are listed per check and outcome (0: all).</summary>
    public static void Write(ValidationReport report, TextWriter w, int findingsPerCheck = 0)
    {
        w.WriteLine("<!DOCTYPE html>");
        w.WriteLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        w.WriteLine($"<title>Data checks: {E(report.Protocol)}</title>");
        w.WriteLine($"<style>{Style}</style></head><body>");
        w.WriteLine($"<h1>Data checks: {E(report.Protocol)} {E(report.ProtocolVersion)}</h1>");
        int blocking = report.Checks.Count(c => c.Blocks);
        w.WriteLine($"<p><strong>{(blocking == 0 ? "No finding at error severity or above." : $"{blocking} check(s) at error severity or above did not pass.")}</strong></p>");

        w.WriteLine("<table class=\"meta\">");
        Row(w, "Protocol", $"{E(report.Protocol)} version {E(report.ProtocolVersion)}");
        Row(w, "Protocol hash", $"<span class=\"hash\">{E(report.ProtocolHash)}</span>");
        Row(w, "Standard", E(report.Standard));
        Row(w, "Data", E(report.DataSource));
        Row(w, "Subjects / records", $"{ReportText.Number(report.Subjects)} / {ReportText.Number(report.RecordsVisited)}");
        Row(w, "Engine", E(report.Engine));
        Row(w, "Generated", E(report.GeneratedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)));
        Row(w, "Run time", E(report.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s"));
        w.WriteLine("</table>");

        w.WriteLine("<h2>Checks by severity</h2>");
        w.WriteLine("<table><thead><tr><th>Check</th><th>Severity</th><th>Status</th><th>Dataset</th><th>Evaluated</th><th>Failed</th><th>Not evaluable</th><th>Title</th></tr></thead><tbody>");
        foreach (var c in ReportText.BySeverity(report.Checks))
        {
            var status = c.StatusText.Split(' ')[0];
            w.WriteLine($"<tr class=\"st-{status}\"><td><a href=\"#{E(c.Id)}\"><code>{E(c.Id)}</code></a></td><td class=\"s-{ReportText.Severity(c.Severity)}\">{ReportText.Severity(c.Severity)}</td>" +
                        $"<td>{E(c.StatusText)}</td><td>{E(c.Dataset ?? (c.Check.ScopeKind == Language.Binding.CheckScopeKind.Subject ? "(subjects)" : "(study)"))}</td>" +
                        $"<td class=\"n\">{ReportText.Number(c.Evaluated)}</td><td class=\"n\">{ReportText.Number(c.Failed)}</td><td class=\"n\">{ReportText.Number(c.NotEvaluable)}</td><td>{E(c.Title)}</td></tr>");
        }
        w.WriteLine("</tbody></table>");

        foreach (var severity in ReportText.SeverityOrder)
        {
            var checks = ReportText.BySeverity(report.Checks.Where(c => c.Severity == severity)).ToList();
            if (checks.Count == 0) continue;
            w.WriteLine($"<h2 class=\"s-{ReportText.Severity(severity)}\">{char.ToUpperInvariant(ReportText.Severity(severity)[0])}{ReportText.Severity(severity)[1..]}</h2>");
            foreach (var c in checks) WriteCheck(w, c, findingsPerCheck);
        }
        w.WriteLine("</body></html>");
    }

    /// <summary>The report as an HTML string.</summary>
    public static string ToHtml(ValidationReport report, int findingsPerCheck = 0)
    {
        var sw = new StringWriter();
        Write(report, sw, findingsPerCheck);
        return sw.ToString();
    }

    private static void WriteCheck(TextWriter w, CheckResult c, int limit)
    {
        w.WriteLine($"<div class=\"check\" id=\"{E(c.Id)}\"><h3><code>{E(c.Id)}</code> {E(c.Title)}: {E(c.StatusText)}</h3>");
        foreach (var cite in c.Check.Syntax.Citations) w.WriteLine($"<div class=\"cite\">{E(cite.Value)}</div>");
        w.WriteLine($"<div class=\"cite\">Hash <span class=\"hash\">{E(c.Hash)}</span>{(c.Library is null ? "" : $", from library {E(c.Library)}")}{(c.QueryTo is null ? "" : $", queries to {E(c.QueryTo)}")}</div>");
        if (c.Error is { } e) w.WriteLine($"<p><strong>{E(e.Code)}</strong>: {E(e.Message)}</p>");
        if (c.SkipReason is { } skip) w.WriteLine($"<p>{E(skip)}</p>");
        if (c.AbsentVariables.Count > 0) w.WriteLine($"<p>Variables the data do not have (read as null): {E(string.Join(", ", c.AbsentVariables))}</p>");
        if (c.Status is CheckStatus.Success or CheckStatus.IssueReported)
            w.WriteLine($"<p>{ReportText.Number(c.Evaluated)} evaluated: {ReportText.Number(c.Passed)} passed, {ReportText.Number(c.Failed)} failed, {ReportText.Number(c.NotEvaluable)} not evaluable; {ReportText.Number(c.Excluded)} left out by the where condition.</p>");
        Findings(w, "Findings", c.Failures, c.Failed, limit);
        Findings(w, "Not evaluable", c.NotEvaluated, c.NotEvaluable, limit);
        w.WriteLine("</div>");
    }

    private static void Findings(TextWriter w, string title, IReadOnlyList<Finding> findings, long total, int limit)
    {
        if (findings.Count == 0) return;
        var shown = limit > 0 ? findings.Take(limit).ToList() : findings.ToList();
        w.WriteLine($"<p><strong>{E(title)}</strong> ({ReportText.Number(total)}{(shown.Count < total ? $", first {ReportText.Number(shown.Count)} listed" : "")})</p>");
        w.WriteLine("<table><thead><tr><th>Dataset</th><th>USUBJID</th><th>Record</th><th>Message</th><th>Values read</th></tr></thead><tbody>");
        foreach (var f in shown)
            w.WriteLine($"<tr><td>{E(f.Dataset)}</td><td>{E(f.SubjectId)}</td><td>{E(f.RecordKey)}</td><td>{E(f.Message)}</td><td>{E(string.Join("; ", f.Values.Select(v => $"{v.Variable} = {v.Value}")))}</td></tr>");
        w.WriteLine("</tbody></table>");
    }

    private static void Row(TextWriter w, string name, string html) => w.WriteLine($"<tr><td>{E(name)}</td><td>{html}</td></tr>");

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
