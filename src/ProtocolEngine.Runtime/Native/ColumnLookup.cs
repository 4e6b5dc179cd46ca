using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// <c>First</c> (or <c>Last</c>) of a query over one domain whose filter holds a constant text key
/// (<c>First(LB L where L.LBTESTCD = 'ALT' and L.VISITNUM = 1)</c>, <c>Lab('ALT')</c> once its argument is known),
/// computed for a batch of subjects in one pass over the key's column instead of subject by subject through the
/// query's loop: for each subject of the batch, the row of the record the query would return, read straight from the
/// code index, the rest of the filter evaluated on the rows holding the key only.
/// </summary>
/// <remarks>
/// <para>
/// The compiled query stays beside it and runs whenever the lookup cannot give exactly its answer with exactly its side
/// effects: with evidence on when the rest of the filter is more than a number variable compared with a literal (with
/// one, or none, the lookup records the query's evidence itself through the same recorder calls), outside screening (a context that does not
/// reuse records answers one subject, not a batch), for a subject whose rows the query would scan with rows where
/// the key is missing (the filter's other conjuncts run on those rows and could fail or note a missing variable),
/// when the rest of the filter fails, notes a missing variable or a message, or, for a sorted query, when more than
/// one record passes (sorting reads the key; with one record or none it is never read). Every case the lookup keeps
/// reads the same rows, returns the same record object (the subject's pooled record of that row) and marks the same
/// domain read as the loop, so the definition cache, the gap lists and the causes are the loop's.
/// </para>
/// <para>
/// One instance per query in a compiled protocol, shared by threads and studies: each context keeps its own batch, and
/// each study's binding what the lookup prepared and answered for it (kept slot <c>keptSlot</c>).
/// </para>
/// </remarks>
internal sealed class ColumnLookup(int id, int keptSlot, int domainSlot, string keyVariable, string key, Func<EvaluationContext, DomainRecord?, bool?>? rest, ColumnLookup.Pick pick)
{
    /// <summary>Which passing record the query's value is.</summary>
    public enum Pick
    {
        /// <summary>The first in row order (First of an unsorted query).</summary>
        First,

        /// <summary>The last in row order (Last of an unsorted query).</summary>
        Last,

        /// <summary>The only one (First or Last of a sorted query); more than one falls back to the query.</summary>
        Only,
    }

    /// <summary>The rest of the filter when it compares a number variable of the record with a literal, which the lookup then evaluates on the column directly.</summary>
    /// <param name="Variable">The number variable.</param>
    /// <param name="Operator">The builtin comparison the compiled filter calls.</param>
    /// <param name="Literal">The literal.</param>
    /// <param name="VariableFirst">True when the variable is the left operand.</param>
    /// <param name="Kind">Which comparison <paramref name="Operator"/> is, to decide it on the column's doubles where <see cref="NumberKernel"/> allows.</param>
    internal sealed record NumberComparison(string Variable, Func<decimal?, decimal?, bool?> Operator, decimal Literal, bool VariableFirst, NumberKernel.Comparison Kind)
    {
        /// <summary>The literal as a double.</summary>
        public double LiteralDouble { get; } = (double)Literal;

        /// <summary>True when the literal allows the double comparison.</summary>
        public bool Fits { get; } = NumberKernel.Fits(Literal);

        /// <summary>True when a double equal to the literal is the same decimal (<see cref="NumberKernel.IsExactWhole"/>).</summary>
        public bool ExactWhole { get; } = NumberKernel.IsExactWhole(Literal);
    }

    /// <summary>The rest of the filter as a comparison of a number column with a literal, when it is one.</summary>
    public NumberComparison? Comparison { get; init; }

    /// <summary>What the compiled query reads of each row it visits, in order, so the lookup can record it as evidence.</summary>
    /// <param name="Domain">The domain as the query names it (its search's evidence).</param>
    /// <param name="KeySlot">The column slot of the key's read (a Char read, as <see cref="RecordAccess"/> reads it).</param>
    /// <param name="ComparisonSlot">The column slot of <see cref="Comparison"/>'s variable (a Num read), or −1 without one.</param>
    /// <param name="KeyFirst">True when the key is the filter's left conjunct (read first; otherwise the comparison is, and a false one short-circuits the key's read).</param>
    internal sealed record QueryReads(string Domain, int KeySlot, int ComparisonSlot, bool KeyFirst);

    /// <summary>The compiled query's reads, when the lookup can record them (a key alone, or with <see cref="Comparison"/>); null: with evidence on, the query runs.</summary>
    public QueryReads? Reads { get; init; }

    /// <summary>The row value telling the caller to run the compiled query instead.</summary>
    public const int Fallback = -2;

    /// <summary>Subjects per batch: enough to amortise the batch's set-up, few enough to stay in cache.</summary>
    private const int BatchSize = 256;

    /// <summary>
    /// The table, the key's column, code and index for one study, and, when the answer depends on the data alone (no
    /// compiled rest of the filter), every subject's answer once computed (<see cref="Unknown"/> until then), shared by
    /// threads and by later screenings of the same study; kept in the study's binding. Each entry is stored as
    /// <c>row ^ Unknown</c> (<see cref="KnownAt"/> reads it back), so a new array, all zeros, is Unknown throughout
    /// without filling it.
    /// </summary>
    private sealed record Prepared(DomainTable Table, TextColumn Column, int Code, SubjectCodeIndex? Index, int[]? Known);

