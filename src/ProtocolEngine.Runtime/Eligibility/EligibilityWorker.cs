using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Native;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Eligibility;

/// <summary>
/// One thread's evaluation of subjects' criteria: its evaluation context and evidence recorder, reused from subject to
/// subject. Screening a million subjects and answering a workflow's question about one go through
/// <see cref="Evaluate(int)"/> alike.
/// </summary>
public sealed class EligibilityWorker
{
    private readonly EligibilityEvaluator _evaluator;
    private readonly EligibilityResults _results;
    private readonly ExecutableCriterion[] _criteria;
    private readonly EvaluationContext _ctx;
    private readonly EvidenceRecorder? _recorder;
    private readonly EvidenceStore.Writer? _evidence;
    private readonly StudyBinding _binding;
    private readonly bool _hasDeterminations;
    private readonly Dictionary<(ulong DomainsMissing, ulong NoRecords, string Variables), int> _gapLists = [];
    private ulong _lastDomainsMissing, _lastNoRecords;
    private int _lastGaps;

    // The criteria evaluated for a batch of subjects at once (null entries: subject by subject), and the cells of the
    // current batch they answered (1; 0: the compiled rule runs), by position * criteria + criterion. A batch writes its
    // cells into the results directly, and counts per subject the cells it answered and whether one failed or was
    // undecided, so that a subject whose criteria it answered all (without recorded determinations) gets its status
    // without a pass over its cells.
    private readonly BatchCriterion?[]? _batches;
    private readonly BatchRun? _run;
    private readonly byte[] _batchAnswered = [];
    private readonly int[] _batchSubjects = new int[BatchRun.Size];
    private readonly int[] _batchCells = new int[BatchRun.Size];
    private readonly byte[] _batchFlags = new byte[BatchRun.Size];
    private readonly bool[] _inclusion;
    private readonly int _executable;
    private readonly byte _attestedFlags;
    private int _batchFirst, _batchCount;

    private const byte Failing = 1, Undecided = 2;

    /// <summary>A batch criterion takes a few dozen steps at most, far below this; a tighter step limit keeps every rule on the compiled path, where steps are counted.</summary>
    private const long BatchMinimumSteps = 65_536;

