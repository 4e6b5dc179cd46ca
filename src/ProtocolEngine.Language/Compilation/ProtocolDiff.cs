using ProtocolEngine.Language.Binding;

namespace ProtocolEngine.Language.Compilation;

/// <summary>How a criterion changed between two protocol versions.</summary>
public enum CriterionChangeKind
{
    /// <summary>The same text and rule.</summary>
    Unchanged,
    /// <summary>Only in the newer version.</summary>
    Added,
    /// <summary>Only in the older version.</summary>
    Removed,
    /// <summary>In both, with a different title, rule, kind, phase or attestation.</summary>
    Changed,
}

/// <summary>One criterion compared across two versions.</summary>
/// <param name="Id">The criterion id.</param>
/// <param name="Change">What changed.</param>
/// <param name="TitleChanged">The criterion's text (its title) differs.</param>
/// <param name="RuleChanged">The formal rule or something it depends on differs (the compiler's decision hashes differ): outcomes can change.</param>
/// <param name="KindChanged">Inclusion became exclusion or the reverse.</param>
/// <param name="AttestationChanged">Who attests it (or whether a person does) differs.</param>
/// <param name="PhaseChanged">Its phase differs.</param>
/// <param name="Before">The older criterion.</param>
/// <param name="After">The newer criterion.</param>
public sealed record CriterionChange(string Id, CriterionChangeKind Change, bool TitleChanged, bool RuleChanged, bool KindChanged, bool AttestationChanged,
    bool PhaseChanged, BoundCriterion? Before, BoundCriterion? After)
{
    /// <summary>True when the change can alter a subject's outcome (added, removed, or its rule, kind or attestation changed); a reworded title cannot.</summary>
    public bool CanAlterOutcome => Change is CriterionChangeKind.Added or CriterionChangeKind.Removed || RuleChanged || KindChanged || AttestationChanged;
}

/// <summary>Two protocol versions compared criterion by criterion (an amendment's effect on eligibility).</summary>
/// <param name="Before">The older version.</param>
/// <param name="After">The newer version.</param>
/// <param name="Criteria">Every criterion of either version: the newer version's order, then those removed.</param>
public sealed record ProtocolDiffResult(CompiledProtocol Before, CompiledProtocol After, IReadOnlyList<CriterionChange> Criteria)
{
    /// <summary>The criteria that differ.</summary>
    public IEnumerable<CriterionChange> Changed => Criteria.Where(c => c.Change != CriterionChangeKind.Unchanged);
}

/// <summary>
/// Compares two compiled protocols criterion by criterion, by criterion id. A criterion is unchanged when its rule hash
/// (its identity: text and everything it reads) is the same; its rule changed when its decision hash
/// (<see cref="RuleHasher.DecisionHash"/>: the rule and everything it reads, without the wording) is not.
/// </summary>
public static class ProtocolDiff
{
    /// <summary>Compares <paramref name="before"/> with <paramref name="after"/>.</summary>
    public static ProtocolDiffResult Compare(CompiledProtocol before, CompiledProtocol after)
    {
        var old = before.Criteria.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var list = new List<CriterionChange>();
        foreach (var a in after.Criteria)
        {
            if (!old.Remove(a.Id, out var b))
            {
                list.Add(new CriterionChange(a.Id, CriterionChangeKind.Added, false, false, false, false, false, null, a));
                continue;
            }
            // A changed code list changes the decision hash of a rule whose text did not change; a reworded title does not.
            bool same = b.Hash == a.Hash;
            bool title = b.Title != a.Title;
            bool rule = !same && b.DecisionHash != a.DecisionHash && b.AttestedBy is null && a.AttestedBy is null;
            bool kind = b.Kind != a.Kind;
            bool attested = b.AttestedBy?.Name != a.AttestedBy?.Name;
            bool phase = b.Phase != a.Phase;
            var change = same ? CriterionChangeKind.Unchanged : CriterionChangeKind.Changed;
            list.Add(new CriterionChange(a.Id, change, title, rule, kind, attested, phase, b, a));
        }
        foreach (var b in before.Criteria.Where(c => old.ContainsKey(c.Id)))
            list.Add(new CriterionChange(b.Id, CriterionChangeKind.Removed, false, false, false, false, false, b, null));
        return new ProtocolDiffResult(before, after, list);
    }

    /// <summary>The formal rule as written, with runs of white space made one space (layout is not a change).</summary>
    public static string RuleText(BoundCriterion criterion) =>
        criterion.Syntax.Rule is { } rule ? string.Join(' ', criterion.Source.Slice(rule.Span).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) : "";
}