    /// <summary>Kept for a study to which the lookup cannot apply (no such subject-indexed table or text column).</summary>
    private static readonly Prepared NotApplicable = new(null!, null!, -1, null, null);

    /// <summary>A subject whose answer is not computed yet in <see cref="Prepared.Known"/>.</summary>
    private const int Unknown = int.MinValue;

    /// <summary>Subject <paramref name="subject"/>'s entry of <see cref="KnownRows"/>: a row, −1, <see cref="Fallback"/>, or not computed yet (<see cref="IsKnown"/> false).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int KnownAt(int[] known, int subject) => known[subject] ^ Unknown;

    /// <summary>A row, −1 or <see cref="Fallback"/> as stored in <see cref="Prepared.Known"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int Stored(int row) => row ^ Unknown;

    private static long _answered;

    /// <summary>How many subjects' queries lookups have answered in this process (not fallen back): tests check the lookups ran.</summary>
    internal static long Answered => Interlocked.Read(ref _answered);

    private static long _answeredWithEvidence;

    /// <summary>How many subjects' queries lookups have answered with evidence on, recording the query's evidence (tests check they ran).</summary>
    internal static long AnsweredWithEvidence => Interlocked.Read(ref _answeredWithEvidence);

    /// <summary>One context's computed batch: the rows for subjects [First, First + Count).</summary>
    internal sealed class Batch
    {
        public int First = -1;
        public int Count;
        public readonly int[] Rows = new int[BatchSize];
        public DomainRecord? Record;

        /// <summary>Subjects the next batch covers: shrinks when a batch goes mostly unread (a sparse selection of subjects), grows back when read through.</summary>
        public int Size = BatchSize;

        /// <summary>Answers read from the current batch.</summary>
        public int Reads;
    }

    /// <summary>
    /// The row of the record the query returns for the context's subject, −1 when it returns null, or
    /// <see cref="Fallback"/> when the compiled query must run.
    /// </summary>
    public int Row(EvaluationContext ctx) => RowFor(ctx, ctx.SubjectIndex);

    /// <summary>
    /// The row of the record the query returns for subject <paramref name="subject"/> (a batch criterion asks for the
    /// subjects of its batch before the context moves to them), −1 or <see cref="Fallback"/> as for <see cref="Row(EvaluationContext)"/>.
    /// </summary>
    public int RowFor(EvaluationContext ctx, int subject)
    {
        if (!ctx.ReuseRecords || subject < 0 || ctx.Binding is not { } binding || !binding.Study.UsesColumnLookups) return Fallback;
        if (ctx.Evidence is { } evidence) return RowWithEvidence(ctx, binding, subject, evidence);
        return BatchRow(ctx, binding, subject);
    }

    private int BatchRow(EvaluationContext ctx, StudyBinding binding, int subject)
    {
        var states = ctx.LookupBatches;
        if ((uint)id >= (uint)states.Length) return Fallback;
        var batch = states[id] ??= new Batch();
        int offset = subject - batch.First;
        if ((uint)offset < (uint)batch.Count)
        {
            batch.Reads++;
            return batch.Rows[offset];
        }
        Fill(ctx, binding, batch, subject);
        batch.Reads = 1;
        return batch.Rows[0];
    }

    /// <summary>
    /// With evidence on: the row as without, and the evidence the compiled query would record for it, through the same
    /// recorder calls in the same order (the domain searched, then for each row the query visits the reads of its filter,
    /// kept when the row passes or is undecided, dropped when it fails), so the one-item-per-fact rule, the capacity and
    /// a definition's kept evidence are the query's. Falls back whenever the lookup would, and when the rest of the
    /// filter is anything but a number variable compared with a literal (its reads are not known here).
    /// </summary>
    private int RowWithEvidence(EvaluationContext ctx, StudyBinding binding, int subject, EvidenceRecorder evidence)
    {
        if (!CanRecord(binding, out var prepared, out var reads, out var numbers)) return Fallback;
        int row = BatchRow(ctx, binding, subject);
        if (row == Fallback) return row;
        RecordQuery(binding, prepared, reads, numbers, subject, evidence);
        Interlocked.Increment(ref _answeredWithEvidence);
        return row;
    }

    /// <summary>True when the lookup can record the query's evidence in this study (<see cref="RecordBatch"/>): it applies to it and knows every read of the query's filter.</summary>
    public bool Records(StudyBinding binding) => CanRecord(binding, out _, out _, out _);

