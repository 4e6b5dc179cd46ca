using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Reports;

/// <summary>
/// Writes a screening as JSON: {protocol, version, hash, asOf, phase, data, criteria, subjects:[{usubjid, status,
/// reasons, criteria:[{id, kind, outcome, ruleOutcome, cause, hash, recorded, error, missing, evidence}]}],
/// attrition, criteriaCounts, counts, notes}. Written as a stream, so a million subjects never sit in memory as text.
/// </summary>
public static class ScreeningJson
{
    /// <summary>Writes the screening as an indented JSON document and a line end to a text writer (a host's standard output), streamed.</summary>
    public static void Write(ScreeningResult result, TextWriter writer) => TextWriterStream.WriteDocument(writer, stream => Write(result, stream));

    /// <summary>Writes the screening (and the fairness audit, when given) to a stream as UTF-8 JSON.</summary>
    /// <param name="result">The screening.</param>
    /// <param name="stream">Where to write.</param>
    /// <param name="fairness">The fairness audit, when computed.</param>
    /// <param name="indented">Indent for people.</param>
    /// <param name="includeSubjects">False writes the summary only (criteria, attrition, counts): a server keeps each subject apart.</param>
    public static void Write(ScreeningResult result, Stream stream, FairnessReport? fairness = null, bool indented = true, bool includeSubjects = true)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("protocol", result.Protocol.Name);
        w.WriteString("version", result.Protocol.Version);
        w.WriteString("hash", result.Protocol.ContentHash);
        w.WriteString("asOf", result.AsOf.ToIsoString());
        if (result.Phase is null) w.WriteNull("phase");
        else w.WriteString("phase", result.Phase);
        w.WriteStartObject("data");
        w.WriteString("source", result.Study.Source);
        w.WriteNumber("subjects", result.SubjectCount);
        w.WriteBoolean("evidence", result.HasEvidence);
        w.WriteEndObject();

        Serialize(w, "criteria", result.Criteria.Select(c => new CriterionJson(c.Id, Kind(c.Kind), c.Title, c.Phase, c.AttestedBy?.Name, c.Hash, c.Text)));

        if (includeSubjects)
        {
            w.WriteStartArray("subjects");
            foreach (var subject in result.Subjects()) WriteSubject(w, subject);
            w.WriteEndArray();
        }

        Serialize(w, "attrition", result.Attrition.Select(a => new AttritionJson(a.CriterionId, Kind(a.Kind), a.Remaining, a.ExcludedHere, a.ExcludedIndependently)));
        Serialize(w, "criteriaCounts", result.CriterionSummaries.Select(c => new CriterionCountsJson(c.Criterion.Id, c.Met, c.NotMet, c.Unknown, c.Attested, c.Recorded, c.Discrepancies, c.Errors)));
        Serialize(w, "counts", result.Counts);
        if (fairness is not null) FairnessJson.Write(w, fairness);