    internal EligibilityWorker(EligibilityEvaluator evaluator, EligibilityResults results, CqlDateTime asOf, EvaluationLimits? limits, int evidenceCapacity)
    {
        _evaluator = evaluator;
        _results = results;
        _criteria = [.. evaluator.ExecutableCriteria];
        _hasDeterminations = evaluator.Determinations.Count > 0;
        _ctx = evaluator.Executable.CreateContext(evaluator.Study, asOf, limits);
        // exists and Count over records absent for want of data are Unknown, never a silent false.
        _ctx.MissingDataIsUnknown = true;
        // Results keep values and evidence, never record objects, so records can be reused from subject to subject.
        _ctx.ReuseRecords = true;
        _binding = _ctx.Binding!;
        _inclusion = [.. _criteria.Select(c => c.Criterion.Kind == CriterionKind.Inclusion)];
        _executable = _criteria.Count(c => c.Rule is not null);
        // An attested criterion is neither passing nor failing: the subject needs review at best.
        _attestedFlags = _executable < _criteria.Length ? Undecided : (byte)0;
        if (results.HasEvidence)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(evidenceCapacity, EvidenceStore.MaxItemsPerCell);
            _recorder = results.NewRecorder(evidenceCapacity);
            _evidence = results.NewEvidenceWriter();
        }
        // With evidence on, only the batches that record each subject's evidence as the compiled rule does.
        if (evaluator.Study.UsesBatchCriteria && _ctx.Limits.MaxSteps >= BatchMinimumSteps)
        {
            var batches = _criteria.Select(c => c.Batch is { } b && b.Applies(_binding) && (_recorder is null || b.RecordsEvidence) ? b : null).ToArray();
            if (batches.Any(b => b is not null))
            {
                _batches = batches;
                _run = new BatchRun(_ctx);
                _batchAnswered = new byte[BatchRun.Size * _criteria.Length];
                if (_recorder is not null) _run.UseEvidence(() => results.NewRecorder(evidenceCapacity));
            }
        }
    }

    /// <summary>
    /// Evaluates the subjects of rows [<paramref name="start"/>, <paramref name="end"/>) of the results, as
    /// <see cref="Evaluate(int)"/> does one by one: the same outcomes, causes and gap lists, with the criteria that can
    /// be evaluated for a batch of subjects at once evaluated so, batch by batch.
    /// </summary>
    public void EvaluateRange(int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, _results.SubjectCount);
        for (int first = start; first < end; first += BatchRun.Size)
        {
            int last = Math.Min(end, first + BatchRun.Size);
            if (_run is not null) RunBatch(first, last);
            for (int row = first; row < last; row++) Evaluate(row);
            _batchCount = 0;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void RunBatch(int first, int last)
    {
        var run = _run!;
        var batches = _batches!;
        int k = _criteria.Length, n = last - first;
        var subjects = _batchSubjects;
        for (int i = 0; i < n; i++) subjects[i] = _results.SubjectOf(first + i);
        run.Begin(subjects.AsSpan(0, n));
        // Loops rather than Span.Clear, which calls the runtime's memset at these sizes (slower here, by the profile).
        var cleared = _batchAnswered;
        for (int i = 0; i < n * k && i < cleared.Length; i++) cleared[i] = 0;
        var cells = _batchCells;
        var flags = _batchFlags;
        for (int i = 0; i < n && i < cells.Length && i < flags.Length; i++)
        {
            cells[i] = 0;
            flags[i] = _attestedFlags;
        }
        for (int j = 0; j < k; j++)
        {
            if (batches[j] is not { } batch) continue;
            batch.Evaluate(run, j);
            // Which value fails the criterion (an inclusion not met, an exclusion met).
            bool failsWhen = !_inclusion[j];
            int answered = 0;
            var values = run.Values;
            var fallback = run.Fallback;
            var (ruleCells, outcomeCells, causeCells) = _results.Cells;
            var marks = _batchAnswered;
            for (int i = 0; i < n; i++)
            {
                if (fallback[i]) continue;
                answered++;
                int cell = (first + i) * k + j;
                bool? value = values[i];
                if (value.HasValue)
                {
                    bool met = value.GetValueOrDefault();
                    // Met is 1 and NotMet 2: computed, not branched on (the value varies from subject to subject).
                    byte rule = (byte)(2 - (met ? 1 : 0));
                    // Without recorded determinations the outcome is the rule's; with them, Evaluate revisits the cell.
                    ruleCells[cell] = rule;
                    outcomeCells[cell] = rule;
                    causeCells[cell] = (byte)OutcomeCause.Rule;
                    flags[i] |= (byte)(met == failsWhen ? Failing : 0);
                }
                else
                {
                    var cause = ClassifyGaps(subjects[i], run.Reads[i], variableMissing: false, out int gaps) ?? OutcomeCause.NullResult;
                    if (gaps != 0) _results.DataGaps.Set(cell, gaps);
                    _results.SetCell(cell, CriterionOutcome.Unknown, CriterionOutcome.Unknown, cause);
                    flags[i] |= Undecided;
                }
                if (run.RecordsEvidence) KeepEvidence(cell, run.Evidence(i));
                marks[i * k + j] = 1;
                cells[i]++;
            }
            BatchCriterion.CountAnswered(answered);
        }
        _batchFirst = first;
        _batchCount = n;
    }

    /// <summary>Evaluates every criterion of the <paramref name="row"/>-th subject of the results and sets its status.</summary>
    public void Evaluate(int row)
    {
        var criteria = _criteria;
        int k = criteria.Length;
        int subject = _results.SubjectOf(row);
        // The context moves to the subject when a criterion first needs the compiled rule (never, when batches answered them all).
        bool begun = false;
        bool failing = false, discrepancy = false, undecided = false;
        int position = _batchCount > 0 && (uint)(row - _batchFirst) < (uint)_batchCount ? row - _batchFirst : -1;
        int batched = position >= 0 ? position * k : -1;
        if (position >= 0 && !_hasDeterminations && _batchCells[position] == _executable)
        {
            // The batch answered and wrote every rule's cell: only the attested ones and the status are left.
            if (_attestedFlags != 0)
                for (int j = 0; j < k; j++)
                    if (criteria[j].Rule is null) _results.SetCell(row * k + j, CriterionOutcome.Attested, CriterionOutcome.Attested, OutcomeCause.AwaitingAttestation);
            byte flags = _batchFlags[position];
            _results.SetStatus(row, EligibilityEvaluator.DecideStatus(false, (flags & Failing) != 0, (flags & Undecided) != 0));
            return;
        }
        for (int j = 0; j < k; j++)
        {
            var criterion = criteria[j];
            int cell = row * k + j;
            CriterionOutcome rule;
            OutcomeCause cause;
            if (criterion.Rule is null)
            {
                rule = CriterionOutcome.Attested;
                cause = OutcomeCause.AwaitingAttestation;
            }
            else if (batched >= 0 && _batchAnswered[batched + j] != 0)
            {
                // Written by the batch, gap list included.
                rule = _results.RuleOutcome(row, j);
                cause = _results.Cause(row, j);
            }
            else
            {
                if (!begun)
                {
                    _ctx.BeginSubject(subject);
                    begun = true;
                }
                (rule, cause) = EvaluateRule(criterion, subject, cell);
            }

            var outcome = rule;
            if (_hasDeterminations && _evaluator.Determinations.Find(_evaluator.Study.SubjectIds[subject], criterion.Criterion.Id) is { } recorded)
            {
                if (rule is CriterionOutcome.Unknown or CriterionOutcome.Attested)
                {
                    outcome = recorded.Outcome;
                    cause = OutcomeCause.RecordedDetermination;
                }
                else if (rule == recorded.Outcome)
                {
                    cause = OutcomeCause.RuleAndRecordAgree;
                }
                else
                {
                    outcome = CriterionOutcome.Unknown;
                    cause = OutcomeCause.Discrepancy;
                    discrepancy = true;
                }
            }

            _results.SetCell(cell, rule, outcome, cause);
            if (EligibilityEvaluator.IsFailing(criterion.Criterion.Kind, outcome)) failing = true;
            else if (!EligibilityEvaluator.IsPassing(criterion.Criterion.Kind, outcome)) undecided = true;
        }
        _results.SetStatus(row, EligibilityEvaluator.DecideStatus(discrepancy, failing, undecided));
    }

    private (CriterionOutcome, OutcomeCause) EvaluateRule(ExecutableCriterion criterion, int subject, int cell)
    {
        if (_recorder is not null)
        {
            _recorder.Reset();
            _ctx.Evidence = _recorder;
        }
        var bound = criterion.Criterion;
        var result = RuleRunner.Run(_ctx, criterion.Rule!, bound.Id, bound.Syntax.Span, bound.Source);
        CriterionOutcome rule;
        OutcomeCause cause;
        if (!result.Succeeded)
        {
            _results.SetError(cell, result.Error!);
            rule = CriterionOutcome.Unknown;
            cause = OutcomeCause.RuntimeError;
        }
        else if (result.Value is bool value)
        {
            rule = value ? CriterionOutcome.Met : CriterionOutcome.NotMet;
            cause = OutcomeCause.Rule;
        }
        else
        {
            rule = CriterionOutcome.Unknown;
            cause = OutcomeCause.NullResult;
        }

        // Say which data were missing when the rule could not decide: a domain or variable the study lacks, or a
        // domain in which this subject has no records. (A rule that decided despite them decided on other data.)
        if (cause == OutcomeCause.NullResult && ClassifyGaps(subject, _ctx.DomainsReadByRule, _ctx.HasMissingVariables, out int gaps) is { } gapCause)
        {
            cause = gapCause;
            _results.DataGaps.Set(cell, gaps);
        }

        if (_recorder is not null)
        {
            KeepEvidence(cell, _recorder);
            _ctx.Evidence = null;
        }
        return (rule, cause);
    }

    /// <summary>Keeps a recorder's evidence as the cell's: compact entries in the store, or the items of the recorder of objects.</summary>
    private void KeepEvidence(int cell, EvidenceRecorder recorder)
    {
        if (_evidence is not null) _evidence.Set(cell, recorder);
        else _results.SetEvidence(cell, [.. recorder.Items]);
    }

    private OutcomeCause? ClassifyGaps(int subject, ulong read, bool variableMissing, out int gaps)
    {
        // This runs for every Unknown of every subject, so it reads only the bits of the domains read and shares one
        // gap list among all the cells with the same gaps (a handful of combinations in a study): no allocation
        // per Unknown, and every Unknown still names what was missing, with evidence or without.
        ulong domainMissing = 0, noRecords = 0;
        var domains = _binding.Domains;
        for (int slot = 0; read != 0 && slot < domains.Length; slot++)
        {
            ulong bit = 1UL << Math.Min(slot, 63);
            if ((read & bit) == 0) continue;
            var table = domains[slot];
            if (table is null) domainMissing |= bit;
            else if (table.IsSubjectIndexed && table.RowsOf(subject).Count == 0) noRecords |= bit;
            if (slot < 63) read &= ~bit;
        }
        gaps = 0;
        if (domainMissing == 0 && noRecords == 0 && !variableMissing) return null;
        // Most Unknowns of a run have the same gaps as the one before (the same criterion, the same missing domain).
        if (!variableMissing && domainMissing == _lastDomainsMissing && noRecords == _lastNoRecords && _lastGaps != 0)
        {
            gaps = _lastGaps;
            return Cause(domainMissing, noRecords);
        }
        var variables = variableMissing ? string.Join(",", _ctx.MissingVariablesRead.Order(StringComparer.Ordinal)) : "";
        if (!_gapLists.TryGetValue((domainMissing, noRecords, variables), out gaps))
        {
            var list = new List<DataGap>();
            for (int slot = 0; slot < domains.Length; slot++)
            {
                ulong bit = 1UL << Math.Min(slot, 63);
                if ((domainMissing & bit) != 0 && domains[slot] is null) list.Add(new DataGap(DataGapKind.DomainMissing, _evaluator.Executable.DomainsRead[slot]));
                else if ((noRecords & bit) != 0 && domains[slot] is { } table) list.Add(new DataGap(DataGapKind.NoSubjectRecords, table.Name));
            }
            if (variableMissing)
                foreach (var variable in variables.Split(','))
                    list.Add(new DataGap(DataGapKind.VariableMissing, variable));
            _gapLists[(domainMissing, noRecords, variables)] = gaps = _results.DataGaps.Register([.. list]);
        }
        if (!variableMissing) (_lastDomainsMissing, _lastNoRecords, _lastGaps) = (domainMissing, noRecords, gaps);
        return Cause(domainMissing, noRecords);
    }

    private static OutcomeCause Cause(ulong domainMissing, ulong noRecords) =>
        domainMissing != 0 ? OutcomeCause.DomainMissing
        : noRecords != 0 ? OutcomeCause.NoSubjectRecords
        : OutcomeCause.VariableMissing;
}