    /// <summary>
    /// Records, into the recorder of each subject <c>i</c> of the run's batch with <paramref name="record"/>[i] (answered by
    /// the lookup: a row other than <see cref="Fallback"/>, from <see cref="RowFor"/>), the evidence the compiled query
    /// records for it, for a batch criterion: one pass over the batch, what every subject shares (the study's preparation,
    /// the columns read, the recorders' read sites) resolved once, and each subject's entries appended in the order and
    /// with the content <see cref="RecordQuery"/> gives them. Only where <see cref="Records"/> holds.
    /// </summary>
    public void RecordBatch(BatchRun run, bool[] record)
    {
        var binding = run.Binding;
        if (!CanRecord(binding, out var prepared, out var reads, out var numbers)) throw new InvalidOperationException("The lookup cannot record the query's evidence in this study.");
        var (table, _, code, index, _) = prepared;
        var (keyColumn, compared) = ColumnsRead(binding, table, reads, numbers);
        var sites = default(ReadSites);
        var subjects = run.Subjects;
        int recorded = 0;
        for (int i = 0; i < run.Count && i < record.Length && i < subjects.Length; i++)
        {
            if (!record[i]) continue;
            recorded++;
            var evidence = run.Evidence(i);
            if (index is not null && !evidence.IsLegacy)
            {
                // The recorders of a worker share their sites: resolved for the first, checked for the others.
                if (!ReferenceEquals(sites.Of, evidence.Sites)) sites = SitesOf(evidence, table, reads, keyColumn, compared, numbers);
                var (start, rows) = table.RowsOf(subjects[i]);
                if (RecordKept(evidence, reads, index, numbers, start, rows, code, sites)) continue;
            }
            RecordQuery(binding, prepared, reads, numbers, subjects[i], evidence);
        }
        if (recorded > 0) Interlocked.Add(ref _answeredWithEvidence, recorded);
    }

    /// <summary>
    /// The read sites of the query's evidence (the search, the key's and the comparison's reads) in recorders over the
    /// sites <see cref="Of"/>, for <see cref="RecordKept"/> to append entries without resolving them at each read.
    /// </summary>
    private readonly record struct ReadSites(EvidenceSites? Of, int Searched, int Key, int Compared);

    /// <summary>The query's read sites in <paramref name="evidence"/>'s sites (a compact recorder's).</summary>
    private ReadSites SitesOf(EvidenceRecorder evidence, DomainTable table, QueryReads reads, Column? keyColumn, Column? compared, NumberColumn? numbers) =>
        new(evidence.Sites, evidence.SearchedSite(reads.Domain), evidence.ColumnSite(reads.KeySlot, table, keyColumn, keyVariable, ReadKind.String),
            numbers is null ? -1 : evidence.ColumnSite(reads.ComparisonSlot, table, compared, Comparison!.Variable, ReadKind.Decimal));

    /// <summary>The columns <see cref="RecordAccess"/> reads the key and the comparison's variable through (the slot's when the row is from the bound table): the read sites are the same.</summary>
    private (Column? Key, Column? Compared) ColumnsRead(StudyBinding binding, DomainTable table, QueryReads reads, NumberColumn? numbers) =>
        (ReferenceEquals(binding.ColumnTables[reads.KeySlot], table) ? binding.Columns[reads.KeySlot] : table.GetColumn(keyVariable),
            numbers is null ? null : ReferenceEquals(binding.ColumnTables[reads.ComparisonSlot], table) ? binding.Columns[reads.ComparisonSlot] : numbers);

    /// <summary>True when the lookup applies to the study and knows every read of the query's filter (the key, and a number comparison's variable).</summary>
    private bool CanRecord(StudyBinding binding, out Prepared prepared, out QueryReads reads, out NumberColumn? numbers)
    {
        prepared = null!;
        reads = null!;
        numbers = null;
        if (Reads is not { } r || Prepare(binding) is not { } p) return false;
        if (rest is not null)
        {
            if (Comparison is not { } c || r.ComparisonSlot < 0 || p.Table.GetColumn(c.Variable) is not NumberColumn n) return false;
            numbers = n;
        }
        (prepared, reads) = (p, r);
        return true;
    }

    /// <summary>Records what the compiled query reads for <paramref name="subject"/>, visiting the rows <see cref="Fill"/> visits in the same order.</summary>
    private void RecordQuery(StudyBinding binding, Prepared prepared, QueryReads reads, NumberColumn? numbers, int subject, EvidenceRecorder evidence)
    {
        var (table, column, code, index, _) = prepared;
        var (start, rows) = table.RowsOf(subject);
        var (keyColumn, compared) = ColumnsRead(binding, table, reads, numbers);
        var comparison = Comparison;
        if (index is not null && !evidence.IsLegacy && RecordKept(evidence, reads, index, numbers, start, rows, code, SitesOf(evidence, table, reads, keyColumn, compared, numbers))) return;
        evidence.Searched(reads.Domain, rows);
        if (index is not null && index.Find(start, rows, code, out int from, out int to))
        {
            for (int p = from; p < to; p++)
                if (!Visit(index.RowAt(start, p))) break;
        }
        else
        {
            for (int row = start; row < start + rows; row++)
                if (column.CodeAt(row) is var actual && actual >= 0 && actual == code && !Visit(row)) break;
        }

        // The filter's reads of one row, as the compiled `key and comparison` (or `comparison and key`) makes them; false
        // when the query stops (First found its record).
        bool Visit(int row)
        {
            evidence.BeginRow();
            bool? passes = true;
            if (reads.KeyFirst) evidence.ReadColumn(reads.KeySlot, table, keyColumn, row, keyVariable, ReadKind.String);
            if (numbers is not null)
            {
                evidence.ReadColumn(reads.ComparisonSlot, table, compared, row, comparison!.Variable, ReadKind.Decimal);
                var value = numbers.GetDecimal(row);
                passes = comparison.VariableFirst ? comparison.Operator(value, comparison.Literal) : comparison.Operator(comparison.Literal, value);
            }
            // The key holds on every row visited; after a comparison it is read unless the comparison was false (and short-circuits).
            if (!reads.KeyFirst && passes != false) evidence.ReadColumn(reads.KeySlot, table, keyColumn, row, keyVariable, ReadKind.String);
            if (passes == false)
            {
                evidence.DiscardRow();
                return true;
            }
            // An undecided row is kept as evidence (it is why the answer may be short) and the query goes on.
            evidence.CommitRow();
            return passes != true || pick != Pick.First;
        }
    }

