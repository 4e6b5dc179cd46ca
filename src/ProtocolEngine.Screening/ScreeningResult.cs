using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening;

/// <summary>
/// The outcome of screening a population: per subject and criterion the outcome, the rule's own outcome, why,
/// and the evidence; per subject the status; attrition and counts. Outcomes are held compactly (a byte per
/// subject and criterion) so a million subjects fit; <see cref="Subject(int)"/> gives one subject's full account.
/// </summary>
public sealed class ScreeningResult
{
    private readonly EligibilityResults _results;
    private readonly Lazy<IReadOnlyList<AttritionStep>> _attrition;
    private readonly Lazy<IReadOnlyList<CriterionSummary>> _summaries;
    private readonly Lazy<ScreeningCounts> _counts;

    internal ScreeningResult(CompiledProtocol protocol, EligibilityResults results, CqlDateTime asOf, TimeSpan elapsed)
    {
        Protocol = protocol;
        _results = results;
        AsOf = asOf;
        Elapsed = elapsed;
        _attrition = new(ComputeAttrition);
        _summaries = new(ComputeSummaries);
        _counts = new(ComputeCounts);
    }

    /// <summary>The protocol screened against (name, version, content hash, text).</summary>
    public CompiledProtocol Protocol { get; }

    /// <summary>The population screened.</summary>
    public StudyData Study => _results.Evaluator.Study;

    /// <summary>The criteria evaluated, in protocol order.</summary>
    public IReadOnlyList<BoundCriterion> Criteria => _results.Criteria;

    /// <summary>The date every rule took as today.</summary>
    public CqlDateTime AsOf { get; }

    /// <summary>The phase screened, or null for every criterion.</summary>
    public string? Phase => _results.Evaluator.Phase;

    /// <summary>The study's recorded determinations (IE) that took part, with notes on records not used.</summary>
    public RecordedDeterminations Determinations => _results.Evaluator.Determinations;

    /// <summary>How long evaluation took (excluding loading and compiling).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Whether each criterion's evidence was kept.</summary>
    public bool HasEvidence => _results.HasEvidence;

    /// <summary>How many subjects were screened.</summary>
    public int SubjectCount => _results.SubjectCount;

    /// <summary>Subjects excluded at each criterion, in protocol order.</summary>
    public IReadOnlyList<AttritionStep> Attrition => _attrition.Value;

    /// <summary>Outcome counts per criterion.</summary>
    public IReadOnlyList<CriterionSummary> CriterionSummaries => _summaries.Value;

    /// <summary>Subjects per status.</summary>
    public ScreeningCounts Counts => _counts.Value;

    /// <summary>The USUBJID of the <paramref name="subject"/>-th subject screened.</summary>
    public string SubjectId(int subject) => _results.SubjectId(subject);

    /// <summary>Where the <paramref name="subject"/>-th subject screened is in the study's subject view (for reading its records).</summary>
    public int StudyIndex(int subject) => _results.StudyIndex(subject);

    /// <summary>A subject's status.</summary>
    public EligibilityStatus Status(int subject) => _results.Status(subject);

    /// <summary>A subject's outcome for a criterion (index into <see cref="Criteria"/>).</summary>
    public CriterionOutcome Outcome(int subject, int criterion) => _results.Outcome(subject, criterion);

    /// <summary>What the criterion's rule alone said (before recorded determinations).</summary>
    public CriterionOutcome RuleOutcome(int subject, int criterion) => _results.RuleOutcome(subject, criterion);

    /// <summary>Why the outcome is what it is.</summary>
    public OutcomeCause Cause(int subject, int criterion) => _results.Cause(subject, criterion);

    /// <summary>One subject's full account: every criterion's outcome, cause, evidence, recorded determination and error, and the reasons for the status.</summary>
    public SubjectEligibility Subject(int subject) => _results.Subject(subject);

    /// <summary>Every subject's account, in the study's subject order (materialised one at a time).</summary>
    public IEnumerable<SubjectEligibility> Subjects()
    {
        for (int i = 0; i < SubjectCount; i++) yield return Subject(i);
    }

    private IReadOnlyList<AttritionStep> ComputeAttrition()
    {
        int n = SubjectCount, k = Criteria.Count;
        var excluded = new bool[n];
        int remaining = n;
        var steps = new List<AttritionStep>(k);
        for (int j = 0; j < k; j++)
        {
            var kind = Criteria[j].Kind;
            int here = 0, independent = 0;
            for (int i = 0; i < n; i++)
            {
                if (!EligibilityEvaluator.IsFailing(kind, Outcome(i, j))) continue;
                independent++;
                if (excluded[i]) continue;
                excluded[i] = true;
                here++;
            }
            remaining -= here;
            steps.Add(new AttritionStep(Criteria[j].Id, Criteria[j].Kind, remaining, here, independent));
        }
        return steps;
    }

