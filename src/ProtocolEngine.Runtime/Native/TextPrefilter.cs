using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// Skips the rows a query's filter certainly rejects, reading only the dictionary code of one text column: for a
/// filter <c>Alias.VAR = key and ...</c> (or <c>Alias.VAR in {'A', 'B'} and ...</c>), a row whose VAR holds a value
/// other than the keys makes the conjunction false whatever the rest says. Rows where VAR is missing or equal to the key go through the full filter, so the
/// result (and its three-valued uncertainty) is exactly the unfiltered one; only the work changes.
/// </summary>
/// <remarks>
/// One instance per query in a compiled rule, shared by threads and studies: what it looks up in a study (the key's
/// dictionary code, the code index) is kept in the study's binding at kept slot <c>keptSlot</c>, as immutable
/// objects swapped atomically.
/// </remarks>
internal sealed class TextPrefilter(int columnSlot, int keptSlot)
{
    private sealed record Lookup(string Key, int Code);

    /// <summary>What the prefilter looked up in one study (its binding fixes the column and the table).</summary>
    private sealed class State
    {
        public Lookup? Last;
        public int[]? Codes;
        public bool IndexKnown;
        public SubjectCodeIndex? Index;
    }

    private State StateOf(StudyBinding binding) => binding.Kept(keptSlot, 0, static (_, _) => new State());

    /// <summary>The column and dictionary code to compare rows with, or a null column when the filter cannot apply (no key, no such text column).</summary>
    public (TextColumn? Column, int Code) Prepare(EvaluationContext ctx, string? key, IReadOnlyList<object?> records)
    {
        if (key is null || ColumnOf(ctx, records) is not { } column) return (null, 0);
        var state = StateOf(ctx.Binding!);
        var last = state.Last;
        if (last is null || !string.Equals(last.Key, key, StringComparison.Ordinal))
            state.Last = last = new Lookup(key, column.FindCode(key));
        return (column, last.Code);
    }

    /// <summary>The column and the dictionary codes of constant keys (an <c>in</c> list), or a null column when the filter cannot apply.</summary>
    public (TextColumn? Column, int[] Codes) PrepareSet(EvaluationContext ctx, string[] keys, IReadOnlyList<object?> records)
    {
        if (ColumnOf(ctx, records) is not { } column) return (null, []);
        var state = StateOf(ctx.Binding!);
        // The same codes whichever thread computes them first.
        var codes = state.Codes ??= [.. keys.Select(column.FindCode).Where(c => c >= 0)];
        return (column, codes);
    }

    /// <summary>What a prefiltered loop visits: the key's column and code(s), and the positions [From, To) of the list, through the code index when it answers (else every position).</summary>
    public readonly record struct ScanPlan(TextColumn? Column, int Code, int[] Codes, SubjectCodeIndex? Index, int Start, int From, int To);

    /// <summary><see cref="Prepare"/>, the list's first row and <see cref="Range"/> in one call (one per query and subject).</summary>
    public ScanPlan Plan(EvaluationContext ctx, string? key, IReadOnlyList<object?> records)
    {
        var (column, code) = Prepare(ctx, key, records);
        var (index, from, to) = Range(ctx, column, code, records);
        return new ScanPlan(column, code, [], index, RuntimeHelpers.RangeStart(records), from, to);
    }

    /// <summary><see cref="PrepareSet"/>, the list's first row and <see cref="RangeOfSet"/> in one call.</summary>
    public ScanPlan PlanSet(EvaluationContext ctx, string[] keys, IReadOnlyList<object?> records)
    {
        var (column, codes) = PrepareSet(ctx, keys, records);
        var (index, from, to) = RangeOfSet(ctx, column, codes, records);
        return new ScanPlan(column, 0, codes, index, RuntimeHelpers.RangeStart(records), from, to);
    }