    /// <summary>
    /// What <see cref="RecordQuery"/> records, without holding and dropping the reads of every row the filter rejects: a
    /// dropped row leaves nothing behind unless one of its reads was dropped past the capacity (it then stays in the
    /// one-item-per-fact set), so when the recorder provably stays below the capacity (what it holds, the search, every kept
    /// row's two reads and one more row's) the evidence is the search and the kept rows' reads, in the query's order: the
    /// rows holding the key in the code index's order, each kept when its comparison is true (First stops there) or null.
    /// False (nothing recorded) when the recorder could reach the capacity: the reads are then made row by row. The entries
    /// are appended at <paramref name="sites"/>, the recorder's (a compact recorder: the recorder of objects makes the
    /// reads row by row).
    /// </summary>
    private bool RecordKept(EvidenceRecorder evidence, QueryReads reads, SubjectCodeIndex index, NumberColumn? numbers, int start, int rows, int code, in ReadSites sites)
    {
        var comparison = Comparison;
        // Not found: the index does not say which rows hold the key (the query scans them).
        if (!index.Find(start, rows, code, out int from, out int to)) return false;
        int perRow = numbers is null ? 1 : 2;
        // Every key row kept is the most the recording can add: only when that could reach the capacity are the rows the
        // filter keeps counted (a pass over the key rows deciding each comparison, as the recording below decides them again).
        if ((long)evidence.Mark() + 1 + (long)(to - from + 1) * perRow > evidence.Capacity)
        {
            // Without a comparison every key row passes: First keeps one, the others all of them.
            int kept = 0;
            if (numbers is null) kept = pick == Pick.First ? Math.Min(1, to - from) : to - from;
            else
            {
                for (int p = from; p < to; p++)
                {
                    bool? passes = Passes(comparison!, numbers, index.RowAt(start, p));
                    if (passes == false) continue;
                    kept++;
                    if (passes == true && pick == Pick.First) break;
                }
            }
            if ((long)evidence.Mark() + 1 + (long)(kept + 1) * perRow > evidence.Capacity) return false;
        }
        // A kept row's reads are never dropped, so holding them in a row scope (BeginRow, CommitRow) changes nothing.
        evidence.SearchedAt(sites.Searched, rows);
        for (int p = from; p < to; p++)
        {
            int row = index.RowAt(start, p);
            bool? passes = numbers is null ? true : Passes(comparison!, numbers, row);
            if (passes == false) continue;
            if (reads.KeyFirst) evidence.ReadAt(sites.Key, row);
            if (numbers is not null) evidence.ReadAt(sites.Compared, row);
            if (!reads.KeyFirst) evidence.ReadAt(sites.Key, row);
            if (passes == true && pick == Pick.First) break;
        }
        return true;
    }

    /// <summary>The filter's comparison on a key row, as the compiled builtin decides it (on the doubles where <see cref="NumberKernel"/> allows).</summary>
    private static bool? Passes(NumberComparison comparison, NumberColumn numbers, int row)
    {
        if (comparison.Fits && NumberKernel.Relation(numbers.RawAt(row), comparison.LiteralDouble, comparison.ExactWhole) is var sign and not NumberKernel.Undecided)
            return NumberKernel.Decide(comparison.Kind, comparison.VariableFirst ? sign : -sign);
        var value = numbers.GetDecimal(row);
        return comparison.VariableFirst ? comparison.Operator(value, comparison.Literal) : comparison.Operator(comparison.Literal, value);
    }

    /// <summary>
    /// Every subject's row as far as computed (read through <see cref="KnownAt"/>; <see cref="IsKnown"/> tells which), for a batch criterion reading many
    /// subjects at once; null when the lookup cannot answer in this context (then <see cref="RowFor"/> falls back too)
    /// or keeps no shared answers (a compiled rest of the filter).
    /// </summary>
    public int[]? KnownRows(EvaluationContext ctx)
    {
        if (ctx.Evidence is not null || !ctx.ReuseRecords || ctx.Binding is not { } binding || !binding.Study.UsesColumnLookups) return null;
        if ((uint)id >= (uint)ctx.LookupBatches.Length) return null;
        return Prepare(binding)?.Known;
    }

    /// <summary>
    /// Counts answers a batch criterion read from <see cref="KnownRows"/> as reads of the context's batch, so that a
    /// batch computed by <see cref="RowFor"/> and then read through the kept answers is not taken for a mostly unread one
    /// (which would shrink the next batches, down to one subject each).
    /// </summary>
    public void NoteKnownReads(EvaluationContext ctx, int subjects)
    {
        var states = ctx.LookupBatches;
        if ((uint)id < (uint)states.Length && states[id] is { } batch) batch.Reads += subjects;
    }

