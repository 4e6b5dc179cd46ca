using System.Globalization;
using ProtocolEngine.Checks.Results;

namespace ProtocolEngine.Checks.Reports;

/// <summary>A plain-text report for a terminal: one line per check, most severe first, then the findings of each check with issues.</summary>
public static class TextReport
{
    /// <summary>Writes the report; at most <paramref name="findingsPerCheck"/> findings are shown per check (0: all).</summary>
    public static void Write(ValidationReport report, TextWriter w, int findingsPerCheck = 10)
    {
        w.WriteLine($"{report.Protocol} {report.ProtocolVersion} (hash {report.ProtocolHash[..12]}) on {report.DataSource}");
        w.WriteLine($"{ReportText.Number(report.Subjects)} subjects, {ReportText.Number(report.RecordsVisited)} records, {report.Checks.Count} checks in {report.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s ({ReportText.Number((long)report.RecordsPerSecond)} records/s; compiling the rules took {report.CompileElapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s)");
        w.WriteLine();
        w.WriteLine($"{"check",-24} {"severity",-9} {"status",-16} {"evaluated",10} {"failed",8} {"not eval.",9}  title");
        foreach (var c in ReportText.BySeverity(report.Checks))
            w.WriteLine($"{c.Id,-24} {ReportText.Severity(c.Severity),-9} {c.StatusText,-16} {ReportText.Number(c.Evaluated),10} {ReportText.Number(c.Failed),8} {ReportText.Number(c.NotEvaluable),9}  {c.Title}");

        foreach (var c in ReportText.BySeverity(report.Checks))
        {
            if (c.Status == CheckStatus.ExecutionError)
            {
                w.WriteLine();
                w.WriteLine($"{c.Id}: EXECUTION ERROR {c.Error!.Code}: {c.Error.Message}");
                continue;
            }
            if (c.Failed == 0) continue;
            w.WriteLine();
            w.WriteLine($"{c.Id} ({ReportText.Severity(c.Severity)}): {ReportText.Number(c.Failed)} finding{(c.Failed == 1 ? "" : "s")}: {c.Title}");
            var shown = findingsPerCheck > 0 ? c.Failures.Take(findingsPerCheck) : c.Failures;
            foreach (var f in shown)
            {
                var where = string.Join(" ", new[] { f.Dataset, f.SubjectId, f.RecordKey }.Where(p => !string.IsNullOrEmpty(p)));
                w.WriteLine($"  {(where.Length == 0 ? "(study)" : where)}: {f.Message}");
            }
            if (c.Failed > shown.Count()) w.WriteLine($"  ... and {ReportText.Number(c.Failed - shown.Count())} more (use --format json or csv for all)");
        }

        int blocking = report.Checks.Count(c => c.Blocks);
        w.WriteLine();
        w.WriteLine($"{report.Checks.Count(c => c.Status == CheckStatus.Success)} passed, {report.Checks.Count(c => c.Status == CheckStatus.IssueReported)} with issues, " +
                    $"{report.Checks.Count(c => c.Status == CheckStatus.ExecutionError)} execution errors, {report.Checks.Count(c => c.Status == CheckStatus.Skipped)} skipped; " +
                    $"{ReportText.Number(report.Checks.Sum(c => c.Failed))} findings, {ReportText.Number(report.Checks.Sum(c => c.NotEvaluable))} records not evaluable.");
        w.WriteLine(blocking == 0 ? "No finding at error severity or above." : $"{blocking} check{(blocking == 1 ? "" : "s")} at error severity or above did not pass.");
    }

    /// <summary>The report as text.</summary>
    public static string ToText(ValidationReport report, int findingsPerCheck = 10)
    {
        var sw = new StringWriter();
        Write(report, sw, findingsPerCheck);
        return sw.ToString();
    }
}
