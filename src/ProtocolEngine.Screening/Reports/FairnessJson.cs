using System.Text.Json;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Reports;

/// <summary>Writes a fairness audit as JSON: {variables, flagged, rows, composition}.</summary>
public static class FairnessJson
{
    /// <summary>Writes the audit as an indented JSON document and a line end to a text writer (a host's standard output).</summary>
    public static void Write(FairnessReport report, TextWriter writer) => TextWriterStream.WriteDocument(writer, stream => Write(report, stream));

    /// <summary>Writes the audit as a standalone JSON document.</summary>
    public static void Write(FairnessReport report, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        WriteBody(w, report);
        w.WriteEndObject();
    }

    /// <summary>Writes the audit as the "fairness" property of an enclosing object.</summary>
    public static void Write(Utf8JsonWriter w, FairnessReport report)
    {
        w.WriteStartObject("fairness");
        WriteBody(w, report);
        w.WriteEndObject();
    }

    private static void WriteBody(Utf8JsonWriter w, FairnessReport report)
    {
        ScreeningJson.Serialize(w, "variables", report.Variables);
        w.WriteNumber("flagRatio", FairnessAudit.FlagRatio);
        w.WriteNumber("flagged", report.Flagged.Count());
        ScreeningJson.Serialize(w, "rows", report.Rows.Select(r => new RowJson(r.CriterionId, r.Variable, DisplayText.Shorten(r.Level), r.Subjects, r.Excluded, r.Unknown,
            Math.Round(r.Rate, 6), Math.Round(r.OverallRate, 6), Rounded(r.Ratio), Rounded(r.Low), Rounded(r.High), r.Flagged)));
        ScreeningJson.Serialize(w, "composition", report.Composition.Select(c => new CompositionJson(c.Variable, DisplayText.Shorten(c.Level), c.Screened, Math.Round(c.ScreenedShare, 6),
            c.NotExcluded, Math.Round(c.NotExcludedShare, 6), c.Eligible, Math.Round(c.EligibleShare, 6))));
    }

    private static double? Rounded(double? value) => value is double d && double.IsFinite(d) ? Math.Round(d, 4) : null;

    private sealed record RowJson(string Criterion, string Variable, string Level, int Subjects, int Excluded, int Unknown, double Rate, double OverallRate,
        double? Ratio, double? CiLow, double? CiHigh, bool Flagged);

    private sealed record CompositionJson(string Variable, string Level, int Screened, double ScreenedShare, int NotExcluded, double NotExcludedShare, int Eligible, double EligibleShare);
}
