using System.Runtime.CompilerServices;

namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// A subject's rows of a table grouped by the dictionary code of one text column: within each subject's block the
/// rows are listed by code, and within a code in row order. A query filtering a subject's records on a coded test
/// (<c>L.LBTESTCD = 'ALT'</c>) then visits only the rows holding that code instead of scanning all the subject's
/// records once per rule. Built once per column, on first use, in two counting passes over the column; each entry
/// is the row's offset within its subject's block, one byte wide while no subject has more than 256 rows.
/// </summary>
/// <remarks>
/// A block holding rows where the column is missing is not served (<see cref="Find"/> says so): those rows must be
/// visited in row order among the coded ones, which the caller's ordinary scan does. Immutable and thread-safe.
/// </remarks>
internal sealed class SubjectCodeIndex
{
    private readonly TextColumn _column;
    private readonly byte[]? _b;
    private readonly ushort[]? _s;
    private readonly int[]? _i;

    private readonly byte[]? _codeBytes;

    private readonly int[] _blockStart;
    private readonly int _widest;

    // Each code's first rows (FirstRowsOf), by code + 1 (entry 0: a code no row holds), built on first use.
    private readonly FirstRows?[] _firsts;

    private SubjectCodeIndex(TextColumn column, int[] blockStart, int widest, byte[]? b, ushort[]? s, int[]? i)
    {
        _column = column;
        _blockStart = blockStart;
        _widest = widest;
        _b = b;
        _s = s;
        _i = i;
        // The common case (both the offsets and the column's codes one byte wide) is searched without the width tests.
        _codeBytes = b is not null ? column.CodeBytes : null;
        _firsts = new FirstRows?[column.Dictionary.Count + 1];
    }

    /// <summary>Bytes the index holds (with the first rows built so far).</summary>
    public long MemoryBytes
    {
        get
        {
            long bytes = _b?.LongLength ?? (_s is not null ? _s.LongLength * 2 : _i!.LongLength * 4);
            for (int k = 0; k < _firsts.Length; k++) bytes += Volatile.Read(ref _firsts[k])?.MemoryBytes ?? 0;
            return bytes;
        }
    }

    /// <summary>
    /// Each subject's first row, in row order, that holds <paramref name="code"/> or where the column is missing, whichever
    /// comes first (a code below 0, which no row holds, finds only missing rows): what a walk of the subject's rows looking
    /// for the code's first row meets first. Built on first use for each code, in one pass over the subjects' rows up to
    /// that row, and kept: a property of the data, shared by every query and executable reading the column.
    /// </summary>
    public FirstRows FirstRowsOf(int code)
    {
        int slot = code < 0 ? 0 : code + 1;
        if ((uint)slot >= (uint)_firsts.Length) slot = 0;
        if (Volatile.Read(ref _firsts[slot]) is { } built) return built;
        // Two threads may build the same rows; the first kept is the one every reader gets.
        var made = FirstRows.Build(_column, _blockStart, _widest, slot - 1);
        return Interlocked.CompareExchange(ref _firsts[slot], made, null) ?? made;
    }

    /// <summary>
    /// Each subject's first row holding one code or missing the column (<see cref="FirstRowsOf"/>): one byte a subject
    /// (the row's offset in the subject's block) while no subject has more than 254 rows, else the rows themselves.
    /// Immutable and thread-safe.
    /// </summary>
    internal sealed class FirstRows
    {
        /// <summary><see cref="At"/> for a subject none of whose rows holds the code or misses the column.</summary>
        public const int None = -1;

        /// <summary><see cref="At"/> for a subject with a row missing the column before any row holding the code.</summary>
        public const int MissingFirst = -2;

        private readonly int[] _blockStart;

        // 0: None, 1: MissingFirst, else the row's offset in its block + 2.
        private readonly byte[]? _offsets;

        // None, MissingFirst or the row, when a block is too wide for a byte.
        private readonly int[]? _rows;

        private FirstRows(int[] blockStart, byte[]? offsets, int[]? rows) => (_blockStart, _offsets, _rows) = (blockStart, offsets, rows);

        /// <summary>Bytes held.</summary>
        public long MemoryBytes => _offsets?.LongLength ?? _rows!.LongLength * 4;

        /// <summary>Subject <paramref name="subject"/>'s first row holding the code (a row), or <see cref="None"/> or <see cref="MissingFirst"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int At(int subject)
        {
            if (_offsets is { } offsets)
            {
                int v = offsets[subject];
                return v >= 2 ? _blockStart[subject] + v - 2 : -1 - v; // 0: None (−1), 1: MissingFirst (−2)
            }
            return _rows![subject];
        }

        /// <summary>True when <see cref="At"/> is not <see cref="None"/>: subject <paramref name="subject"/> has a row holding the code or missing the column.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Any(int subject) => _offsets is { } offsets ? offsets[subject] != 0 : _rows![subject] != None;

        /// <summary>The first rows of <paramref name="code"/> (below 0: none) over a table whose subjects' rows start at <paramref name="blockStart"/>, no block wider than <paramref name="widest"/> rows.</summary>
        public static FirstRows Build(TextColumn column, int[] blockStart, int widest, int code)
        {
            int subjects = blockStart.Length - 1;
            bool narrow = widest <= byte.MaxValue - 1;
            var offsets = narrow ? new byte[subjects] : null;
            var rows = narrow ? null : new int[subjects];
            var bytes = column.CodeBytes;
            // One-byte codes are stored as code + 1 (0 for missing); a code no row holds is never met.
            int key = code < 0 ? -1 : code + 1;
            for (int subject = 0; subject < subjects; subject++)
            {
                int start = blockStart[subject], end = blockStart[subject + 1];
                int first = None;
                for (int row = start; row < end; row++)
                {
                    int c = bytes is not null ? bytes[row] : column.CodeAt(row) + 1;
                    if (c == key)
                    {
                        first = row;
                        break;
                    }
                    if (c == 0)
                    {
                        first = MissingFirst;
                        break;
                    }
                }
                if (narrow) offsets![subject] = (byte)(first >= 0 ? first - start + 2 : first == None ? 0 : 1);
                else rows![subject] = first;
            }
            return new FirstRows(blockStart, offsets, rows);
        }
    }

