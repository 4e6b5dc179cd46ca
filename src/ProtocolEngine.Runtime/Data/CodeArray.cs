namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Per-row dictionary codes stored in the narrowest width that holds them: one byte while a column has fewer
/// than 255 distinct values, two bytes below 65,535, four bytes beyond. Clinical columns are mostly codes
/// (test codes, units, flags, visits), so most cost one byte per row. Code −1 means missing.
/// </summary>
/// <remarks>
/// Two forms cost less than a byte a row. A column holding at most one distinct value (STUDYID, DOMAIN, a flag that
/// is Y or blank) keeps only which rows are present, one bit a row, or nothing when every row is. A column whose
/// codes come in long runs (USUBJID once rows are grouped by subject) keeps where each run starts and its code, and a
/// row's code is found by binary search over the runs. <see cref="Compact"/> chooses them when they save most of
/// the memory; readers of many rows then take the general path (<see cref="Bytes"/> is null).
/// </remarks>
internal sealed class CodeArray
{
    // Narrow widths store code + 1 so that 0 can mean missing.
    private readonly byte[]? _b;
    private readonly ushort[]? _s;
    private readonly int[]? _i;
    // One value: bit set = code 0 (present); null bits = every row holds _constant (0, or −1 when all are missing).
    private readonly ulong[]? _present;
    private readonly int _constant;
    private readonly bool _isConstant;
    // Runs: the first row of each run (ascending, starting at 0) and the run's code.
    private readonly int[]? _runStart;
    private readonly int[]? _runCode;

    private CodeArray(byte[]? b, ushort[]? s, int[]? i, int count)
    {
        _b = b;
        _s = s;
        _i = i;
        Count = count;
    }

    private CodeArray(ulong[]? present, int constant, int count)
    {
        _present = present;
        _constant = constant;
        _isConstant = true;
        Count = count;
    }

    private CodeArray(int[] runStart, int[] runCode, int count)
    {
        _runStart = runStart;
        _runCode = runCode;
        Count = count;
    }

    public int Count { get; }

    /// <summary>The one-byte codes (code + 1, 0 for missing) when the column is that narrow, for loops that read many rows.</summary>
    public byte[]? Bytes => _b;

    /// <summary>Bytes per row of the plain forms (1, 2 or 4); 0 for the constant and run forms, which cost less than a byte a row.</summary>
    public int BytesPerRow => _b is not null ? 1 : _s is not null ? 2 : _i is not null ? 4 : 0;

    /// <summary>Approximate bytes held.</summary>
    public long MemoryBytes =>
        _b is not null ? _b.LongLength : _s is not null ? _s.LongLength * 2 : _i is not null ? _i.LongLength * 4
        : _isConstant ? (_present?.LongLength ?? 0) * 8 : _runStart!.LongLength * 8;

    public int this[int row]
    {
        get
        {
            if (_b is not null) return _b[row] - 1;
            if (_s is not null) return _s[row] - 1;
            if (_i is not null) return _i[row];
            return CompactAt(row);
        }
    }

    private int CompactAt(int row)
    {
        if ((uint)row >= (uint)Count) throw new IndexOutOfRangeException();
        if (_isConstant) return _present is null ? _constant : (_present[row >> 6] & (1UL << (row & 63))) != 0 ? 0 : -1;
        var starts = _runStart!;
        int low = 0, high = starts.Length - 1;
        while (low < high)
        {
            int mid = (low + high + 1) >>> 1;
            if (starts[mid] <= row) low = mid;
            else high = mid - 1;
        }
        return _runCode![low];
    }