    /// <summary>
    /// The positions of the list to visit for a key's code: from the table's code index when it can answer for this
    /// subject (only the rows holding the code, in row order), else every position (the caller then skips rows with
    /// <see cref="Rejects"/>). A null index means "scan".
    /// </summary>
    public (SubjectCodeIndex? Index, int From, int To) Range(EvaluationContext ctx, TextColumn? column, int code, IReadOnlyList<object?> records)
    {
        int count = records.Count;
        if (column is not null && IndexFor(ctx, column, records, count) is { } index)
        {
            int start = ((IRecordRange)records).Start;
            if (index.Find(start, count, code, out int from, out int to)) return (index, from, to);
        }
        return (null, 0, count);
    }

    /// <summary>Like <see cref="Range"/> for the codes of an <c>in</c> list: the index answers when at most one of the codes occurs in the subject's rows (several would have to be merged in row order; those subjects are scanned).</summary>
    public (SubjectCodeIndex? Index, int From, int To) RangeOfSet(EvaluationContext ctx, TextColumn? column, int[] codes, IReadOnlyList<object?> records)
    {
        int count = records.Count;
        if (column is not null && IndexFor(ctx, column, records, count) is { } index)
        {
            int start = ((IRecordRange)records).Start;
            int from = start, to = start, found = 0;
            foreach (int code in codes)
            {
                if (!index.Find(start, count, code, out int f, out int t)) return (null, 0, count);
                if (f == t) continue;
                if (++found > 1) return (null, 0, count);
                (from, to) = (f, t);
            }
            return (index, from, to);
        }
        return (null, 0, count);
    }

    /// <summary>The code index for the list, when the list is exactly the current subject's rows of a subject-indexed table and the study uses indexes.</summary>
    private SubjectCodeIndex? IndexFor(EvaluationContext ctx, TextColumn column, IReadOnlyList<object?> records, int count)
    {
        if (records is not IRecordRange range || ctx.Study is not { UsesCodeIndexes: true } || ctx.SubjectIndex < 0) return null;
        var table = range.Table;
        if (!table.IsSubjectIndexed || table.RowsOf(ctx.SubjectIndex) != (range.Start, count)) return null;
        // The column is the binding's (ColumnOf), of this table: one index per study.
        var state = StateOf(ctx.Binding!);
        if (!Volatile.Read(ref state.IndexKnown))
        {
            state.Index = table.CodeIndex(column);
            Volatile.Write(ref state.IndexKnown, true);
        }
        return state.Index;
    }

    private TextColumn? ColumnOf(EvaluationContext ctx, IReadOnlyList<object?> records) =>
        records is IRecordRange range && ctx.Binding is { } binding && ReferenceEquals(binding.ColumnTables[columnSlot], range.Table)
            ? binding.Columns[columnSlot] as TextColumn
            : null;

    /// <summary>True when the row's value is present and differs from the key.</summary>
    public static bool Rejects(TextColumn? column, int code, int row)
    {
        if (column is null) return false;
        int actual = column.CodeAt(row);
        return actual >= 0 && actual != code;
    }

    /// <summary>True when the row's value is the key (so <c>VAR = key</c> is true for it).</summary>
    public static bool Holds(TextColumn? column, int code, int row) => column is not null && code >= 0 && column.CodeAt(row) == code;

    /// <summary>True when the row's value is one of the keys (so <c>VAR in {...}</c> is true for it).</summary>
    public static bool HoldsAny(TextColumn? column, int[] codes, int row)
    {
        if (column is null) return false;
        int actual = column.CodeAt(row);
        return actual >= 0 && Array.IndexOf(codes, actual) >= 0;
    }

    /// <summary>True when the row's value is present and none of the keys.</summary>
    public static bool RejectsAll(TextColumn? column, int[] codes, int row)
    {
        if (column is null) return false;
        int actual = column.CodeAt(row);
        return actual >= 0 && Array.IndexOf(codes, actual) < 0;
    }
}
