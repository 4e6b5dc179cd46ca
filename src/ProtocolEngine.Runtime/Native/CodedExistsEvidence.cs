using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// <see cref="CodedExistsNode"/> with evidence on: each subject's evidence recorded as the compiled exists records it, for
/// the subjects whose exists never reaches the subject's date.
/// </summary>
/// <remarks>
/// <para>
/// The compiled exists records the domain searched with the subject's record count, then, for each row it visits, the
/// filter's reads inside a row scope: kept when the filter is true (where it stops) or null, dropped when it is false.
/// A dropped row leaves nothing behind (its reads leave the recorder and its one-item-per-fact set) as long as none of
/// them was dropped past the capacity, so the evidence is the search and the kept rows' reads, in row order. That is what
/// is recorded here, through the same recorder calls, for a subject whose recording provably stays below the capacity
/// (what the recorder holds already, the search, every kept row's reads and one more row's, at most one read per
/// variable of the filter); a subject that could reach it is left to the compiled rule.
/// </para>
/// <para>
/// A subject whose filter reaches the subject's date on some row is left to the compiled rule too: there the definition
/// (<c>ScreeningDate</c>) is computed, or replayed, with evidence the context keeps for later criteria. So a subject this
/// answers is one for which the compiled exists computes no definition and caches nothing: answering it here leaves the
/// subject's other criteria exactly as they were, which is why a criterion whose only shared definition is the subject
/// date of its exists can still be batched with evidence (<see cref="BatchCriterion.RecordsEvidence"/>).
/// </para>
/// </remarks>
internal sealed partial class CodedExistsNode
{
    /// <summary>What recording needs: the domain as the query names it, and each column slot's variable and read.</summary>
    internal sealed record ExistsEvidence(string Domain, Dictionary<int, (string Variable, ReadKind Kind)> Sites)
    {
        /// <summary>The most reads one row records (one per variable of the filter: the one-item-per-fact set holds a variable of a row once).</summary>
        public int MaxReadsPerRow { get; } = Sites.Values.Select(s => s.Variable).Distinct(StringComparer.Ordinal).Count();
    }

    /// <summary>The node's evidence recording (null: the node does not record, and falls back with evidence on).</summary>
    private ExistsEvidence? Evidence { get; init; }

    private static long _answeredWithEvidence;

    /// <summary>How many subjects' exists these nodes have answered with evidence on (tests check they ran).</summary>
    internal static long AnsweredWithEvidence => Interlocked.Read(ref _answeredWithEvidence);

    public override bool RecordsEvidence => Evidence is not null;

    /// <summary>
    /// Records a row's reads into one subject's recorder, as <see cref="RecordAccess"/> records them: each slot's read site
    /// resolved once for the batch (the recorders of a worker share their sites), not at every read of every subject.
    /// </summary>
    internal sealed class RowReads(StudyBinding binding, DomainTable table, Dictionary<int, (string Variable, ReadKind Kind)> sites)
    {
        private EvidenceSites? _of;
        private int[] _slots = new int[4];
        private int[] _sites = new int[4];
        private int _resolved;

        /// <summary>The subject's recorder.</summary>
        public EvidenceRecorder Recorder { get; set; } = null!;

        /// <summary>Records the read of the variable of column slot <paramref name="slot"/> of <paramref name="row"/>.</summary>
        public void Read(int slot, int row)
        {
            var recorder = Recorder;
            if (recorder.IsLegacy)
            {
                var (variable, kind) = sites[slot];
                recorder.ReadColumn(slot, table, binding.Columns[slot], row, variable, kind);
                return;
            }
            if (!ReferenceEquals(_of, recorder.Sites))
            {
                _of = recorder.Sites;
                _resolved = 0;
            }
            for (int k = 0; k < _resolved; k++)
            {
                if (_slots[k] != slot) continue;
                recorder.ReadAt(_sites[k], row);
                return;
            }
            recorder.ReadAt(Resolve(recorder, slot), row);
        }

        private int Resolve(EvidenceRecorder recorder, int slot)
        {
            var (variable, kind) = sites[slot];
            // The slot's column (null: the study lacks the variable, read as missing): Applies requires the slot bound to this
            // table, which is the column RecordAccess reads through.
            int site = recorder.ColumnSite(slot, table, binding.Columns[slot], variable, kind);
            if (_resolved == _slots.Length)
            {
                Array.Resize(ref _slots, _resolved * 2);
                Array.Resize(ref _sites, _resolved * 2);
            }
            _slots[_resolved] = slot;
            _sites[_resolved++] = site;
            return site;
        }
    }

    /// <summary>As <see cref="Eval"/>, each answered subject's evidence recorded into its recorder (<see cref="BatchRun.Evidence"/>).</summary>
    private void EvalWithEvidence(BatchRun run, bool[] active, bool?[] output)
    {
        var fallback = run.Fallback;
        if (Evidence is not { } evidence)
        {
            for (int i = 0; i < run.Count; i++)
                if (active[i]) fallback[i] = true;
            return;
        }
        var (table, bit, none, unknownWhenUncertain, state) = BeginBatch(run);
        var rowReads = new RowReads(run.Binding, table, evidence.Sites);
        int perRow = evidence.MaxReadsPerRow;
        var reads = run.Reads;
        var subjects = run.Subjects;
        int answered = 0;
        var lead = _lead;
        // The node's kept rows of one subject: a worker evaluates one batch at a time, but nodes are shared by workers.
        var kept = new int[16];
        for (int i = 0; i < run.Count && i < active.Length && i < fallback.Length && i < reads.Length && i < subjects.Length && i < output.Length; i++)
        {
            if (!active[i] || fallback[i]) continue;
            reads[i] |= bit;
            int subject = subjects[i];
            var (start, count) = table.RowsOf(subject);
            var recorder = run.Evidence(i);
            int held = recorder.Mark();
            if (count == 0)
            {
                if (held + 1 > recorder.Capacity)
                {
                    fallback[i] = true;
                    continue;
                }
                recorder.Searched(evidence.Domain, 0);
                output[i] = none;
                answered++;
                continue;
            }
            state.Begin(subject);
            bool uncertain = false, found = false, unsupported = false;
            int keptCount = 0;
            for (int row = start; row < start + count; row++)
            {
                if (lead is not null && lead.Quick(state, row) == False) continue;
                byte result = _root.Eval(state, row, null);
                // The compiled filter computed (or replayed) the subject's date here: left to it.
                if (state.ReadDate || result == Unsupported)
                {
                    unsupported = true;
                    break;
                }
                if (result == False) continue;
                if (keptCount == kept.Length) Array.Resize(ref kept, kept.Length * 2);
                kept[keptCount++] = row;
                if (result == True)
                {
                    found = true;
                    break;
                }
                uncertain = true;
            }
            bool? value = found ? true : uncertain && unknownWhenUncertain ? null : false;
            // Past the capacity a dropped row's reads stay in the one-item-per-fact set (and a kept row's are cut): the compiled rule records that.
            if (unsupported || (value is null && state.MissingVariable) || (long)held + 1 + (long)(keptCount + 1) * perRow > recorder.Capacity)
            {
                fallback[i] = true;
                continue;
            }
            recorder.Searched(evidence.Domain, count);
            rowReads.Recorder = recorder;
            for (int k = 0; k < keptCount; k++)
            {
                recorder.BeginRow();
                _root.Eval(state, kept[k], rowReads);
                recorder.CommitRow();
            }
            output[i] = value;
            answered++;
        }
        if (answered > 0)
        {
            Interlocked.Add(ref _answered, answered);
            Interlocked.Add(ref _answeredWithEvidence, answered);
        }
    }
}