    private IReadOnlyList<CriterionSummary> ComputeSummaries()
    {
        int n = SubjectCount, k = Criteria.Count;
        var list = new List<CriterionSummary>(k);
        for (int j = 0; j < k; j++)
        {
            int met = 0, notMet = 0, unknown = 0, attested = 0, discrepancies = 0, errors = 0, recorded = 0;
            for (int i = 0; i < n; i++)
            {
                switch (Outcome(i, j))
                {
                    case CriterionOutcome.Met: met++; break;
                    case CriterionOutcome.NotMet: notMet++; break;
                    case CriterionOutcome.Unknown: unknown++; break;
                    case CriterionOutcome.Attested: attested++; break;
                }
                switch (Cause(i, j))
                {
                    case OutcomeCause.Discrepancy: discrepancies++; break;
                    case OutcomeCause.RuntimeError: errors++; break;
                    case OutcomeCause.RecordedDetermination or OutcomeCause.RuleAndRecordAgree: recorded++; break;
                }
            }
            list.Add(new CriterionSummary(Criteria[j], met, notMet, unknown, attested, recorded, discrepancies, errors));
        }
        return list;
    }

    private ScreeningCounts ComputeCounts()
    {
        int n = SubjectCount, k = Criteria.Count;
        int eligible = 0, ineligible = 0, review = 0, attestationOnly = 0, withDiscrepancy = 0, withError = 0;
        for (int i = 0; i < n; i++)
        {
            bool discrepancy = false, error = false;
            for (int j = 0; j < k; j++)
            {
                var cause = Cause(i, j);
                if (cause == OutcomeCause.Discrepancy) discrepancy = true;
                if (cause == OutcomeCause.RuntimeError) error = true;
            }
            if (discrepancy) withDiscrepancy++;
            if (error) withError++;
            switch (Status(i))
            {
                case EligibilityStatus.Eligible: eligible++; break;
                case EligibilityStatus.Ineligible: ineligible++; break;
                default:
                    review++;
                    if (_results.AwaitsAttestationOnly(i)) attestationOnly++;
                    break;
            }
        }
        return new ScreeningCounts(n, eligible, ineligible, review, attestationOnly, withDiscrepancy, withError);
    }
}

/// <summary>The step of the attrition funnel at one criterion (Circe-style: in protocol order).</summary>
/// <param name="CriterionId">The criterion.</param>
/// <param name="Kind">Inclusion or exclusion.</param>
/// <param name="Remaining">Subjects not excluded by this criterion or any before it.</param>
/// <param name="ExcludedHere">Subjects this criterion excludes that no earlier one did.</param>
/// <param name="ExcludedIndependently">Subjects this criterion excludes, whatever the others say.</param>
public sealed record AttritionStep(string CriterionId, CriterionKind Kind, int Remaining, int ExcludedHere, int ExcludedIndependently);

/// <summary>Outcome counts of one criterion over the population.</summary>
/// <param name="Criterion">The criterion.</param>
/// <param name="Met">Subjects for whom it is Met.</param>
/// <param name="NotMet">Subjects for whom it is NotMet.</param>
/// <param name="Unknown">Subjects for whom it is Unknown.</param>
/// <param name="Attested">Subjects awaiting a person's attestation.</param>
/// <param name="Recorded">Outcomes decided or confirmed by a recorded determination (IE).</param>
/// <param name="Discrepancies">Subjects whose IE record contradicts the rule.</param>
/// <param name="Errors">Subjects for whom the rule stopped with an error.</param>
public sealed record CriterionSummary(BoundCriterion Criterion, int Met, int NotMet, int Unknown, int Attested, int Recorded, int Discrepancies, int Errors)
{
    /// <summary>Subjects this criterion alone makes ineligible.</summary>
    public int Failing => Criterion.Kind == CriterionKind.Inclusion ? NotMet : Met;
}

/// <summary>Subjects per status.</summary>
/// <param name="Subjects">Subjects screened.</param>
/// <param name="Eligible">Eligible subjects.</param>
/// <param name="Ineligible">Ineligible subjects.</param>
/// <param name="NeedsReview">Subjects a person must review.</param>
/// <param name="AwaitingAttestationOnly">Of those needing review, the ones whose only open criteria await attestation (eligible on the data).</param>
/// <param name="WithDiscrepancy">Subjects with a rule contradicting a recorded determination.</param>
/// <param name="WithError">Subjects with a criterion stopped by a runtime error.</param>
public sealed record ScreeningCounts(int Subjects, int Eligible, int Ineligible, int NeedsReview, int AwaitingAttestationOnly, int WithDiscrepancy, int WithError);
