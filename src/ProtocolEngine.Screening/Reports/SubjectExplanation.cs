using System.Globalization;
using System.Text;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Screening.Reports;

/// <summary>
/// A readable account of one subject's screening: for every criterion the rule text and its hash, the outcome
/// (and the rule's own, when a recorded determination decided), the values the rule read, and for Unknown what is missing.
/// </summary>
public static class SubjectExplanation
{
    /// <summary>A value a rule read as the account shows it (dates in ISO 8601, "missing" for null, long text shortened visibly).</summary>
    public static string DisplayValue(object? value) => ValueText.Display(value);

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
            b.AppendLine($"{c.Id} ({ScreeningJson.Kind(c.Kind)}): {c.Outcome}{(c.RuleOutcome != c.Outcome ? $"   [the rule alone: {c.RuleOutcome}]" : "")}");
            b.AppendLine($"  \"{c.Criterion.Title}\"");
            b.AppendLine($"  rule hash {c.Criterion.Hash}:");
            foreach (var line in c.Criterion.Text.Split('\n')) b.AppendLine("    | " + line.TrimEnd('\r'));
            if (!EligibilityEvaluator.IsPassing(c.Kind, c.Outcome)) b.AppendLine("  " + c.Reason);
            if (c.Recorded is { } r)
                b.AppendLine($"  recorded determination: IE IESEQ {r.Sequence?.ToString(CultureInfo.InvariantCulture) ?? "?"}, IETESTCD {r.CriterionId}, IEORRES {r.Result}, IEDTC {r.Date ?? "missing"} (means {r.Outcome})");
            var values = c.Evidence.Where(e => e.Kind == EvidenceKind.Value).ToList();
            if (values.Count > 0)
            {
                b.AppendLine("  values read:");
                foreach (var e in values)
                    b.AppendLine($"    {e.Domain}.{e.Variable} = {ValueText.Display(e.Value)}{(e.Sequence is double s ? $"   ({e.Domain}SEQ {s.ToString(CultureInfo.InvariantCulture)})" : "")}");
            }
            foreach (var e in c.Evidence.Where(e => e.Kind == EvidenceKind.Searched))
                b.AppendLine($"  searched {e.Domain}: {e.Value} record{(Equals(e.Value, 1) ? "" : "s")} of this subject");
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