    /// <summary>True when an entry of <see cref="KnownRows"/> is computed (a row, −1 or <see cref="Fallback"/>).</summary>
    public static bool IsKnown(int row) => row != Unknown;

    /// <summary>Counts subjects answered by reading <see cref="KnownRows"/> directly (once per batch, not per subject).</summary>
    internal static void CountAnswered(int subjects) => Interlocked.Add(ref _answered, subjects);

    /// <summary>The record at <paramref name="row"/> (null for −1), read as the query's loop reads it: through the subject's records of the domain.</summary>
    public object? Record(EvaluationContext ctx, int row)
    {
        // Read even when there is no record: the loop reads the subject's records of the domain (and notes the domain) first.
        var records = ctx.SubjectRecords(domainSlot);
        return row < 0 ? null : records[row - RuntimeHelpers.RangeStart(records)];
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Fill(EvaluationContext ctx, StudyBinding binding, Batch batch, int first)
    {
        if (batch.First >= 0) batch.Size = batch.Reads * 4 < batch.Count ? Math.Max(1, batch.Size / 4) : Math.Min(BatchSize, batch.Size * 2);
        int count = Math.Min(batch.Size, binding.Study.SubjectCount - first);
        batch.First = first;
        batch.Count = Math.Max(count, 1);
        var prepared = Prepare(binding);
        if (prepared is null)
        {
            batch.Rows.AsSpan(0, batch.Count).Fill(Fallback);
            return;
        }
        // Lookups of the same key column computed together, one pass over each subject's rows (then read back below).
        _group?.Compute(binding, this, first, count);
        var (table, column, code, index, known) = prepared;
        if (batch.Record is null || !ReferenceEquals(batch.Record.Table, table)) batch.Record = new DomainRecord(table, 0);
        var record = batch.Record;
        // A comparison of a number column with a literal reads the column as the compiled filter would (the column
        // exists, so nothing is noted; the builtin neither throws nor divides).
        var comparison = Comparison is { } c && table.GetColumn(c.Variable) is NumberColumn numbers ? (c, numbers) : default;
        var scratch = rest is null || comparison.numbers is not null ? null : ctx.LookupScratch();
        // The filter reads only the record, never the subject's other data, so the scratch context's subject is a formality.
        scratch?.BeginSubject(first);
        int answered = 0;
        bool firstByNumber = pick == Pick.First && comparison.numbers is not null && comparison.c.Fits;
        for (int k = 0; k < count; k++)
        {
            int subject = first + k;
            if (known is not null && KnownAt(known, subject) is var done and not Unknown)
            {
                // Computed before (by this screening's other worker, or an earlier screening of the same study).
                batch.Rows[k] = done;
                if (done != Fallback) answered++;
                continue;
            }
            var (start, rows) = table.RowsOf(subject);
            int found = -1;
            if (firstByNumber && index is not null && index.Find(start, rows, code, out int lo, out int hi))
            {
                // First with a number comparison (L.VISITNUM = 1): Visit's work inline, on the doubles where they decide.
                var (test, values) = comparison;
                for (int p = lo; p < hi; p++)
                {
                    int row = index.RowAt(start, p);
                    bool? passes;
                    if (NumberKernel.Relation(values!.RawAt(row), test.LiteralDouble, test.ExactWhole) is var sign and not NumberKernel.Undecided) passes = NumberKernel.Decide(test.Kind, test.VariableFirst ? sign : -sign);
                    else passes = test.VariableFirst ? test.Operator(values.GetDecimal(row), test.Literal) : test.Operator(test.Literal, values.GetDecimal(row));
                    if (passes == true)
                    {
                        found = row;
                        break;
                    }
                }
            }
            else if (index is not null && index.Find(start, rows, code, out int from, out int to))
            {
                // The rows holding the key, in row order: exactly the rows the query's loop visits through the index.
                for (int p = from; p < to; p++)
                    if (!Visit(index.RowAt(start, p), ref found)) break;
            }
            else
            {
                // The loop scans this subject: rows holding another value are skipped unread; a row where the key is
                // missing would run the rest of the filter, so the subject is left to the loop.
                for (int row = start; row < start + rows; row++)
                {
                    int actual = column.CodeAt(row);
                    if (actual < 0)
                    {
                        found = Fallback;
                        break;
                    }
                    if (actual == code && !Visit(row, ref found)) break;
                }
            }
            batch.Rows[k] = found;
            if (found != Fallback) answered++;
            // The same ints whichever thread writes them first: no lock needed, and a reader sees Unknown or the answer.
            if (known is not null) known[subject] = Stored(found);

            // False when the search is over (found for First, or fallen back).
            bool Visit(int row, ref int result)
            {
                bool? passes = true;
                if (comparison.numbers is { } column)
                {
                    var c = comparison.c;
                    if (c.Fits && NumberKernel.Relation(column.RawAt(row), c.LiteralDouble, c.ExactWhole) is var sign and not NumberKernel.Undecided)
                    {
                        passes = NumberKernel.Decide(c.Kind, c.VariableFirst ? sign : -sign);
                    }
                    else
                    {
                        var value = column.GetDecimal(row);
                        passes = c.VariableFirst ? c.Operator(value, c.Literal) : c.Operator(c.Literal, value);
                    }
                }
                else if (rest is not null)
                {
                    scratch!.BeginRule();
                    record.Row = row;
                    try
                    {
                        passes = rest(scratch, record);
                    }
                    catch (Exception)
                    {
                        // The loop will fail the same way and report it.
                        result = Fallback;
                        return false;
                    }
                    if (scratch.HasMissingVariables || scratch.Messages.Count > 0 || scratch.DivisionsByZero > 0 || scratch.MissingDomainsRead.Count > 0)
                    {
                        result = Fallback;
                        return false;
                    }
                }
                if (passes != true) return true;
                switch (pick)
                {
                    case Pick.First:
                        result = row;
                        return false;
                    case Pick.Last:
                        result = row;
                        return true;
                    default:
                        if (result >= 0)
                        {
                            result = Fallback;
                            return false;
                        }
                        result = row;
                        return true;
                }
            }
        }
        Interlocked.Add(ref _answered, answered);
    }

