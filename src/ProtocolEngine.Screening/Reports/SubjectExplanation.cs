using System.Globalization;
using System.Text;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Screening.Reports;

/// <summary>
/// A readable account of one subject's screening: for every criterion the rule text and its hash, the outcome
/// (and the rule's own, when a recorded determination decided), the values the rule read, and for Unknown what is missing.
/// </summary>
public static class SubjectExplanation
{
    /// <summary>
    /// Writes a criterion's heading as every account shows it, natively or from a database: id, kind and outcome (with the
    /// rule's own when a recorded determination changed it), title, rule hash and rule text.
    /// </summary>
    public static void AppendHeading(StringBuilder text, BoundCriterion criterion, CriterionOutcome outcome, CriterionOutcome ruleOutcome)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(criterion);
        text.AppendLine($"{criterion.Id} ({ScreeningJson.Kind(criterion.Kind)}): {outcome}{(ruleOutcome != outcome ? $"   [the rule alone: {ruleOutcome}]" : "")}");
        text.AppendLine($"  \"{criterion.Title}\"");
        text.AppendLine($"  rule hash {criterion.Hash}:");
        foreach (var line in criterion.Text.Split('\n')) text.AppendLine("    | " + line.TrimEnd('\r'));
    }

    /// <summary>Writes the values a rule read, one line each (dates in ISO 8601, "missing" for null, the record's --SEQ when known).</summary>
    public static void AppendValuesRead(StringBuilder text, IEnumerable<EvidenceItem> evidence)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(evidence);
        var values = evidence.Where(e => e.Kind == EvidenceKind.Value).ToList();
        if (values.Count == 0) return;
        text.AppendLine("  values read:");
        foreach (var e in values)
            text.AppendLine($"    {e.Domain}.{e.Variable} = {ValueText.Display(e.Value)}{(e.Sequence is double s ? $"   ({e.Domain}SEQ {s.ToString(CultureInfo.InvariantCulture)})" : "")}");
    }

    /// <summary>Writes the searches a rule made: how many of the subject's records of each domain it searched.</summary>
    public static void AppendSearches(StringBuilder text, IEnumerable<EvidenceItem> evidence)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(evidence);
        foreach (var e in evidence.Where(e => e.Kind == EvidenceKind.Searched))
            text.AppendLine($"  searched {e.Domain}: {e.Value} record{(Equals(e.Value, 1) ? "" : "s")} of this subject");
    }

    /// <summary>Writes the account as plain text.</summary>
    public static string Text(ScreeningResult result, SubjectEligibility subject)
    {
        var b = new StringBuilder();
        b.AppendLine($"Subject {subject.SubjectId}: {subject.Status}");
        b.AppendLine($"Protocol {result.Protocol.Name} version {result.Protocol.Version ?? "-"} (hash {result.Protocol.ContentHash}), as of {result.AsOf.ToIsoString()}{(result.Phase is { } p ? $", phase {p}" : "")}");
        if (subject.Reasons.Count > 0)
        {
            b.AppendLine("Why:");
            foreach (var reason in subject.Reasons) b.AppendLine("  - " + reason);
        }
        foreach (var c in subject.Criteria)
        {
            b.AppendLine();
            AppendHeading(b, c.Criterion, c.Outcome, c.RuleOutcome);
            if (!EligibilityEvaluator.IsPassing(c.Kind, c.Outcome)) b.AppendLine("  " + c.Reason);
            if (c.Recorded is { } r)
                b.AppendLine($"  recorded determination: IE IESEQ {r.Sequence?.ToString(CultureInfo.InvariantCulture) ?? "?"}, IETESTCD {r.CriterionId}, IEORRES {r.Result}, IEDTC {r.Date ?? "missing"} (means {r.Outcome})");
            AppendValuesRead(b, c.Evidence);
            AppendSearches(b, c.Evidence);
            var missing = c.MissingData;
            if (missing.Count > 0 && c.Outcome is CriterionOutcome.Unknown or CriterionOutcome.Attested || c.RuleOutcome == CriterionOutcome.Unknown && missing.Count > 0)
            {
                b.AppendLine("  missing:");
                foreach (var m in missing) b.AppendLine("    " + m);
            }
            if (c.Error is { } error) b.AppendLine($"  error {error.Code}: {error.Message}");
        }
        return b.ToString();
    }
}
