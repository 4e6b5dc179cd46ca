using System.Text;
using ProtocolEngine.Checks.Results;

namespace ProtocolEngine.Checks.Reports;

/// <summary>Writes one CSV row per finding (failures, then records that cannot be evaluated), RFC 4180 quoting.</summary>
public static class CsvReport
{
    private static readonly string[] Header =
        ["core_id", "severity", "outcome", "dataset", "USUBJID", "row", "SEQ", "record_key", "message", "variables", "values", "check_hash"];

    /// <summary>Writes the rows.</summary>
    public static void Write(ValidationReport report, TextWriter writer)
    {
        writer.Write(string.Join(",", Header));
        writer.Write("\r\n");
        foreach (var f in report.Checks.SelectMany(c => c.Failures).Concat(report.Checks.SelectMany(c => c.NotEvaluated)))
        {
            string[] cells =
            [
                f.CheckId, ReportText.Severity(f.Severity), ReportText.Outcome(f.Outcome), f.Dataset ?? "", f.SubjectId ?? "",
                f.Record?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", ReportText.Sequence(f.Sequence), f.RecordKey, f.Message,
                string.Join("; ", f.Values.Select(v => v.Variable)), string.Join("; ", f.Values.Select(v => v.Value)), f.CheckHash,
            ];
            writer.Write(string.Join(",", cells.Select(Quote)));
            writer.Write("\r\n");
        }
    }

    /// <summary>The report as CSV text.</summary>
    public static string ToCsv(ValidationReport report)
    {
        var sw = new StringWriter();
        Write(report, sw);
        return sw.ToString();
    }

    private static string Quote(string cell)
    {
        if (cell.IndexOfAny([',', '"', '\r', '\n']) < 0) return cell;
        var sb = new StringBuilder(cell.Length + 2).Append('"');
        foreach (var ch in cell) sb.Append(ch == '"' ? "\"\"" : ch.ToString());
        return sb.Append('"').ToString();
    }
}
