using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ProtocolEngine.Checks.Results;

namespace ProtocolEngine.Checks.Reports;

/// <summary>
/// Writes a validation report as JSON in the shape of a CDISC CORE report: Conformance_Details,
/// Dataset_Details, Issue_Summary, Issue_Details and Rules_Report, plus Not_Evaluable_Details for the records
/// a check could not evaluate (CORE has no such outcome; here a null expectation is never a pass or a failure).
/// </summary>
public static class CoreJsonReport
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes the report to a stream (UTF-8, indented).</summary>
    public static void Write(ValidationReport report, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var engine = report.Engine.Split(' ', 2);
        var standard = report.Standard?.Split(' ', 2);
        var details = new ConformanceDetails(engine[0], engine.Length > 1 ? engine[1] : "", Timestamp(report.GeneratedAt),
            Seconds(report.Elapsed + report.CompileElapsed), Seconds(report.Elapsed),
            standard is null ? null : standard[0] == "SDTM" ? "SDTMIG" : standard[0], standard is { Length: 2 } ? "V" + standard[1] : null,
            report.Protocol, report.ProtocolVersion, report.ProtocolHash, report.DataSource, report.Subjects, report.RecordsVisited, report.Evaluations,
            Math.Round(report.RecordsPerSecond), report.DetailLimit);
        var datasets = report.Datasets.Select(d => new DatasetJson(d.File is null ? d.Name.ToLowerInvariant() : Path.GetFileName(d.File), d.Label,
            d.File is null ? null : Path.GetDirectoryName(Path.GetFullPath(d.File)), d.Modified is { } m ? Timestamp(m) : null, d.SizeBytes / 1000.0, d.Records));
        var summary = report.Checks.Where(c => c.Status == CheckStatus.IssueReported || c.NotEvaluable > 0)
            .OrderBy(c => c.Dataset ?? "", StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => new IssueSummaryJson(c.Dataset, c.Id, c.Title, ReportText.Severity(c.Severity), c.Failed, c.NotEvaluable));
        var rules = report.Checks.Select(c => new RuleJson(c.Id, "1", c.CdiscRuleId, null, null, c.Title, c.StatusText, ReportText.Severity(c.Severity), c.Dataset, c.Library, c.Hash,
            [.. c.Check.Syntax.Citations.Select(cite => cite.Value)], c.QueryTo, c.Evaluated, c.Passed, c.Failed, c.NotEvaluable, c.Excluded,
            c.Error is { } e ? new ErrorJson(e.Code, e.Message) : null, c.SkipReason, c.AbsentVariables));
        JsonSerializer.Serialize(w, new DocumentJson(details, datasets, summary, report.Checks.SelectMany(c => c.Failures).Select(FindingOf),
            report.Checks.SelectMany(c => c.NotEvaluated).Select(FindingOf), rules), Options);
    }

    /// <summary>The report as a JSON string.</summary>
    public static string ToJson(ValidationReport report)
    {
        using var stream = new MemoryStream();
        Write(report, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static FindingJson FindingOf(Finding f) => new(f.CheckId, f.Message, "fully executable", ReportText.Severity(f.Severity), ReportText.Outcome(f.Outcome),
        f.Dataset, f.SubjectId, f.Record, f.Sequence, f.RecordKey, [.. f.Values.Select(v => v.Variable)], [.. f.Values.Select(v => v.Value)], f.CheckHash);

    private static string Timestamp(DateTimeOffset time) => time.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan time) => $"{time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} seconds";

    // The CORE report's own names: capitalised sections, snake_case fields (the naming policy), a few upper-case SDTM names.
    private sealed record DocumentJson(
        [property: JsonPropertyName("Conformance_Details")] ConformanceDetails ConformanceDetails,
        [property: JsonPropertyName("Dataset_Details")] IEnumerable<DatasetJson> DatasetDetails,
        [property: JsonPropertyName("Issue_Summary")] IEnumerable<IssueSummaryJson> IssueSummary,
        [property: JsonPropertyName("Issue_Details")] IEnumerable<FindingJson> IssueDetails,
        [property: JsonPropertyName("Not_Evaluable_Details")] IEnumerable<FindingJson> NotEvaluableDetails,
        [property: JsonPropertyName("Rules_Report")] IEnumerable<RuleJson> RulesReport);

    private sealed record ConformanceDetails(
        [property: JsonPropertyName("Engine")] string Engine,
        [property: JsonPropertyName("Engine_Version")] string EngineVersion,
        [property: JsonPropertyName("Report_Generation")] string ReportGeneration,
        [property: JsonPropertyName("Total_Runtime")] string TotalRuntime,
        [property: JsonPropertyName("Evaluation_Runtime")] string EvaluationRuntime,
        [property: JsonPropertyName("Standard")] string? Standard,
        [property: JsonPropertyName("Version")] string? Version,
        [property: JsonPropertyName("Protocol")] string? Protocol,
        [property: JsonPropertyName("Protocol_Version")] string? ProtocolVersion,
        [property: JsonPropertyName("Protocol_Hash")] string? ProtocolHash,
        [property: JsonPropertyName("Data_Source")] string? DataSource,
        [property: JsonPropertyName("Subjects")] int Subjects,
        [property: JsonPropertyName("Records_Visited")] long RecordsVisited,
        [property: JsonPropertyName("Check_Evaluations")] long CheckEvaluations,
        [property: JsonPropertyName("Records_Per_Second")] double RecordsPerSecond,
        [property: JsonPropertyName("Detail_Limit")] int DetailLimit);

    private sealed record DatasetJson(string Filename, string? Label, string? Path, string? ModificationDate, double? SizeKb, int Length);

    private sealed record IssueSummaryJson(string? Dataset, string CoreId, string Message, string Severity, long Issues, long NotEvaluable);

    private sealed record ErrorJson(string Code, string Message);

    private sealed record RuleJson(string CoreId, string Version, string? CdiscRuleId, string? FdaRuleId, string? PmdaRuleId, string Message, string Status, string Severity,
        string? Dataset, string? Library, string CheckHash, IReadOnlyList<string> Citations, string? QueryTo, long RecordsEvaluated, long Passed, long Failed, long NotEvaluable,
        long ExcludedByWhere, ErrorJson? Error, string? SkipReason, IReadOnlyList<string> AbsentVariables);

    private sealed record FindingJson(string CoreId, string Message, string Executability, string Severity, string Outcome, string? Dataset,
        [property: JsonPropertyName("USUBJID")] string? Usubjid, int? Row, [property: JsonPropertyName("SEQ")] double? Seq, string? RecordKey,
        IReadOnlyList<string> Variables, IReadOnlyList<string> Values, string CheckHash);
}
