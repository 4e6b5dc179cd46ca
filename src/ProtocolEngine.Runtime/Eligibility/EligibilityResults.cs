using System.Collections.Concurrent;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Runtime.Eligibility;

/// <summary>
/// The outcomes of a set of subjects, held compactly so a million subjects fit: per subject and criterion a byte each
/// for the outcome, the rule's own outcome and the cause, the number of a shared data-gap list, and the evidence when
/// kept; per subject the status. Workers write different cells concurrently; <see cref="Subject(int)"/> gives one
/// subject's full account.
/// </summary>
/// <remarks>
/// Cells are held criterion by criterion (a criterion's cells for consecutive subjects are consecutive), so that a
/// worker answering one criterion for a batch of subjects writes one run of bytes. Without recorded determinations the
/// outcome is always the rule's, and one array holds both.
/// </remarks>
public sealed class EligibilityResults
{
    private readonly int[] _subjects;
    private readonly byte[] _outcomes;
    private readonly byte[] _ruleOutcomes;
    private readonly byte[] _causes;
    private readonly byte[] _statuses;
    private readonly EvidenceItem[]?[]? _evidence;
    private readonly EvidenceStore? _evidenceStore;
    private readonly ConcurrentDictionary<int, Diagnostic> _errors = new();
    private readonly int _criteria;
    private readonly int _rows;

    internal EligibilityResults(EligibilityEvaluator evaluator, int[] subjects, bool recordEvidence)
    {
        Evaluator = evaluator;
        _subjects = subjects;
        _criteria = evaluator.Criteria.Length;
        _rows = subjects.Length;
        int cells = checked(subjects.Length * _criteria);
        _ruleOutcomes = new byte[cells];
        _outcomes = evaluator.Determinations.Count > 0 ? new byte[cells] : _ruleOutcomes;
        _causes = new byte[cells];
        _statuses = new byte[subjects.Length];
        // Evidence as compact entries materialised on demand; as objects built at each read only for the comparison path.
        if (recordEvidence && evaluator.Study.UsesCompactEvidence) _evidenceStore = new EvidenceStore(cells, new EvidenceSites());
        else if (recordEvidence) _evidence = new EvidenceItem[]?[cells];
        DataGaps = new DataGapStore(cells);
    }

    /// <summary>The evaluator that fills these results.</summary>
    public EligibilityEvaluator Evaluator { get; }

    /// <summary>The criteria, in protocol order (the columns).</summary>
    public IReadOnlyList<BoundCriterion> Criteria => Evaluator.Criteria;

    /// <summary>How many subjects (the rows).</summary>
    public int SubjectCount => _statuses.Length;

    /// <summary>Whether each criterion's evidence is kept.</summary>
    public bool HasEvidence => _evidence is not null || _evidenceStore is not null;

    internal DataGapStore DataGaps { get; }

    /// <summary>The USUBJID of the <paramref name="row"/>-th subject.</summary>
    public string SubjectId(int row) => Evaluator.Study.SubjectIds[_subjects[row]];

    /// <summary>Where the <paramref name="row"/>-th subject is in the study's subject view.</summary>
    public int StudyIndex(int row) => _subjects[row];

    /// <summary>A subject's status.</summary>
    public EligibilityStatus Status(int row) => (EligibilityStatus)_statuses[row];

    /// <summary>A subject's outcome for a criterion (index into <see cref="Criteria"/>).</summary>
    public CriterionOutcome Outcome(int row, int criterion) => (CriterionOutcome)_outcomes[Cell(row, criterion)];

    /// <summary>What the criterion's rule alone said (before recorded determinations).</summary>
    public CriterionOutcome RuleOutcome(int row, int criterion) => (CriterionOutcome)_ruleOutcomes[Cell(row, criterion)];

    /// <summary>Why the outcome is what it is.</summary>
    public OutcomeCause Cause(int row, int criterion) => (OutcomeCause)_causes[Cell(row, criterion)];

    /// <summary>The cell of the <paramref name="row"/>-th subject and a criterion: the criterion's cells are consecutive, by row.</summary>
    internal int Cell(int row, int criterion) => criterion * _rows + row;