    public static CodeArray FromCodes(int[] codes, int distinct)
    {
        if (distinct < byte.MaxValue)
        {
            var b = new byte[codes.Length];
            for (int r = 0; r < codes.Length; r++) b[r] = (byte)(codes[r] + 1);
            return new CodeArray(b, null, null, codes.Length).Compact();
        }
        if (distinct < ushort.MaxValue)
        {
            var s = new ushort[codes.Length];
            for (int r = 0; r < codes.Length; r++) s[r] = (ushort)(codes[r] + 1);
            return new CodeArray(null, s, null, codes.Length).Compact();
        }
        return new CodeArray(null, null, codes, codes.Length).Compact();
    }

    internal static CodeArray Wrap(byte[]? b, ushort[]? s, int[]? i, int count) => new(b, s, i, count);

    /// <summary>
    /// The same codes in the constant form when the column holds at most one distinct value, else (when
    /// <paramref name="runs"/> allows it) in runs when that takes at most a quarter of the plain form's memory, else
    /// this array. Runs are only for columns rules do not read row by row (USUBJID of a table grouped by subject): a
    /// row's code then costs a binary search.
    /// </summary>
    public CodeArray Compact(bool runs = false)
    {
        int width = BytesPerRow;
        if (width == 0 || Count == 0) return this;
        int max = -1, runCount = 0, previous = int.MinValue;
        long runBudget = runs ? (long)Count * width / 4 / 8 : 0;
        bool runsFit = runs;
        for (int r = 0; r < Count; r++)
        {
            int code = this[r];
            if (code > max) max = code;
            if (code != previous)
            {
                previous = code;
                if (++runCount > runBudget) runsFit = false;
                if (!runsFit && max > 0) return this;
            }
        }
        if (max <= 0)
        {
            ulong[]? present = null;
            int missing = CountMissing();
            if (missing > 0 && missing < Count)
            {
                present = new ulong[(Count + 63) >> 6];
                for (int r = 0; r < Count; r++)
                    if (this[r] == 0) present[r >> 6] |= 1UL << (r & 63);
            }
            return new CodeArray(present, missing == Count ? -1 : 0, Count);
        }
        if (!runsFit) return this;
        var starts = new int[runCount];
        var codes = new int[runCount];
        previous = int.MinValue;
        for (int r = 0, k = 0; r < Count; r++)
        {
            int code = this[r];
            if (code == previous) continue;
            (starts[k], codes[k]) = (r, code);
            k++;
            previous = code;
        }
        return new CodeArray(starts, codes, Count);
    }

    public CodeArray Select(ReadOnlySpan<int> rows)
    {
        if (_b is not null)
        {
            var b = new byte[rows.Length];
            for (int k = 0; k < rows.Length; k++) b[k] = _b[rows[k]];
            return new CodeArray(b, null, null, rows.Length).Compact();
        }
        if (_s is not null)
        {
            var s = new ushort[rows.Length];
            for (int k = 0; k < rows.Length; k++) s[k] = _s[rows[k]];
            return new CodeArray(null, s, null, rows.Length).Compact();
        }
        var i = new int[rows.Length];
        for (int k = 0; k < rows.Length; k++) i[k] = this[rows[k]];
        return FromCodes(i, _i is not null ? int.MaxValue : i.Length == 0 ? 0 : i.Max() + 1);
    }

    public int CountMissing()
    {
        int n = 0;
        if (_b is not null) { foreach (var c in _b) if (c == 0) n++; }
        else if (_s is not null) { foreach (var c in _s) if (c == 0) n++; }
        else if (_i is not null) { foreach (var c in _i) if (c < 0) n++; }
        else if (_isConstant)
        {
            if (_present is null) return _constant < 0 ? Count : 0;
            int present = 0;
            foreach (var word in _present) present += System.Numerics.BitOperations.PopCount(word);
            return Count - present;
        }
        else
            for (int k = 0; k < _runStart!.Length; k++)
                if (_runCode![k] < 0) n += (k + 1 < _runStart.Length ? _runStart[k + 1] : Count) - _runStart[k];
        return n;
    }
}

/// <summary>Appends codes, widening the storage only when a code no longer fits.</summary>
internal sealed class CodeArrayBuilder
{
    private byte[]? _b;
    private ushort[]? _s;
    private int[]? _i;
    private int _count;