    /// <summary>
    /// The row at <paramref name="position"/> of the block starting at row <paramref name="blockStart"/>: a block's
    /// positions are numbered like its rows, so a subject's positions are its own range of rows, reordered.
    /// </summary>
    public int RowAt(int blockStart, int position) =>
        blockStart + (_b is not null ? _b[position] : _s is not null ? _s[position] : _i![position]);

    /// <summary>
    /// The positions [From, To) of the block <paramref name="start"/>..<paramref name="start"/>+<paramref name="count"/>
    /// (one subject's rows) whose rows hold <paramref name="code"/>, in row order (<see cref="RowAt"/> gives the rows);
    /// false when the index cannot answer because the block has rows where the column is missing.
    /// </summary>
    public bool Find(int start, int count, int code, out int from, out int to)
    {
        from = to = start;
        if (count == 0) return true;
        if (_codeBytes is { } codes) return FindBytes(codes, _b!, start, count, code, out from, out to);
        // Missing (-1) sorts first: one look tells whether the block has any.
        if (_column.CodeAt(RowAt(start, start)) < 0) return false;
        if (code < 0) return true;
        from = LowerBound(start, start, start + count, code);
        to = LowerBound(start, from, start + count, code + 1);
        return true;
    }

    /// <summary><see cref="Find"/> over one-byte offsets and one-byte codes (stored as code + 1, 0 for missing).</summary>
    private static bool FindBytes(byte[] codes, byte[] offsets, int start, int count, int code, out int from, out int to)
    {
        from = to = start;
        if (codes[start + offsets[start]] == 0) return false;
        if (code < 0) return true;
        // The first position whose code is not below the key, without branches on the codes (a binary search's
        // branches go either way at random, and each wrong guess costs more than a step).
        int key = code + 1, low = start, length = count;
        while (length > 0)
        {
            int half = length >>> 1;
            int below = (codes[start + offsets[low + half]] - key) >>> 31;
            low += below * (half + 1);
            length = half + below * (length - 2 * half - 1);
        }
        from = low;
        // A subject holds a code a few times at most: walk to its end rather than search again.
        while (low < start + count && codes[start + offsets[low]] == key) low++;
        to = low;
        return true;
    }

    private int LowerBound(int blockStart, int low, int high, int code)
    {
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (_column.CodeAt(RowAt(blockStart, mid)) < code) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    /// <summary>Builds the index of <paramref name="column"/> over a table whose subjects' rows start at <paramref name="blockStart"/>.</summary>
    public static SubjectCodeIndex Build(TextColumn column, int[] blockStart)
    {
        int rows = column.Count;
        int blocks = blockStart.Length - 1;
        int widest = 0;
        for (int k = 0; k < blocks; k++) widest = Math.Max(widest, blockStart[k + 1] - blockStart[k]);
        // Rows after the last subject (orphans) form one more block.
        widest = Math.Max(widest, rows - blockStart[^1]);

        // Pass 1: rows by code (missing first), stable, so each code's rows ascend.
        int distinct = column.Dictionary.Count;
        var bucket = new int[distinct + 2];
        for (int r = 0; r < rows; r++) bucket[column.CodeAt(r) + 2]++;
        for (int c = 1; c < bucket.Length; c++) bucket[c] += bucket[c - 1];
        var byCode = new int[rows];
        for (int r = 0; r < rows; r++) byCode[bucket[column.CodeAt(r) + 1]++] = r;

        // Pass 2: scattered back into their blocks, stable, so within a block rows are by code and then by row.
        var next = new int[blocks + 1];
        Array.Copy(blockStart, next, blocks + 1);
        var offsets = new int[rows];
        int block = 0;
        int previous = -1;
        foreach (int r in byCode)
        {
            // Within one code the rows ascend, so the block moves forward; a new code starts again from the first block.
            if (r < previous) block = 0;
            previous = r;
            block = BlockOf(blockStart, r, block);
            offsets[next[block]++] = r - blockStart[block];
        }

        if (widest <= byte.MaxValue + 1) return new SubjectCodeIndex(column, blockStart, widest, Array.ConvertAll(offsets, o => (byte)o), null, null);
        if (widest <= ushort.MaxValue + 1) return new SubjectCodeIndex(column, blockStart, widest, null, Array.ConvertAll(offsets, o => (ushort)o), null);
        return new SubjectCodeIndex(column, blockStart, widest, null, null, offsets);
    }

    /// <summary>The block holding row <paramref name="row"/>, searching forward from <paramref name="from"/> (galloping, then binary).</summary>
    private static int BlockOf(int[] blockStart, int row, int from)
    {
        int blocks = blockStart.Length - 1;
        if (row >= blockStart[^1]) return blocks;
        if (blockStart[from + 1] > row) return from;
        int step = 1, low = from + 1;
        while (low + step < blocks && blockStart[low + step] <= row) { low += step; step <<= 1; }
        int high = Math.Min(blocks - 1, low + step);
        // The block is the last k in [low, high] with blockStart[k] <= row.
        while (low < high)
        {
            int mid = (low + high + 1) >>> 1;
            if (blockStart[mid] <= row) low = mid;
            else high = mid - 1;
        }
        return low;
    }
}