    private Group? _group;
    private int _groupIndex;

    // The constructor's parameters, as other instances see them.
    private bool HasRest => rest is not null;
    private Pick PickOf => pick;
    private (int, string) Column => (domainSlot, keyVariable);

    /// <summary>
    /// Puts the lookups whose answers depend on the data alone (no compiled rest of the filter) into groups by domain and
    /// key column, each computed in one pass over a subject's rows (<see cref="Group"/>). Called once, when the
    /// executable is complete; <paramref name="slots"/> numbers each group's kept slot.
    /// </summary>
    internal static void FormGroups(IReadOnlyList<ColumnLookup> lookups, SlotAllocator slots)
    {
        foreach (var same in lookups.Where(l => !l.HasRest || l.Comparison is not null).GroupBy(l => l.Column))
        {
            foreach (var chunk in same.Chunk(Group.MaxMembers))
            {
                var group = new Group(chunk, slots.Kept());
                for (int i = 0; i < chunk.Length; i++) (chunk[i]._group, chunk[i]._groupIndex) = (group, i);
            }
        }
    }

    /// <summary>
    /// Column lookups over one domain and key column (<c>Lab('ALT')</c>, <c>Lab('EGFR')</c>, <c>Lab('HBA1C')</c> over
    /// LBTESTCD, each First of the key's rows at visit 1) answered together: one pass over a subject's rows in row order,
    /// each row's code telling which lookups it concerns, where each lookup alone searches the subject's code index.
    /// </summary>
    /// <remarks>
    /// Each lookup gets exactly the answer its own pass gives: the rows holding its key in row order, the rest of the filter
    /// (a number compared with a literal, or nothing) on those rows, First, Last or the only passing row; and a row where
    /// the key column is missing makes every lookup not yet decided fall back, as the loop would visit it (a lookup whose
    /// First row came before it keeps that row). Answers are written into each lookup's kept answers for the study
    /// (<see cref="Prepared.Known"/>); a lookup the study does not let keep answers is left to its own pass.
    /// </remarks>
    private sealed class Group(ColumnLookup[] members, int keptSlot)
    {
        /// <summary>More lookups than this on one column form several groups.</summary>
        public const int MaxMembers = 32;

        /// <summary>One member's data in one study.</summary>
        /// <remarks>
        /// With a comparison over a dictionary-coded column, <see cref="PassByCode"/> holds <see cref="Passes(Member, int)"/>'
        /// answer for each distinct value (a row's answer depends on its value alone).
        /// </remarks>
        private sealed record Member(int[] Known, int Code, Pick Pick, NumberComparison? Test, NumberColumn? Numbers, NumberReader Reader)
        {
            public CodeTable<bool>? PassByCode { get; init; }
        }

        /// <summary>The member with <see cref="Member.PassByCode"/> when its column allows one in a study of <paramref name="subjects"/> subjects.</summary>
        private static Member WithTable(Member member, int subjects) =>
            member is { Numbers: { } numbers, Test: { } test }
                ? member with { PassByCode = CodeTable<bool>.Create(numbers, subjects, test, static (t, value) => Passes(t, value)) }
                : member;

        /// <summary>The group in one study: the members that keep answers there, and which of them each code concerns.</summary>
        private sealed record State(DomainTable? Table, TextColumn? Column, Member[] Members, int[] IndexOf, int[] FirstByCode, int[] Next)
        {
            /// <summary>
            /// For <see cref="ComputeFirsts"/>, when every member is First and decides its rows by table or has no comparison,
            /// and the key column is one byte a code: each member's kept answers and table, by member (null otherwise); and,
            /// with code indexes, each member's key's first rows (<see cref="SubjectCodeIndex.FirstRowsOf"/>), else null.
            /// </summary>
            public (int[][] Known, CodeTable<bool>?[] Tables, SubjectCodeIndex.FirstRows[]? FirstRows)? Firsts { get; init; }
        }

