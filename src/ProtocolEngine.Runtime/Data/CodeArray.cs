namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Per-row dictionary codes stored in the narrowest width that holds them: one byte while a column has fewer
/// than 255 distinct values, two bytes below 65,535, four bytes beyond. Clinical columns are mostly codes
/// (test codes, units, flags, visits), so most cost one byte per row. Code −1 means missing.
/// </summary>
internal sealed class CodeArray
{
    // Narrow widths store code + 1 so that 0 can mean missing.
    private readonly byte[]? _b;
    private readonly ushort[]? _s;
    private readonly int[]? _i;

    private CodeArray(byte[]? b, ushort[]? s, int[]? i, int count)
    {
        _b = b;
        _s = s;
        _i = i;
        Count = count;
    }

    public int Count { get; }

    /// <summary>The one-byte codes (code + 1, 0 for missing) when the column is that narrow, for loops that read many rows.</summary>
    public byte[]? Bytes => _b;

    public int BytesPerRow => _b is not null ? 1 : _s is not null ? 2 : 4;

    public int this[int row]
    {
        get
        {
            if (_b is not null) return _b[row] - 1;
            if (_s is not null) return _s[row] - 1;
            return _i![row];
        }
    }

    public static CodeArray FromCodes(int[] codes, int distinct)
    {
        if (distinct < byte.MaxValue)
        {
            var b = new byte[codes.Length];
            for (int r = 0; r < codes.Length; r++) b[r] = (byte)(codes[r] + 1);
            return new CodeArray(b, null, null, codes.Length);
        }
        if (distinct < ushort.MaxValue)
        {
            var s = new ushort[codes.Length];
            for (int r = 0; r < codes.Length; r++) s[r] = (ushort)(codes[r] + 1);
            return new CodeArray(null, s, null, codes.Length);
        }
        return new CodeArray(null, null, codes, codes.Length);
    }

    internal static CodeArray Wrap(byte[]? b, ushort[]? s, int[]? i, int count) => new(b, s, i, count);

    public CodeArray Select(ReadOnlySpan<int> rows)
    {
        if (_b is not null)
        {
            var b = new byte[rows.Length];
            for (int k = 0; k < rows.Length; k++) b[k] = _b[rows[k]];
            return new CodeArray(b, null, null, rows.Length);
        }
        if (_s is not null)
        {
            var s = new ushort[rows.Length];
            for (int k = 0; k < rows.Length; k++) s[k] = _s[rows[k]];
            return new CodeArray(null, s, null, rows.Length);
        }
        var i = new int[rows.Length];
        for (int k = 0; k < rows.Length; k++) i[k] = _i![rows[k]];
        return new CodeArray(null, null, i, rows.Length);
    }

    public int CountMissing()
    {
        int n = 0;
        if (_b is not null) { foreach (var c in _b) if (c == 0) n++; }
        else if (_s is not null) { foreach (var c in _s) if (c == 0) n++; }
        else foreach (var c in _i!) if (c < 0) n++;
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

    public int Get(int row) => _b is not null ? _b[row] - 1 : _s is not null ? _s[row] - 1 : _i![row];

    public CodeArray Build()
    {
        if (_b is not null) return CodeArray.Wrap(Trim(_b, _count), null, null, _count);
        if (_s is not null) return CodeArray.Wrap(null, Trim(_s, _count), null, _count);
        return CodeArray.Wrap(null, null, Trim(_i!, _count), _count);
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
