using System.Globalization;
using System.Text.Json;
using ProtocolEngine.Checks.Results;

namespace ProtocolEngine.Checks.Reports;

/// <summary>
/// Writes a validation report as JSON in the shape of a CDISC CORE report: Conformance_Details,
/// Dataset_Details, Issue_Summary, Issue_Details and Rules_Report, plus Not_Evaluable_Details for the records
/// a check could not evaluate (CORE has no such outcome; here a null expectation is never a pass or a failure).
/// </summary>
public static class CoreJsonReport
{
    /// <summary>Writes the report to a stream (UTF-8, indented).</summary>
    public static void Write(ValidationReport report, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();

        w.WriteStartObject("Conformance_Details");
        var engine = report.Engine.Split(' ', 2);
        w.WriteString("Engine", engine[0]);
        w.WriteString("Engine_Version", engine.Length > 1 ? engine[1] : "");
        w.WriteString("Report_Generation", report.GeneratedAt.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture));
        w.WriteString("Total_Runtime", $"{(report.Elapsed + report.CompileElapsed).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} seconds");
        w.WriteString("Evaluation_Runtime", $"{report.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} seconds");
        var standard = report.Standard?.Split(' ', 2);
        w.WriteString("Standard", standard is null ? null : standard[0] == "SDTM" ? "SDTMIG" : standard[0]);
        w.WriteString("Version", standard is { Length: 2 } ? "V" + standard[1] : null);
        w.WriteString("Protocol", report.Protocol);
        w.WriteString("Protocol_Version", report.ProtocolVersion);
        w.WriteString("Protocol_Hash", report.ProtocolHash);
        w.WriteString("Data_Source", report.DataSource);
        w.WriteNumber("Subjects", report.Subjects);
        w.WriteNumber("Records_Visited", report.RecordsVisited);
        w.WriteNumber("Check_Evaluations", report.Evaluations);
        w.WriteNumber("Records_Per_Second", Math.Round(report.RecordsPerSecond));
        w.WriteNumber("Detail_Limit", report.DetailLimit);
        w.WriteEndObject();

        w.WriteStartArray("Dataset_Details");
        foreach (var d in report.Datasets)
        {
            w.WriteStartObject();
            w.WriteString("filename", d.File is null ? d.Name.ToLowerInvariant() : Path.GetFileName(d.File));
            w.WriteString("label", d.Label);
            w.WriteString("path", d.File is null ? null : Path.GetDirectoryName(Path.GetFullPath(d.File)));
            w.WriteString("modification_date", d.Modified?.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture));
            if (d.SizeBytes is long size) w.WriteNumber("size_kb", size / 1000.0);
            else w.WriteNull("size_kb");
            w.WriteNumber("length", d.Records);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("Issue_Summary");
        foreach (var c in report.Checks.Where(c => c.Status == CheckStatus.IssueReported || c.NotEvaluable > 0)
                     .OrderBy(c => c.Dataset ?? "", StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("dataset", c.Dataset);
            w.WriteString("core_id", c.Id);
            w.WriteString("message", c.Title);
            w.WriteString("severity", ReportText.Severity(c.Severity));
            w.WriteNumber("issues", c.Failed);
            w.WriteNumber("not_evaluable", c.NotEvaluable);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("Issue_Details");
        foreach (var f in report.Checks.SelectMany(c => c.Failures)) WriteFinding(w, f);
        w.WriteEndArray();

        w.WriteStartArray("Not_Evaluable_Details");
        foreach (var f in report.Checks.SelectMany(c => c.NotEvaluated)) WriteFinding(w, f);
        w.WriteEndArray();

        w.WriteStartArray("Rules_Report");
        foreach (var c in report.Checks)
        {
            w.WriteStartObject();
            w.WriteString("core_id", c.Id);
            w.WriteString("version", "1");
            w.WriteString("cdisc_rule_id", c.CdiscRuleId);
            w.WriteNull("fda_rule_id");
            w.WriteNull("pmda_rule_id");
            w.WriteString("message", c.Title);
            w.WriteString("status", c.StatusText);
            w.WriteString("severity", ReportText.Severity(c.Severity));
            w.WriteString("dataset", c.Dataset);
            w.WriteString("library", c.Library);
            w.WriteString("check_hash", c.Hash);
            w.WriteStartArray("citations");
            foreach (var cite in c.Check.Syntax.Citations) w.WriteStringValue(cite.Value);
            w.WriteEndArray();
            w.WriteString("query_to", c.QueryTo);
            w.WriteNumber("records_evaluated", c.Evaluated);
            w.WriteNumber("passed", c.Passed);
            w.WriteNumber("failed", c.Failed);
            w.WriteNumber("not_evaluable", c.NotEvaluable);
            w.WriteNumber("excluded_by_where", c.Excluded);
            if (c.Error is { } e)
            {
                w.WriteStartObject("error");
                w.WriteString("code", e.Code);
                w.WriteString("message", e.Message);
                w.WriteEndObject();
            }
            else w.WriteNull("error");
            w.WriteString("skip_reason", c.SkipReason);
            w.WriteStartArray("absent_variables");
            foreach (var v in c.AbsentVariables) w.WriteStringValue(v);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteEndObject();
    }

    /// <summary>The report as a JSON string.</summary>
    public static string ToJson(ValidationReport report)
    {
        using var stream = new MemoryStream();
        Write(report, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("core_id", f.CheckId);
        w.WriteString("message", f.Message);
        w.WriteString("executability", "fully executable");
        w.WriteString("severity", ReportText.Severity(f.Severity));
        w.WriteString("outcome", ReportText.Outcome(f.Outcome));
        w.WriteString("dataset", f.Dataset);
        w.WriteString("USUBJID", f.SubjectId);
        if (f.Record is int row) w.WriteNumber("row", row);
        else w.WriteNull("row");
        if (f.Sequence is double seq) w.WriteNumber("SEQ", seq);
        else w.WriteNull("SEQ");
        w.WriteString("record_key", f.RecordKey);
        w.WriteStartArray("variables");
        foreach (var v in f.Values) w.WriteStringValue(v.Variable);
        w.WriteEndArray();
        w.WriteStartArray("values");
        foreach (var v in f.Values) w.WriteStringValue(v.Value);
        w.WriteEndArray();
        w.WriteString("check_hash", f.CheckHash);
        w.WriteEndObject();
    }
}
