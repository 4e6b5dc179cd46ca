namespace ProtocolEngine.Runtime.Eligibility;

/// <summary>
/// The data gaps of every cell (subject x criterion) of a screening run, compactly: each distinct gap list is kept once
/// and a cell holds its number. A study has a handful of distinct lists (which domains and variables are missing, in
/// which domain a subject has no records), while a million subjects have tens of millions of Unknown cells; a
/// dictionary entry per cell cost more than the screening itself. Workers write different cells concurrently.
/// </summary>
internal sealed class DataGapStore(int cells)
{
    private readonly Lock _lock = new();
    private readonly List<DataGap[]> _lists = [];
    private ushort[]? _index;

    /// <summary>Registers a distinct gap list; returns its number (0 when the store is full: the cell then has no list, its cause still says what kind of gap).</summary>
    public int Register(DataGap[] gaps)
    {
        lock (_lock)
        {
            if (_lists.Count >= ushort.MaxValue) return 0;
            _lists.Add(gaps);
            return _lists.Count;
        }
    }

    /// <summary>Records that a cell has the gap list with this number.</summary>
    public void Set(int cell, int number)
    {
        if (number == 0) return;
        var index = Volatile.Read(ref _index) ?? Allocate();
        index[cell] = (ushort)number;
    }

    /// <summary>The gap list of a cell, or null.</summary>
    public DataGap[]? Get(int cell)
    {
        var index = Volatile.Read(ref _index);
        if (index is null || index[cell] == 0) return null;
        lock (_lock) return _lists[index[cell] - 1];
    }

    private ushort[] Allocate()
    {
        Interlocked.CompareExchange(ref _index, new ushort[cells], null);
        return _index!;
    }
}
