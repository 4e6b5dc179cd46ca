using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening;

/// <summary>A criterion whose outcome for one subject differs between two protocol versions.</summary>
/// <param name="CriterionId">The criterion id.</param>
/// <param name="Before">Its outcome under the older version; null when that version lacks it.</param>
/// <param name="After">Its outcome under the newer version; null when that version lacks it.</param>
public sealed record CriterionOutcomeChange(string CriterionId, CriterionOutcome? Before, CriterionOutcome? After);

/// <summary>A subject whose eligibility differs between two protocol versions.</summary>
/// <param name="SubjectId">USUBJID.</param>
/// <param name="Before">Eligibility under the older version.</param>
/// <param name="After">Eligibility under the newer version.</param>
/// <param name="Criteria">The criteria whose outcome differs for this subject (added and removed ones included).</param>
public sealed record SubjectImpact(string SubjectId, EligibilityStatus Before, EligibilityStatus After, IReadOnlyList<CriterionOutcomeChange> Criteria);

/// <summary>What an amendment does to a study: the criterion-by-criterion diff and the subjects whose eligibility changes.</summary>
/// <param name="Diff">The two versions compared criterion by criterion (by the compiler's hashes).</param>
/// <param name="AsOf">The date both screenings took as today.</param>
/// <param name="Screened">Subjects screened under both versions.</param>
/// <param name="Changed">The subjects whose status differs, in subject order.</param>
public sealed record AmendmentImpactResult(ProtocolDiffResult Diff, CqlDateTime AsOf, int Screened, IReadOnlyList<SubjectImpact> Changed);

/// <summary>
/// The impact of an amendment on a study: both versions screen the same data on the same date with the same screener,
/// and every subject whose status differs is listed with the criteria whose outcomes differ. Nothing is inferred from
/// the texts: an outcome changes only where the rules, run, decide differently.
/// </summary>
public static class AmendmentImpact
{
    /// <summary>Screens <paramref name="study"/> with both versions and compares every subject.</summary>
    /// <param name="before">The older version (compiled without errors).</param>
    /// <param name="after">The newer version.</param>
    /// <param name="study">The study's data.</param>
    /// <param name="asOf">The date both screenings take as today.</param>
    /// <param name="cancellationToken">Stops the screenings.</param>
    public static AmendmentImpactResult Assess(CompiledProtocol before, CompiledProtocol after, StudyData study, CqlDateTime asOf, CancellationToken cancellationToken = default)
    {
        var diff = ProtocolDiff.Compare(before, after);
        // Evidence is not needed to compare outcomes; without it both screenings are quicker and lighter.
        var options = new ScreeningOptions { AsOf = asOf, RecordEvidence = false };
        var a = Screener.Screen(before, study, options, cancellationToken);
        var b = Screener.Screen(after, study, options, cancellationToken);
        var changed = new List<SubjectImpact>();
        var afterById = b.Subjects().ToDictionary(s => s.SubjectId, StringComparer.Ordinal);
        foreach (var s in a.Subjects())
        {
            if (!afterById.TryGetValue(s.SubjectId, out var t) || s.Status == t.Status) continue;
            var old = s.Criteria.ToDictionary(c => c.Id, c => c.Outcome, StringComparer.Ordinal);
            var now = t.Criteria.ToDictionary(c => c.Id, c => c.Outcome, StringComparer.Ordinal);
            var criteria = diff.Criteria
                .Select(c => new CriterionOutcomeChange(c.Id, old.TryGetValue(c.Id, out var o) ? o : null, now.TryGetValue(c.Id, out var n) ? n : null))
                .Where(c => c.Before != c.After)
                .ToList();
            changed.Add(new SubjectImpact(s.SubjectId, s.Status, t.Status, criteria));
        }
        changed.Sort((x, y) => string.CompareOrdinal(x.SubjectId, y.SubjectId));
        return new AmendmentImpactResult(diff, asOf, a.SubjectCount, changed);
    }
}