        WriteStrings(w, "notes", result.Determinations.Notes);
        w.WriteEndObject();
    }

    /// <summary>Writes one subject: {usubjid, status, reasons, criteria:[...]} with each criterion's outcome, cause, hash and evidence.</summary>
    public static void WriteSubject(Utf8JsonWriter w, SubjectEligibility subject)
    {
        w.WriteStartObject();
        w.WriteString("usubjid", subject.SubjectId);
        w.WriteString("status", subject.Status.ToString());
        WriteStrings(w, "reasons", subject.Reasons);
        w.WriteStartArray("criteria");
        foreach (var c in subject.Criteria) WriteCriterion(w, c);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCriterion(Utf8JsonWriter w, CriterionResult c)
    {
        w.WriteStartObject();
        w.WriteString("id", c.Id);
        w.WriteString("kind", Kind(c.Kind));
        w.WriteString("outcome", c.Outcome.ToString());
        if (c.RuleOutcome != c.Outcome) w.WriteString("ruleOutcome", c.RuleOutcome.ToString());
        w.WriteString("cause", Cause(c.Cause));
        w.WriteString("hash", c.Criterion.Hash);
        if (c.Recorded is { } r)
        {
            w.WriteStartObject("recorded");
            w.WriteString("domain", "IE");
            if (r.Sequence is double seq) w.WriteNumber("IESEQ", seq);
            w.WriteString("IETESTCD", r.CriterionId);
            if (r.Category is not null) w.WriteString("IECAT", r.Category);
            w.WriteString("IEORRES", r.Result);
            w.WriteString("IEDTC", r.Date);
            w.WriteString("outcome", r.Outcome.ToString());
            w.WriteEndObject();
        }
        if (c.Error is { } e)
        {
            w.WriteStartObject("error");
            w.WriteString("code", e.Code);
            w.WriteString("message", e.Message);
            w.WriteEndObject();
        }
        if (!EligibilityEvaluator.IsPassing(c.Kind, c.Outcome)) w.WriteString("reason", c.Reason);
        if (c.MissingData is { Count: > 0 } missing) WriteStrings(w, "missing", missing);
        w.WriteStartArray("evidence");
        foreach (var item in c.Evidence) WriteEvidence(w, item);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Writes one evidence item: a value read (domain, USUBJID, sequence, variable, value), a search, or a missing domain.</summary>
    public static void WriteEvidence(Utf8JsonWriter w, EvidenceItem item)
    {
        w.WriteStartObject();
        w.WriteString("domain", item.Domain);
        switch (item.Kind)
        {
            case EvidenceKind.Searched:
                w.WriteNumber("searched", Convert.ToInt32(item.Value, CultureInfo.InvariantCulture));
                break;
            case EvidenceKind.DomainMissing:
                w.WriteBoolean("domainMissing", true);
                break;
            default:
                w.WriteString("usubjid", item.SubjectId);
                if (item.Sequence is double seq) w.WriteNumber("seq", seq);
                else w.WriteNull("seq");
                w.WriteString("variable", item.Variable);
                w.WritePropertyName("value");
                WriteValue(w, item.Value);
                break;
        }
        w.WriteEndObject();
    }

    /// <summary>Writes a rule value as JSON: numbers as numbers, dates as ISO 8601 text, anything else as its CQL text.</summary>
    public static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case bool b: w.WriteBooleanValue(b); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case decimal m: w.WriteNumberValue(m); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case string s: w.WriteStringValue(DisplayText.Shorten(s)); break;
            default: w.WriteStringValue(ValueText.Display(value)); break;
        }
    }

    // Arrays of text on the per-subject path are written directly: serializing a million subjects' lists would allocate for each.
    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    /// <summary>Writes <paramref name="value"/> as the property <paramref name="name"/> of the object being written (camelCase names).</summary>
    internal static void Serialize<T>(Utf8JsonWriter w, string name, T value)
    {
        w.WritePropertyName(name);
        JsonSerializer.Serialize(w, value, Options);
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private sealed record CriterionJson(string Id, string Kind, string Text,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Phase,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AttestedBy, string Hash, string Rule);

    private sealed record AttritionJson(string Id, string Kind, int Remaining, int ExcludedHere, int ExcludedIndependently);

    private sealed record CriterionCountsJson(string Id, int Met, int NotMet, int Unknown, int Attested, int Recorded, int Discrepancies, int Errors);

    /// <summary>"inclusion" or "exclusion".</summary>
    public static string Kind(CriterionKind kind) => kind == CriterionKind.Inclusion ? "inclusion" : "exclusion";

    internal static string Cause(OutcomeCause cause) => cause switch
    {
        OutcomeCause.Rule => "rule",
        OutcomeCause.NullResult => "nullResult",
        OutcomeCause.RuntimeError => "runtimeError",
        OutcomeCause.DomainMissing => "domainMissing",
        OutcomeCause.NoSubjectRecords => "noSubjectRecords",
        OutcomeCause.VariableMissing => "variableMissing",
        OutcomeCause.AwaitingAttestation => "awaitingAttestation",
        OutcomeCause.RecordedDetermination => "recordedDetermination",
        OutcomeCause.RuleAndRecordAgree => "ruleAndRecordAgree",
        _ => "discrepancy",
    };
}
