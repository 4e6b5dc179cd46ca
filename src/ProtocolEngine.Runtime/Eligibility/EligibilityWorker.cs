using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    // current batch they left to the compiled rule (1; 0: answered), by criterion * BatchRun.Size + position. A batch
    // writes its cells into the results directly and keeps per subject whether a cell failed, was undecided or fell
    // back, so that a subject whose rules it answered all (without recorded determinations) gets its status in bulk,
    // without a pass over its cells.
    private readonly BatchCriterion?[]? _batches;
    private readonly BatchRun? _run;
    private readonly byte[] _batchFellBack = [];
    private readonly int[] _batchSubjects = new int[BatchRun.Size];
    private readonly byte[] _batchFlags = new byte[BatchRun.Size];
    private readonly int[] _batchUnknown = new int[BatchRun.Size];
    private readonly bool[] _inclusion;
    private readonly int _executable;
    private readonly byte _attestedFlags;
    private readonly bool _batchesAll;
    private int _batchFirst, _batchCount;

    // A subject's flags over a batch's criteria: one of them fails, one is undecided (attested criteria are), one was
    // left to the compiled rule. A subject none of whose cells fell back, when batches answer every rule, is done.
    private const byte Failing = 1, Undecided = 2, FellBack = 4;

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
                _batchesAll = batches.Count(b => b is not null) == _executable;
                _run = new BatchRun(_ctx);
                _batchFellBack = new byte[BatchRun.Size * _criteria.Length];
                if (_recorder is { } own) _run.UseEvidence(() => results.NewRecorder(evidenceCapacity, own));
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
            if (_run is null)
            {
                for (int row = first; row < last; row++) Evaluate(row);
                continue;
            }
            RunBatch(first, last);
            // The subjects the batch answered in full have their cells and status; the others go through their rules.
            var flags = _batchFlags;
            for (int row = first; row < last; row++)
                if (_hasDeterminations || !_batchesAll || (flags[row - first] & FellBack) != 0) Evaluate(row);
            _batchCount = 0;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void RunBatch(int first, int last)
    {
        var run = _run!;
        var batches = _batches!;
        int k = _criteria.Length, n = last - first, rows = _results.SubjectCount;
        var subjects = _batchSubjects;
        for (int i = 0; i < n; i++) subjects[i] = _results.SubjectOf(first + i);
        run.Begin(subjects.AsSpan(0, n));
        var flags = _batchFlags.AsSpan(0, n);
        flags.Fill(_attestedFlags);
        var (ruleCells, causeCells) = _results.Cells;
        var unknown = _batchUnknown;
        for (int j = 0; j < k; j++)
        {
            if (batches[j] is not { } batch)
            {
                // An attested criterion's cells, for the subjects whose status is set here (the others' are set again).
                if (_criteria[j].Rule is null)
                {
                    ruleCells.AsSpan(j * rows + first, n).Fill((byte)CriterionOutcome.Attested);
                    causeCells.AsSpan(j * rows + first, n).Fill((byte)OutcomeCause.AwaitingAttestation);
                }
                continue;
            }
            batch.Evaluate(run, j);
            int fellBack = WriteCells(run.Values.AsSpan(0, n), run.Fallback.AsSpan(0, n), ruleCells.AsSpan(j * rows + first, n), causeCells.AsSpan(j * rows + first, n),
                _batchFellBack.AsSpan(j * BatchRun.Size, n), flags, unknown,
                _inclusion[j] ? (int)CriterionOutcome.NotMet : (int)CriterionOutcome.Met, out int unknowns);
            for (int u = 0; u < unknowns; u++)
            {
                int i = unknown[u];
                int cell = j * rows + first + i;
                var cause = ClassifyGaps(subjects[i], run.Reads[i], variableMissing: false, out int gaps) ?? OutcomeCause.NullResult;
                if (gaps != 0) _results.DataGaps.Set(cell, gaps);
                causeCells[cell] = (byte)cause;
            }
            if (run.RecordsEvidence)
                for (int i = 0; i < n; i++)
                    if (!run.Fallback[i]) KeepEvidence(j * rows + first + i, run.Evidence(i));
            BatchCriterion.CountAnswered(n - fellBack);
        }
        _batchFirst = first;
        _batchCount = n;
        if (_hasDeterminations || !_batchesAll) return;
        // Status in bulk (the subjects the batch did not answer in full get theirs again from Evaluate).
        var statuses = _results.Statuses.AsSpan(first, n);
        for (int i = 0; i < statuses.Length && i < flags.Length; i++) statuses[i] = StatusOf[flags[i] & (Failing | Undecided)];
    }

    /// <summary>
    /// Writes one criterion's cells for a batch's subjects from their values (Met 1, NotMet 2, Unknown 3, cause Rule),
    /// computed rather than branched on (the value varies from subject to subject), adds each cell to its subject's
    /// flags, marks the subjects fallen back (their cells are written again by the compiled rule), and lists in
    /// <paramref name="unknown"/> the Unknowns answered, whose causes the caller sets. Returns how many fell back.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static int WriteCells(ReadOnlySpan<bool?> values, ReadOnlySpan<bool> fallback, Span<byte> rules, Span<byte> causes, Span<byte> fell,
        Span<byte> flags, Span<int> unknown, int failing, out int unknowns)
    {
        int n = values.Length, i = 0, fellBack = 0, listed = 0;
        if (VectorCells && fallback.Length >= n && rules.Length >= n && causes.Length >= n && fell.Length >= n && flags.Length >= n && unknown.Length >= n)
        {
            // 32 subjects at a time: a bool? is its HasValue byte then its value byte.
            var raw = AsRaw(values);
            var fallen = MemoryMarshal.Cast<bool, byte>(fallback);
            var one = Vector256.Create((byte)1);
            var failingRule = Vector256.Create((byte)failing);
            for (; i + 32 <= n; i += 32)
            {
                var low = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(raw), (nuint)i);
                var high = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(raw), (nuint)(i + 16));
                var known = Vector256.Narrow(low, high) & one;
                var met = ~Vector256.Equals(Vector256.Narrow(low >> 8, high >> 8), Vector256<byte>.Zero) & known;
                var rule = Vector256.Create((byte)3) - known - met;
                var fb = ~Vector256.Equals(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(fallen), (nuint)i), Vector256<byte>.Zero);
                rule.StoreUnsafe(ref MemoryMarshal.GetReference(rules), (nuint)i);
                Vector256<byte>.Zero.StoreUnsafe(ref MemoryMarshal.GetReference(causes), (nuint)i);
                (fb & one).StoreUnsafe(ref MemoryMarshal.GetReference(fell), (nuint)i);
                var cell = (Vector256.Equals(rule, failingRule) & Vector256.Create(Failing))
                    | (Vector256.Equals(known, Vector256<byte>.Zero) & Vector256.Create(Undecided))
                    | (fb & Vector256.Create(FellBack));
                (Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(flags), (nuint)i) | cell).StoreUnsafe(ref MemoryMarshal.GetReference(flags), (nuint)i);
                fellBack += BitOperations.PopCount(fb.ExtractMostSignificantBits());
                // Unknowns answered here (neither known nor fallen back): rare enough to list one by one.
                uint open = Vector256.Equals(known | (fb & one), Vector256<byte>.Zero).ExtractMostSignificantBits();
                while (open != 0)
                {
                    unknown[listed++ & (BatchRun.Size - 1)] = i + BitOperations.TrailingZeroCount(open);
                    open &= open - 1;
                }
            }
        }
        for (; i < n && i < fallback.Length && i < rules.Length && i < causes.Length && i < fell.Length && i < flags.Length; i++)
        {
            bool? value = values[i];
            int known = value.HasValue ? 1 : 0;
            int rule = 3 - known - ((value.GetValueOrDefault() ? 1 : 0) & known);
            int fb = fallback[i] ? 1 : 0;
            rules[i] = (byte)rule;
            causes[i] = (byte)OutcomeCause.Rule;
            fell[i] = (byte)fb;
            fellBack += fb;
            flags[i] |= (byte)((rule == failing ? Failing : 0) | (known ^ 1) * Undecided | fb * FellBack);
            unknown[listed & (BatchRun.Size - 1)] = i;
            listed += (known | fb) ^ 1;
        }
        unknowns = listed;
        return fellBack;
    }

    /// <summary>True when the cells are written 32 at a time: 256-bit vectors, and bool? laid out as its HasValue byte then its value byte (checked, not assumed).</summary>
    private static readonly bool VectorCells = Vector256.IsHardwareAccelerated && NullableBoolIsTwoBytes();

    private static ReadOnlySpan<ushort> AsRaw(ReadOnlySpan<bool?> values) =>
        MemoryMarshal.CreateReadOnlySpan(ref System.Runtime.CompilerServices.Unsafe.As<bool?, ushort>(ref MemoryMarshal.GetReference(values)), values.Length);

    private static bool NullableBoolIsTwoBytes()
    {
        ReadOnlySpan<bool?> probe = [true, false, null];
        var raw = AsRaw(probe);
        return System.Runtime.CompilerServices.Unsafe.SizeOf<bool?>() == 2 && raw.Length == 3 && raw[0] == 0x0101 && raw[1] == 0x0001 && raw[2] == 0;
    }

    /// <summary>The status by a subject's flags: failing decides (Ineligible), then undecided (NeedsReview), else Eligible; as <see cref="EligibilityEvaluator.DecideStatus"/> without a discrepancy.</summary>
    private static ReadOnlySpan<byte> StatusOf =>
    [
        (byte)EligibilityStatus.Eligible, (byte)EligibilityStatus.Ineligible,
        (byte)EligibilityStatus.NeedsReview, (byte)EligibilityStatus.Ineligible,
    ];

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
        for (int j = 0; j < k; j++)
        {
            var criterion = criteria[j];
            int cell = _results.Cell(row, j);
            CriterionOutcome rule;
            OutcomeCause cause;
            if (criterion.Rule is null)
            {
                rule = CriterionOutcome.Attested;
                cause = OutcomeCause.AwaitingAttestation;
            }
            else if (position >= 0 && _batches![j] is not null && _batchFellBack[j * BatchRun.Size + position] == 0)
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