    internal void SetCell(int cell, CriterionOutcome rule, CriterionOutcome outcome, OutcomeCause cause)
    {
        _ruleOutcomes[cell] = (byte)rule;
        _outcomes[cell] = (byte)outcome;
        _causes[cell] = (byte)cause;
    }

    /// <summary>
    /// The rule outcomes and causes by cell, for a batch writing many cells at once; the outcomes are the rule outcomes'
    /// array itself when the evaluator has no recorded determinations (else each subject's cells are revisited).
    /// </summary>
    internal (byte[] RuleOutcomes, byte[] Causes) Cells => (_ruleOutcomes, _causes);

    internal void SetStatus(int row, EligibilityStatus status) => _statuses[row] = (byte)status;

    /// <summary>The statuses by row, for a batch setting many at once.</summary>
    internal byte[] Statuses => _statuses;

    internal void SetError(int cell, Diagnostic error) => _errors[cell] = error;

    internal void SetEvidence(int cell, EvidenceItem[] items) => _evidence![cell] = items;

    /// <summary>
    /// A recorder for one worker: compact entries over the results' read sites, or objects for the comparison path. The
    /// recorders a worker makes for the subjects of its batches share what <paramref name="sharing"/> (the worker's own,
    /// used by the same thread) has learnt about the read sites.
    /// </summary>
    internal EvidenceRecorder NewRecorder(int capacity, EvidenceRecorder? sharing = null) =>
        _evidenceStore is { } store ? new EvidenceRecorder(store.Sites, legacy: false, sharing) { Capacity = capacity } : new EvidenceRecorder(new EvidenceSites(), legacy: true) { Capacity = capacity };

    /// <summary>Where a worker keeps its cells' compact evidence (null on the comparison path).</summary>
    internal EvidenceStore.Writer? NewEvidenceWriter() => _evidenceStore?.CreateWriter();

    internal int SubjectOf(int row) => _subjects[row];

    /// <summary>One subject's full account: every criterion's outcome, cause, evidence, recorded determination, error and data gaps, and the reasons for the status.</summary>
    public SubjectEligibility Subject(int row)
    {
        var id = SubjectId(row);
        var criteria = Criteria;
        var results = new CriterionResult[criteria.Count];
        for (int j = 0; j < criteria.Count; j++)
        {
            int cell = Cell(row, j);
            var criterion = criteria[j];
            results[j] = new CriterionResult(
                criterion,
                (CriterionOutcome)_outcomes[cell],
                (CriterionOutcome)_ruleOutcomes[cell],
                (OutcomeCause)_causes[cell],
                _evidenceStore?.Get(cell) ?? _evidence?[cell] ?? [],
                Evaluator.Determinations.Find(id, criterion.Id),
                _errors.TryGetValue(cell, out var error) ? error : null,
                DataGaps.Get(cell) ?? []);
        }
        // What decides the status comes first: exclusions, then contradictions, then open data questions, then attestations.
        var reasons = new List<string>();
        foreach (var r in results.Where(r => EligibilityEvaluator.IsFailing(r.Kind, r.Outcome))) reasons.Add(r.Reason);
        foreach (var r in results.Where(r => r.Cause == OutcomeCause.Discrepancy)) reasons.Add(r.Reason);
        foreach (var r in results.Where(r => r.Outcome == CriterionOutcome.Unknown && r.Cause != OutcomeCause.Discrepancy)) reasons.Add(r.Reason);
        foreach (var r in results.Where(r => r.Outcome == CriterionOutcome.Attested)) reasons.Add(r.Reason);
        return new SubjectEligibility(id, Status(row), results, reasons, AwaitsAttestationOnly(row));
    }

    /// <summary>
    /// True when the subject needs review only for attestations: every criterion not passing awaits a person's
    /// attestation (eligible on the data).
    /// </summary>
    public bool AwaitsAttestationOnly(int row)
    {
        if (Status(row) != EligibilityStatus.NeedsReview) return false;
        var criteria = Criteria;
        for (int j = 0; j < _criteria; j++)
        {
            var outcome = (CriterionOutcome)_outcomes[Cell(row, j)];
            if (outcome != CriterionOutcome.Attested && !EligibilityEvaluator.IsPassing(criteria[j].Kind, outcome)) return false;
        }
        return true;
    }
}