        private State StateFor(StudyBinding binding)
        {
            DomainTable? table = null;
            TextColumn? column = null;
            SubjectCodeIndex? index = null;
            var included = new List<Member>();
            var indexOf = new int[members.Length];
            for (int i = 0; i < members.Length; i++)
            {
                indexOf[i] = -1;
                var lookup = members[i];
                if (lookup.Prepare(binding) is not { Known: { } known } prepared) continue;
                (table, column, index) = (prepared.Table, prepared.Column, prepared.Index);
                var numbers = lookup.Comparison is { } c ? table.GetColumn(c.Variable) as NumberColumn : null;
                indexOf[i] = included.Count;
                included.Add(WithTable(new Member(known, prepared.Code, lookup.PickOf, lookup.Comparison, numbers, numbers is null ? default : new NumberReader(numbers)), binding.Study.SubjectCount));
            }
            // By code + 1 (0: missing) the first member holding that key, + 1; Next chains members with the same key.
            var firstByCode = new int[(column?.Dictionary.Count ?? 0) + 1];
            var next = new int[included.Count];
            for (int m = included.Count - 1; m >= 0; m--)
            {
                int code = included[m].Code;
                if (code < 0) continue;
                next[m] = firstByCode[code + 1];
                firstByCode[code + 1] = m + 1;
            }
            Member[] all = [.. included];
            bool firsts = column?.CodeBytes is not null && all.Length > 0 && all.All(m => m.Pick == Pick.First && (m.Numbers is null || m.PassByCode is not null));
            return new State(table, column, all, indexOf, firstByCode, next)
            {
                Firsts = firsts ? ([.. all.Select(m => m.Known)], [.. all.Select(m => m.PassByCode)], index is null ? null : [.. all.Select(m => index.FirstRowsOf(m.Code))]) : null,
            };
        }

        /// <summary>
        /// <see cref="Compute"/> when every member is First and decided by its table (<see cref="State.Firsts"/>): a member is
        /// decided once it has a row (or falls back), so only the rows found are kept, and a row's test is a table lookup.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static void ComputeFirsts(State state, int[] callerKnown, int first, int count)
        {
            var (knowns, tables, firstRows) = state.Firsts!.Value;
            var table = state.Table!;
            var bytes = state.Column!.CodeBytes!;
            if (firstRows is not null)
            {
                ComputeFromFirstRows(state, knowns, tables, firstRows, bytes, callerKnown, first, count);
                return;
            }
            var firstByCode = state.FirstByCode;
            var next = state.Next;
            int n = knowns.Length;
            Span<int> found = stackalloc int[MaxMembers];
            for (int k = 0; k < count; k++)
            {
                int subject = first + k;
                // Computed before (0 is Unknown as stored).
                if (callerKnown[subject] != 0) continue;
                for (int m = 0; m < n; m++) found[m] = -1;
                int open = n;
                var (start, rows) = table.RowsOf(subject);
                for (int row = start, end = start + rows; row < end && open > 0; row++)
                {
                    int c = bytes[row];
                    if (c == 0)
                    {
                        // A missing key: the loop would run the rest of the filter on it, so whoever is undecided falls back.
                        for (int m = 0; m < n; m++)
                            if (found[m] == -1) found[m] = Fallback;
                        break;
                    }
                    for (int m = firstByCode[c] - 1; m >= 0; m = next[m] - 1)
                    {
                        if (found[m] != -1) continue;
                        if (tables[m] is { } passes && !passes.At(row)) continue;
                        found[m] = row;
                        open--;
                    }
                }
                // The same ints whichever thread writes them first (see Fill).
                for (int m = 0; m < n; m++) knowns[m][subject] = Stored(found[m]);
            }
        }

        /// <summary>
        /// <see cref="ComputeFirsts"/> from each key's first rows: a member's walk of the subject's rows meets first either its
        /// key's first row or a row missing the key (then it falls back, as the walk would), or neither (no row: none). The
        /// key's first row passing the member's table is its answer; one that fails it, rare, has the walk go on from there.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static void ComputeFromFirstRows(State state, int[][] knowns, CodeTable<bool>?[] tables, SubjectCodeIndex.FirstRows[] firstRows, byte[] bytes,
            int[] callerKnown, int first, int count)
        {
            var table = state.Table!;
            var members = state.Members;
            int n = Math.Min(knowns.Length, Math.Min(tables.Length, Math.Min(firstRows.Length, members.Length)));
            for (int k = 0; k < count; k++)
            {
                int subject = first + k;
                // Computed before (0 is Unknown as stored).
                if (callerKnown[subject] != 0) continue;
                for (int m = 0; m < n; m++)
                {
                    int row = firstRows[m].At(subject);
                    int found;
                    if (row >= 0) found = tables[m] is not { } passes || passes.At(row) ? row : After(table, bytes, tables[m]!, members[m].Code, subject, row);
                    else found = row == SubjectCodeIndex.FirstRows.None ? -1 : Fallback;
                    // The same ints whichever thread writes them first (see Fill).
                    knowns[m][subject] = Stored(found);
                }
            }

            // The walk after the key's first row, which failed the table: the next key row passing it, unless a row missing
            // the key comes first (the walk then falls back), or none.
            static int After(DomainTable table, byte[] bytes, CodeTable<bool> passes, int code, int subject, int from)
            {
                var (start, rows) = table.RowsOf(subject);
                int key = code + 1;
                for (int row = from + 1; row < start + rows; row++)
                {
                    int c = bytes[row];
                    if (c == 0) return Fallback;
                    if (c == key && passes.At(row)) return row;
                }
                return -1;
            }
        }

