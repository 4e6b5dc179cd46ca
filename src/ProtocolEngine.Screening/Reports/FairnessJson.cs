using System.Text.Json;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Reports;

/// <summary>Writes a fairness audit as JSON: {variables, flagged, rows, composition}.</summary>
public static class FairnessJson
{
    /// <summary>Writes the audit as an indented JSON document and a line end to a text writer (a host's standard output).</summary>
    public static void Write(FairnessReport report, TextWriter writer)
    {
        using (var stream = new TextWriterStream(writer)) Write(report, stream);
        writer.WriteLine();
    }

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
        w.WriteStartArray("variables");
        foreach (var v in report.Variables) w.WriteStringValue(v);
        w.WriteEndArray();
        w.WriteNumber("flagRatio", FairnessAudit.FlagRatio);
        w.WriteNumber("flagged", report.Flagged.Count());
        w.WriteStartArray("rows");
        foreach (var r in report.Rows)
        {
            w.WriteStartObject();
            w.WriteString("criterion", r.CriterionId);
            w.WriteString("variable", r.Variable);
            w.WriteString("level", DisplayText.Shorten(r.Level));
            w.WriteNumber("subjects", r.Subjects);
            w.WriteNumber("excluded", r.Excluded);
            w.WriteNumber("unknown", r.Unknown);
            w.WriteNumber("rate", Math.Round(r.Rate, 6));
            w.WriteNumber("overallRate", Math.Round(r.OverallRate, 6));
            Nullable(w, "ratio", r.Ratio);
            Nullable(w, "ciLow", r.Low);
            Nullable(w, "ciHigh", r.High);
            w.WriteBoolean("flagged", r.Flagged);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("composition");
        foreach (var c in report.Composition)
        {
            w.WriteStartObject();
            w.WriteString("variable", c.Variable);
            w.WriteString("level", DisplayText.Shorten(c.Level));
            w.WriteNumber("screened", c.Screened);
            w.WriteNumber("screenedShare", Math.Round(c.ScreenedShare, 6));
            w.WriteNumber("notExcluded", c.NotExcluded);
            w.WriteNumber("notExcludedShare", Math.Round(c.NotExcludedShare, 6));
            w.WriteNumber("eligible", c.Eligible);
            w.WriteNumber("eligibleShare", Math.Round(c.EligibleShare, 6));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Nullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is double d && double.IsFinite(d)) w.WriteNumber(name, Math.Round(d, 4));
        else w.WriteNull(name);
    }
}
