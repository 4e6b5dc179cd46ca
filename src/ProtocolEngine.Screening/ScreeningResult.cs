using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Data;
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
    private readonly int[] _subjects;
    private readonly byte[] _outcomes;
    private readonly byte[] _ruleOutcomes;
    private readonly byte[] _causes;
    private readonly byte[] _statuses;
    private readonly EvidenceItem[]?[]? _evidence;
    private readonly IReadOnlyDictionary<int, Diagnostic> _errors;
    private readonly DataGapStore _gaps;
    private readonly Lazy<IReadOnlyList<AttritionStep>> _attrition;
    private readonly Lazy<IReadOnlyList<CriterionSummary>> _summaries;
    private readonly Lazy<ScreeningCounts> _counts;

    internal ScreeningResult(CompiledProtocol protocol, StudyData study, int[] subjects, IReadOnlyList<BoundCriterion> criteria, CqlDateTime asOf, string? phase,
        byte[] outcomes, byte[] ruleOutcomes, byte[] causes, byte[] statuses, EvidenceItem[]?[]? evidence,
        IReadOnlyDictionary<int, Diagnostic> errors, DataGapStore gaps, RecordedDeterminations determinations,
        TimeSpan elapsed)
    {
        Protocol = protocol;
        Study = study;
        _subjects = subjects;
        Criteria = criteria;
        AsOf = asOf;
        Phase = phase;
        _outcomes = outcomes;
        _ruleOutcomes = ruleOutcomes;
        _causes = causes;
        _statuses = statuses;
        _evidence = evidence;
        _errors = errors;
        _gaps = gaps;
        Determinations = determinations;
        Elapsed = elapsed;
        _attrition = new(ComputeAttrition);
        _summaries = new(ComputeSummaries);
        _counts = new(ComputeCounts);
    }

    /// <summary>The protocol screened against (name, version, content hash, text).</summary>
    public CompiledProtocol Protocol { get; }

    /// <summary>The population screened.</summary>
    public StudyData Study { get; }

    /// <summary>The criteria evaluated, in protocol order.</summary>
    public IReadOnlyList<BoundCriterion> Criteria { get; }

    /// <summary>The date every rule took as today.</summary>
    public CqlDateTime AsOf { get; }

    /// <summary>The phase screened, or null for every criterion.</summary>
    public string? Phase { get; }

    /// <summary>The study's recorded determinations (IE) that took part, with notes on records not used.</summary>
    public RecordedDeterminations Determinations { get; }

    /// <summary>How long evaluation took (excluding loading and compiling).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Whether each criterion's evidence was kept.</summary>
    public bool HasEvidence => _evidence is not null;

    /// <summary>How many subjects were screened.</summary>
    public int SubjectCount => _statuses.Length;

    /// <summary>Subjects excluded at each criterion, in protocol order.</summary>
    public IReadOnlyList<AttritionStep> Attrition => _attrition.Value;

    /// <summary>Outcome counts per criterion.</summary>
    public IReadOnlyList<CriterionSummary> CriterionSummaries => _summaries.Value;

    /// <summary>Subjects per status.</summary>
    public ScreeningCounts Counts => _counts.Value;

    /// <summary>The USUBJID of the <paramref name="subject"/>-th subject screened.</summary>
    public string SubjectId(int subject) => Study.SubjectIds[_subjects[subject]];

    /// <summary>Where the <paramref name="subject"/>-th subject screened is in the study's subject view (for reading its records).</summary>
    public int StudyIndex(int subject) => _subjects[subject];

    /// <summary>A subject's status.</summary>
    public EligibilityStatus Status(int subject) => (EligibilityStatus)_statuses[subject];

    /// <summary>A subject's outcome for a criterion (index into <see cref="Criteria"/>).</summary>
    public CriterionOutcome Outcome(int subject, int criterion) => (CriterionOutcome)_outcomes[subject * Criteria.Count + criterion];

    /// <summary>What the criterion's rule alone said (before recorded determinations).</summary>
    public CriterionOutcome RuleOutcome(int subject, int criterion) => (CriterionOutcome)_ruleOutcomes[subject * Criteria.Count + criterion];

    /// <summary>Why the outcome is what it is.</summary>
    public OutcomeCause Cause(int subject, int criterion) => (OutcomeCause)_causes[subject * Criteria.Count + criterion];

    /// <summary>True when an outcome of a criterion of this kind makes a subject ineligible (an inclusion NotMet, an exclusion Met).</summary>
    public static bool IsFailing(CriterionKind kind, CriterionOutcome outcome) =>
        kind == CriterionKind.Inclusion ? outcome == CriterionOutcome.NotMet : outcome == CriterionOutcome.Met;

    /// <summary>True when an outcome of a criterion of this kind is what eligibility needs (an inclusion Met, an exclusion NotMet).</summary>
    public static bool IsPassing(CriterionKind kind, CriterionOutcome outcome) =>
        kind == CriterionKind.Inclusion ? outcome == CriterionOutcome.Met : outcome == CriterionOutcome.NotMet;

    /// <summary>One subject's full account: every criterion's outcome, cause, evidence, recorded determination and error, and the reasons for the status.</summary>
    public SubjectScreening Subject(int subject)
    {
        var id = SubjectId(subject);
        var results = new CriterionResult[Criteria.Count];
        var reasons = new List<string>();
        for (int j = 0; j < Criteria.Count; j++)
        {
            int cell = subject * Criteria.Count + j;
            var criterion = Criteria[j];
            IReadOnlyList<DataGap> gaps = _gaps.Get(cell) ?? [];
            var result = new CriterionResult(
                criterion,
                (CriterionOutcome)_outcomes[cell],
                (CriterionOutcome)_ruleOutcomes[cell],
                (OutcomeCause)_causes[cell],
                _evidence?[cell] ?? [],
                Determinations.Find(id, criterion.Id),
                _errors.TryGetValue(cell, out var error) ? error : null,
                gaps);
            results[j] = result;
        }
        // What decides the status comes first: exclusions, then contradictions, then open data questions, then attestations.
        foreach (var r in results.Where(r => IsFailing(r.Kind, r.Outcome))) reasons.Add(r.Reason);
        foreach (var r in results.Where(r => r.Cause == OutcomeCause.Discrepancy)) reasons.Add(r.Reason);
        foreach (var r in results.Where(r => r.Outcome == CriterionOutcome.Unknown && r.Cause != OutcomeCause.Discrepancy)) reasons.Add(r.Reason);
        foreach (var r in results.Where(r => r.Outcome == CriterionOutcome.Attested)) reasons.Add(r.Reason);
        return new SubjectScreening(id, Status(subject), results, reasons);
    }

    /// <summary>Every subject's account, in the study's subject order (materialised one at a time).</summary>
    public IEnumerable<SubjectScreening> Subjects()
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
                if (!IsFailing(kind, (CriterionOutcome)_outcomes[i * k + j])) continue;
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
                switch ((CriterionOutcome)_outcomes[i * k + j])
                {
                    case CriterionOutcome.Met: met++; break;
                    case CriterionOutcome.NotMet: notMet++; break;
                    case CriterionOutcome.Unknown: unknown++; break;
                    case CriterionOutcome.Attested: attested++; break;
                }
                switch ((OutcomeCause)_causes[i * k + j])
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
            bool onlyAttestations = true, discrepancy = false, error = false;
            for (int j = 0; j < k; j++)
            {
                var cause = (OutcomeCause)_causes[i * k + j];
                if (cause == OutcomeCause.Discrepancy) discrepancy = true;
                if (cause == OutcomeCause.RuntimeError) error = true;
                var outcome = (CriterionOutcome)_outcomes[i * k + j];
                if (!IsPassing(Criteria[j].Kind, outcome) && outcome != CriterionOutcome.Attested) onlyAttestations = false;
            }
            if (discrepancy) withDiscrepancy++;
            if (error) withError++;
            switch ((EligibilityStatus)_statuses[i])
            {
                case EligibilityStatus.Eligible: eligible++; break;
                case EligibilityStatus.Ineligible: ineligible++; break;
                default:
                    review++;
                    if (onlyAttestations) attestationOnly++;
                    break;
            }
        }
        return new ScreeningCounts(n, eligible, ineligible, review, attestationOnly, withDiscrepancy, withError);
    }
}

/// <summary>One subject's screening.</summary>
/// <param name="SubjectId">USUBJID.</param>
/// <param name="Status">Eligible, Ineligible or NeedsReview.</param>
/// <param name="Criteria">Every criterion screened, in protocol order.</param>
/// <param name="Reasons">Why the status is not Eligible: one sentence per criterion that is not passing.</param>
public sealed record SubjectScreening(string SubjectId, EligibilityStatus Status, IReadOnlyList<CriterionResult> Criteria, IReadOnlyList<string> Reasons);

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