    /// <summary>
    /// A builder for about <paramref name="capacity"/> codes: a reader that knows its row count up front (Parquet
    /// metadata) fills arrays of the final size, with no growth copies and no trimming copy at the end.
    /// </summary>
    public CodeArrayBuilder(int capacity = 256) => _b = new byte[Math.Max(0, capacity)];

    public int Count => _count;

    public void Add(int code)
    {
        if (_b is not null)
        {
            if ((uint)(code + 1) < byte.MaxValue)
            {
                if (_count == _b.Length) Array.Resize(ref _b, Grow(_b.Length));
                _b[_count++] = (byte)(code + 1);
                return;
            }
            _s = new ushort[Math.Max(_b.Length, 256)];
            for (int r = 0; r < _count; r++) _s[r] = _b[r];
            _b = null;
        }
        if (_s is not null)
        {
            if ((uint)(code + 1) < ushort.MaxValue)
            {
                if (_count == _s.Length) Array.Resize(ref _s, Grow(_s.Length));
                _s[_count++] = (ushort)(code + 1);
                return;
            }
            _i = new int[Math.Max(_s.Length, 256)];
            for (int r = 0; r < _count; r++) _i[r] = _s[r] - 1;
            _s = null;
        }
        if (_count == _i!.Length) Array.Resize(ref _i, Grow(_i.Length));
        _i[_count++] = code;
    }

    /// <summary>Appends codes (−1 for missing) in one pass, widening once for the largest of them.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void AddRange(ReadOnlySpan<int> codes)
    {
        if (codes.IsEmpty) return;
        int max = -1;
        foreach (int code in codes) max = Math.Max(max, code);
        // Adding the largest code first widens the storage as Add would; it is then overwritten in order.
        int start = _count;
        Add(max);
        _count = start;
        if (_b is not null)
        {
            if (_b.Length - _count < codes.Length) Array.Resize(ref _b, (int)Math.Min(Array.MaxLength, Math.Max(Grow(_b.Length), (long)_count + codes.Length)));
            var target = _b.AsSpan(_count, codes.Length);
            for (int k = 0; k < codes.Length; k++) target[k] = (byte)(codes[k] + 1);
        }
        else if (_s is not null)
        {
            if (_s.Length - _count < codes.Length) Array.Resize(ref _s, (int)Math.Min(Array.MaxLength, Math.Max(Grow(_s.Length), (long)_count + codes.Length)));
            var target = _s.AsSpan(_count, codes.Length);
            for (int k = 0; k < codes.Length; k++) target[k] = (ushort)(codes[k] + 1);
        }
        else
        {
            if (_i!.Length - _count < codes.Length) Array.Resize(ref _i, (int)Math.Min(Array.MaxLength, Math.Max(Grow(_i.Length), (long)_count + codes.Length)));
            codes.CopyTo(_i.AsSpan(_count));
        }
        _count += codes.Length;
    }

    public int Get(int row) => _b is not null ? _b[row] - 1 : _s is not null ? _s[row] - 1 : _i![row];

    public CodeArray Build()
    {
        if (_b is not null) return CodeArray.Wrap(Trim(_b, _count), null, null, _count).Compact();
        if (_s is not null) return CodeArray.Wrap(null, Trim(_s, _count), null, _count).Compact();
        return CodeArray.Wrap(null, null, Trim(_i!, _count), _count).Compact();
    }

    // Grow by half rather than doubling: columns of tens of millions of rows should not reserve twice their size.
    internal static int Grow(int length) => (int)Math.Min(Array.MaxLength, Math.Max(256L, length + (long)length / 2));

    private static T[] Trim<T>(T[] array, int count)
    {
        if (array.Length == count) return array;
        var trimmed = new T[count];
        Array.Copy(array, trimmed, count);
        return trimmed;
    }
}