        /// <summary>Computes every member's answer for the subjects [first, first + count) whose answer <paramref name="caller"/> lacks (nothing when the caller keeps no answers in this study).</summary>
        /// <remarks>
        /// Compiled fully optimised from its first call: a first screening runs it a few hundred times only, too few for
        /// tiered compilation to promote it before the screening is over.
        /// </remarks>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void Compute(StudyBinding binding, ColumnLookup caller, int first, int count)
        {
            var state = binding.Kept(keptSlot, this, static (group, b) => group.StateFor(b));
            int self = state.IndexOf[caller._groupIndex];
            if (self < 0 || state is not { Table: { } table, Column: { } column }) return;
            var all = state.Members;
            int n = all.Length;
            var callerKnown = all[self].Known;
            if (state.Firsts is not null)
            {
                ComputeFirsts(state, callerKnown, first, count);
                return;
            }
            var bytes = column.CodeBytes;
            var firstByCode = state.FirstByCode;
            var next = state.Next;
            var found = new int[n];
            var done = new bool[n];
            for (int k = 0; k < count; k++)
            {
                int subject = first + k;
                // Computed before (0 is Unknown as stored).
                if (callerKnown[subject] != 0) continue;
                // Loops, not Span.Fill and Clear: a runtime call each for a handful of entries.
                for (int m = 0; m < n; m++)
                {
                    found[m] = -1;
                    done[m] = false;
                }
                int open = n;
                var (start, rows) = table.RowsOf(subject);
                for (int row = start; row < start + rows && open > 0; row++)
                {
                    int c = bytes is not null ? bytes[row] : column.CodeAt(row) + 1;
                    if (c == 0)
                    {
                        // A missing key: the loop would run the rest of the filter on it, so whoever is undecided falls back.
                        for (int m = 0; m < n; m++)
                            if (!done[m]) found[m] = Fallback;
                        break;
                    }
                    for (int m = firstByCode[c] - 1; m >= 0; m = next[m] - 1)
                    {
                        if (done[m]) continue;
                        var member = all[m];
                        if (!Passes(member, row)) continue;
                        switch (member.Pick)
                        {
                            case Pick.First:
                                found[m] = row;
                                done[m] = true;
                                open--;
                                break;
                            case Pick.Last:
                                found[m] = row;
                                break;
                            default:
                                if (found[m] >= 0)
                                {
                                    // More than one passing record to sort: the query decides.
                                    found[m] = Fallback;
                                    done[m] = true;
                                    open--;
                                }
                                else found[m] = row;
                                break;
                        }
                    }
                }
                // The same ints whichever thread writes them first (see Fill).
                for (int m = 0; m < n; m++) all[m].Known[subject] = Stored(found[m]);
            }
        }

        /// <summary>The rest of the member's filter on a row holding its key, as <see cref="Fill"/>'s Visit decides it.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static bool Passes(Member member, int row)
        {
            if (member.Numbers is null) return true;
            if (member.PassByCode is { } table) return table.At(row);
            return Passes(member.Test!, member.Reader.At(row));
        }

        /// <summary>The comparison on a row's double (NaN: missing), as <see cref="Fill"/>'s Visit decides it.</summary>
        private static bool Passes(NumberComparison test, double raw)
        {
            if (test.Fits && NumberKernel.Relation(raw, test.LiteralDouble, test.ExactWhole) is var sign and not NumberKernel.Undecided)
                return NumberKernel.Decide(test.Kind, test.VariableFirst ? sign : -sign);
            // What NumberColumn.GetDecimal gives for this double.
            decimal? value = double.IsNaN(raw) ? null : NumberConversions.ToDecimal(raw);
            return (test.VariableFirst ? test.Operator(value, test.Literal) : test.Operator(test.Literal, value)) == true;
        }
    }

    /// <summary>The table, the key's column and code and the code index for this study, or null when the lookup cannot apply to it.</summary>
    private Prepared? Prepare(StudyBinding binding)
    {
        var prepared = binding.Kept(keptSlot, this, static (lookup, b) => lookup.PrepareFor(b));
        return ReferenceEquals(prepared, NotApplicable) ? null : prepared;
    }

    private Prepared PrepareFor(StudyBinding binding)
    {
        var table = binding.Domains[domainSlot];
        if (table is null || !table.IsSubjectIndexed || table.GetColumn(keyVariable) is not TextColumn column) return NotApplicable;
        var index = binding.Study.UsesCodeIndexes ? table.CodeIndex(column) : null;
        // A key the column never holds is a code no row has: every subject's answer is then "none" (or the loop's, below).
        // Answers computed without a compiled rest of the filter depend on the study's data alone, so they are kept.
        // Zeros: every entry Unknown (see Prepared).
        int[]? known = rest is null || (Comparison is { } c && table.GetColumn(c.Variable) is NumberColumn) ? WrittenArray.Zeroed<int>(binding.Study.SubjectCount) : null;
        return new Prepared(table, column, column.FindCode(key), index, known);
    }
}
