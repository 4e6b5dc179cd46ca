using System.Globalization;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Runtime.Eligibility;

/// <summary>One criterion of one subject: its outcome, what the rule alone said, why, and what it read.</summary>
/// <param name="Criterion">The criterion (id, kind, text, rule text, content hash).</param>
/// <param name="Outcome">The outcome that counts for eligibility.</param>
/// <param name="RuleOutcome">What the rule alone said (Attested for attested criteria).</param>
/// <param name="Cause">Why the outcome is what it is.</param>
/// <param name="Evidence">The records and values the rule read (empty when evidence was not kept).</param>
/// <param name="Recorded">The subject's IE record for this criterion, when there is one.</param>
/// <param name="Error">The runtime error that stopped the rule, when it failed.</param>
/// <param name="DataGaps">Domains and variables the rule read that the study lacks, and domains in which the subject has no records.</param>
public sealed record CriterionResult(
    BoundCriterion Criterion,
    CriterionOutcome Outcome,
    CriterionOutcome RuleOutcome,
    OutcomeCause Cause,
    IReadOnlyList<EvidenceItem> Evidence,
    RecordedDetermination? Recorded,
    Diagnostic? Error,
    IReadOnlyList<DataGap> DataGaps)
{
    /// <summary>The criterion's id.</summary>
    public string Id => Criterion.Id;

    /// <summary>Inclusion or exclusion.</summary>
    public CriterionKind Kind => Criterion.Kind;

    /// <summary>What is missing for the rule to decide: absent domains, subjects without records, values read as null, searches that matched nothing.</summary>
    public IReadOnlyList<string> MissingData
    {
        get
        {
            var missing = new List<string>();
            foreach (var gap in DataGaps) missing.Add(gap.ToString());
            foreach (var item in Evidence)
            {
                switch (item.Kind)
                {
                    case EvidenceKind.DomainMissing:
                        missing.Add($"the study has no {item.Domain} domain");
                        break;
                    // A variable the study's data lack is one gap, already named: listing it again as a missing value of
                    // each record would say both that the variable does not exist and that a record's value of it is missing.
                    case EvidenceKind.Value when item.Value is null && !LacksVariable(item.Domain, item.Variable):
                        missing.Add($"{item.Domain}.{item.Variable} is missing{(item.Sequence is double s ? $" ({item.Domain}SEQ {Format(s)})" : "")}");
                        break;
                    case EvidenceKind.Searched when item.Value is > 0 && Cause == OutcomeCause.NullResult && !Evidence.Any(e => e.Kind == EvidenceKind.Value && e.Domain == item.Domain):
                        missing.Add($"none of the subject's {item.Value} {item.Domain} records matched the rule's conditions");
                        break;
                }
            }
            return missing.Distinct().ToList();
        }
    }

    private bool LacksVariable(string domain, string? variable) =>
        DataGaps.Any(g => g.Kind == DataGapKind.VariableMissing && g.Name == $"{domain}.{variable}");

    /// <summary>One sentence saying why this criterion is not passing (or how it passed).</summary>
    public string Reason
    {
        get
        {
            string id = Criterion.Id;
            string outcome = Words(Outcome);
            string record = Recorded is { } r ? $"IE record IESEQ {Format(r.Sequence)}{(r.Date is { Length: > 0 } d ? $" of {d}" : "")} (IEORRES {r.Result})" : "";
            return Cause switch
            {
                OutcomeCause.AwaitingAttestation => $"{id} awaits attestation by {Criterion.AttestedBy?.Name ?? "a person"}",
                OutcomeCause.RecordedDetermination => $"{id} {outcome} by the recorded determination {record}; the rule alone: {Words(RuleOutcome)}{Because()}",
                OutcomeCause.RuleAndRecordAgree => $"{id} {outcome}, by the rule and the recorded determination {record}",
                OutcomeCause.Discrepancy => $"{id} discrepancy: the rule says {Words(RuleOutcome)} but {record} records {Words(Recorded!.Outcome)}; a person must resolve it",
                OutcomeCause.Rule => $"{id} {outcome}",
                _ => $"{id} unknown{Because()}",
            };
        }
    }

    private string Because()
    {
        if (Error is { } e) return $": the rule stopped ({e.Code}: {e.Message})";
        var missing = MissingData;
        if (missing.Count > 0) return ": " + string.Join("; ", missing.Take(3)) + (missing.Count > 3 ? $"; and {missing.Count - 3} more" : "");
        return Cause == OutcomeCause.NullResult ? ": a value the rule needs is missing or uncertain" : "";
    }

    private static string Words(CriterionOutcome outcome) => outcome switch
    {
        CriterionOutcome.Met => "met",
        CriterionOutcome.NotMet => "not met",
        CriterionOutcome.Unknown => "unknown",
        CriterionOutcome.Attested => "to be attested",
        _ => "not evaluated",
    };

    private static string Format(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
