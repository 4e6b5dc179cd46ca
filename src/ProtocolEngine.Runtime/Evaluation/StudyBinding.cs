using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Evaluation;

/// <summary>
/// A protocol's data slots resolved against one study: for each domain and variable the compiled rules
/// read, the study's table and column (null when the study lacks it). Built once per protocol and study.
/// </summary>
/// <remarks>
/// It also keeps what the compiled rules learn about this study from its data alone (a column lookup's rows, an
/// <c>exists</c> kernel's states, a query's dictionary codes, a date column's day numbers): the executable keeps its
/// bindings weakly keyed on the study (<see cref="ExecutableProtocol"/>), so two studies screened in turn each keep
/// their own, and a study nobody else holds is collected with everything kept for it. Nothing here is kept on the
/// compiled nodes themselves, which are shared by every study.
/// </remarks>
internal sealed class StudyBinding
{
    // By kept slot (SlotAllocator.Kept): one state per compiled node that keeps any, created on first use.
    private readonly object?[] _kept;

    // Day numbers of a text column's dictionary entries, by column slot.
    private readonly int[]?[] _days;

    internal StudyBinding(StudyData study, IReadOnlyList<string> domains, IReadOnlyList<(int DomainSlot, string Variable)> columns, int keptSlots)
    {
        Study = study;
        Domains = domains.Select(study.GetDomain).ToArray();
        Columns = columns.Select(c => Domains[c.DomainSlot]?.GetColumn(c.Variable)).ToArray();
        ColumnTables = columns.Select(c => Domains[c.DomainSlot]).ToArray();
        _kept = new object?[keptSlots];
        _days = new int[]?[Columns.Length];
    }

    /// <summary>The table each column slot belongs to (to tell a record of this study's table from any other).</summary>
    public DomainTable?[] ColumnTables { get; }

    /// <summary>The study.</summary>
    public StudyData Study { get; }

    /// <summary>Tables by domain slot.</summary>
    public DomainTable?[] Domains { get; }

    /// <summary>Columns by column slot.</summary>
    public Column?[] Columns { get; }

    /// <summary>
    /// The state a compiled node keeps for this study at kept slot <paramref name="slot"/>, made by
    /// <paramref name="create"/> on first use. Shared by threads: two threads asking first may both create one, and
    /// both then use the one stored first.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public T Kept<T, TArg>(int slot, TArg arg, Func<TArg, StudyBinding, T> create) where T : class
    {
        var kept = _kept;
        // A slot numbered after this binding was made (never, for a frozen executable) is simply not kept.
        if ((uint)slot >= (uint)kept.Length) return create(arg, this);
        if (Volatile.Read(ref kept[slot]) is T known) return known;
        var made = create(arg, this);
        var first = Interlocked.CompareExchange(ref kept[slot], made, null);
        if (first is null) Interlocked.Increment(ref _keptCreated);
        return first as T ?? made;
    }

    private long _keptCreated;

    /// <summary>How many kept states this binding has created (tests check that a study screened again prepares nothing again).</summary>
    internal long KeptCreated => Interlocked.Read(ref _keptCreated);

    /// <summary>
    /// The day numbers of the dictionary entries of the text column at <paramref name="columnSlot"/> (computed once per
    /// study by <paramref name="compute"/>, shared by every node comparing that column's dates).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int[] DayNumbers(int columnSlot, TextColumn column, Func<TextColumn, int[]> compute)
    {
        var days = _days;
        if ((uint)columnSlot >= (uint)days.Length) return compute(column);
        if (Volatile.Read(ref days[columnSlot]) is { } known) return known;
        var made = compute(column);
        return Interlocked.CompareExchange(ref days[columnSlot], made, null) ?? made;
    }
}
