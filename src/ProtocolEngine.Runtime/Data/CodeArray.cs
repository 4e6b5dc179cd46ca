using System.Runtime.Intrinsics;

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

    /// <summary>The two-byte codes (code + 1, 0 for missing) when the column is that wide, for loops that read many rows.</summary>
    public ushort[]? Shorts => _s;

    /// <summary>Bytes per row of the plain forms (1, 2 or 4); 0 for the constant and run forms, which cost less than a byte a row.</summary>
    public int BytesPerRow => _b is not null ? 1 : _s is not null ? 2 : _i is not null ? 4 : 0;

    /// <summary>Approximate bytes held.</summary>
    public long MemoryBytes =>
        _b is not null ? _b.LongLength : _s is not null ? _s.LongLength * 2 : _i is not null ? _i.LongLength * 4
        : _isConstant ? (_present?.LongLength ?? 0) * 8 : _runStart!.LongLength * 8;

    public int this[int row]
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
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

    /// <summary>The constant form built directly (what <see cref="Compact"/> gives a column of at most one distinct value).</summary>
    internal static CodeArray Constant(ulong[]? present, int constant, int count) => new(present, constant, count);

    /// <summary>The run form built directly (what <see cref="Compact"/> with runs gives).</summary>
    internal static CodeArray Runs(int[] runStart, int[] runCode, int count) => new(runStart, runCode, count);

    /// <summary>The runs of the run form (null otherwise), for readers that walk the rows in order.</summary>
    internal (int[] Start, int[] Code)? RunsOrNull => _runStart is null ? null : (_runStart, _runCode!);

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

/// <summary>
/// Appends codes, widening the storage only when a code no longer fits. Storage is allocated on the first code, in the
/// form <see cref="Prepare"/> chose when the reader knew the column's distinct values beforehand (a Parquet column's
/// dictionaries): the final width at once, a bit a row for a column of one value, runs for USUBJID. A code that does
/// not fit the chosen form turns it into the plain form, so the codes kept are always exactly the codes added.
/// </summary>
internal sealed class CodeArrayBuilder
{
    private byte[]? _b;
    private ushort[]? _s;
    private int[]? _i;
    // One value: bit set = code 0, clear = missing, while every code is 0 or −1.
    private ulong[]? _bits;
    // Runs: first row and code of each run, while they stay within _runBudget (what Compact(runs: true) allows).
    private int[]? _runStart;
    private int[]? _runCode;
    private int _runs;
    private long _runBudget;
    private int _width = 1;
    private readonly int _capacity;
    private int _count;
    // The first codes of a large column whose width nobody chose (a number column: its distinct values are not known
    // before its rows), held until the width they need is seen, so that tens of millions of rows are not first stored a
    // byte wide and then copied two bytes wide when the 255th distinct value comes a few thousand rows in.
    private int[]? _staged;
    private int _stagedMax = -1;
    // Below the large-object heap's threshold: the staging buffer is a short-lived small object.
    private const int StagedCodes = 16_384;
    private const int StagingFromCapacity = 1 << 20;

    /// <summary>
    /// A builder for about <paramref name="capacity"/> codes: a reader that knows its row count up front (Parquet
    /// metadata) fills arrays of the final size, with no growth copies and no trimming copy at the end.
    /// </summary>
    public CodeArrayBuilder(int capacity = 256) => _capacity = Math.Max(0, capacity);

    public int Count => _count;

    /// <summary>The number of codes the builder was sized for.</summary>
    public int Capacity => _capacity;

    private bool Started => _b is not null || _s is not null || _i is not null || _bits is not null || _runStart is not null;

    /// <summary>
    /// Chooses the storage for a column known to hold <paramref name="distinct"/> distinct values (before any code is
    /// added): a bit a row for at most one, else the narrowest width that holds them, as runs when <paramref name="runs"/>
    /// (USUBJID of a table grouped by subject) while they save what <see cref="CodeArray.Compact"/> requires.
    /// </summary>
    public void Prepare(int distinct, bool runs)
    {
        if (Started || _staged is not null) return;
        _width = distinct < byte.MaxValue ? 1 : distinct < ushort.MaxValue ? 2 : 4;
        if (distinct <= 1) _bits = new ulong[(_capacity + 63) >> 6];
        else if (runs && distinct <= (long)_capacity * _width / 4 / 8)
        {
            _runBudget = (long)_capacity * _width / 4 / 8;
            // Each distinct value is at least one run, and a column grouped by subject holds exactly one a subject: sized
            // so, the run arrays are never grown (nor trimmed, a copy each, at the end) for the usual file.
            int initial = (int)Math.Min(_runBudget, Math.Max(distinct, 16));
            _runStart = new int[initial];
            _runCode = new int[initial];
        }
        // More distinct values than the runs may number (a table of a few rows a subject): the runs could only overflow and
        // be copied into the plain form, so the plain form is chosen at once.
        else Allocate(_width, Math.Max(_capacity, 256));
    }

    private void Allocate(int width, int length)
    {
        switch (width)
        {
            case 1: _b = new byte[length]; break;
            case 2: _s = new ushort[length]; break;
            default: _i = new int[length]; break;
        }
    }

    public void Add(int code)
    {
        if (_b is not null && (uint)(code + 1) < byte.MaxValue && _count < _b.Length)
        {
            _b[_count++] = (byte)(code + 1);
            return;
        }
        AddSlow(code);
    }

    private bool Staging => _staged is not null || (!Started && _capacity >= StagingFromCapacity);

    /// <summary>Stages codes while the storage is undecided; returns how many it took (all, unless staging ended).</summary>
    private int Stage(ReadOnlySpan<int> codes)
    {
        _staged ??= new int[StagedCodes];
        int n = Math.Min(codes.Length, StagedCodes - _count);
        var target = _staged.AsSpan(_count, n);
        codes[..n].CopyTo(target);
        int max = _stagedMax;
        foreach (int code in target) max = Math.Max(max, code);
        (_stagedMax, _count) = (max, _count + n);
        if (_count == StagedCodes) Unstage();
        return n;
    }

    /// <summary>Allocates the storage the staged codes need and moves them there; staging is over.</summary>
    private void Unstage()
    {
        if (_staged is not { } staged) return;
        int count = _count;
        (_staged, _count) = (null, 0);
        Allocate(WidthOf(_stagedMax), Math.Max(_capacity, 256));
        AddRange(staged.AsSpan(0, count));
    }

    private void AddSlow(int code)
    {
        if (Staging)
        {
            Stage([code]);
            return;
        }
        if (!Started) Allocate(1, Math.Max(_capacity, 256));
        if (_bits is not null)
        {
            if (code is 0 or -1 && _count < (long)_bits.Length * 64)
            {
                if (code == 0) _bits[_count >> 6] |= 1UL << (_count & 63);
                _count++;
                return;
            }
            ToPlain(Math.Max(1, WidthOf(code)));
        }
        else if (_runStart is not null)
        {
            if (_runs > 0 && _runCode![_runs - 1] == code)
            {
                _count++;
                return;
            }
            if (_runs < _runBudget)
            {
                if (_runs == _runStart.Length)
                {
                    int grown = (int)Math.Min(_runBudget, Grow(_runStart.Length));
                    Array.Resize(ref _runStart, grown);
                    Array.Resize(ref _runCode, grown);
                }
                (_runStart[_runs], _runCode![_runs]) = (_count, code);
                _runs++;
                _count++;
                return;
            }
            ToPlain(Math.Max(_width, WidthOf(code)));
        }
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

    private static int WidthOf(int code) => (uint)(code + 1) < byte.MaxValue ? 1 : (uint)(code + 1) < ushort.MaxValue ? 2 : 4;

    /// <summary>Turns the bit or run form into a plain array of at least <paramref name="width"/> bytes a code.</summary>
    private void ToPlain(int width)
    {
        int length = Math.Max(Math.Max(_capacity, _count + 1), 256);
        var codes = new int[Math.Min(_count, 1 << 16)];
        var bits = _bits;
        var runStart = _runStart;
        var runCode = _runCode;
        int runs = _runs, count = _count;
        (_bits, _runStart, _runCode, _runs) = (null, null, null, 0);
        Allocate(width, length);
        _count = 0;
        // Re-added in blocks through the plain path (which cannot turn back into these forms).
        int run = 0;
        for (int from = 0; from < count; from += codes.Length)
        {
            int n = Math.Min(codes.Length, count - from);
            for (int k = 0; k < n; k++)
            {
                int row = from + k;
                if (bits is not null) codes[k] = (bits[row >> 6] & (1UL << (row & 63))) != 0 ? 0 : -1;
                else
                {
                    while (run + 1 < runs && runStart![run + 1] <= row) run++;
                    codes[k] = runCode![run];
                }
            }
            AddRange(codes.AsSpan(0, n));
        }
    }

    /// <summary>Appends codes (−1 for missing) in one pass, widening once for the largest of them.</summary>
    public void AddRange(ReadOnlySpan<int> codes) => AddRange(codes, UnknownMax);

    /// <summary>The <c>max</c> of <see cref="AddRange(ReadOnlySpan{int}, int)"/> when the caller does not know it.</summary>
    public const int UnknownMax = int.MinValue;

    /// <summary>
    /// Appends codes (−1 for missing), widening once for <paramref name="max"/>: at least the largest of them and at most a
    /// code added before or among them (a reader that tracked it while mapping the batch spares a pass over it), or
    /// <see cref="UnknownMax"/> to have it found here.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void AddRange(ReadOnlySpan<int> codes, int max)
    {
        if (codes.IsEmpty) return;
        while (!codes.IsEmpty && Staging) codes = codes[Stage(codes)..];
        if (codes.IsEmpty) return;
        while (!codes.IsEmpty && (_bits is not null || _runStart is not null || !Started))
        {
            // The bit and run forms take a batch in a tight loop (a constant column, USUBJID), stopping at the first code
            // that does not fit them, which AddSlow then adds (turning the storage plain when it must).
            int k = 0;
            if (_bits is not null)
            {
                var bits = _bits;
                int count = _count;
                long room = (long)bits.Length * 64;
                for (; k < codes.Length; k++)
                {
                    int code = codes[k];
                    if ((uint)(code + 1) > 1u || count >= room) break;
                    if (code == 0) bits[count >> 6] |= 1UL << (count & 63);
                    count++;
                }
                _count = count;
            }
            else if (_runStart is not null && _runs > 0)
            {
                int last = _runCode![_runs - 1];
                while (k < codes.Length && codes[k] == last) k++;
                _count += k;
            }
            if (k < codes.Length) AddSlow(codes[k++]);
            codes = codes[k..];
        }
        if (codes.IsEmpty) return;
        if (max == UnknownMax)
        {
            max = -1;
            foreach (int code in codes) max = Math.Max(max, code);
        }
        // Adding the largest code first widens the storage as Add would (a code added before already fits); it is then
        // overwritten in order.
        int start = _count;
        AddSlow(max);
        _count = start;
        if (_b is not null)
        {
            if (_b.Length - _count < codes.Length) Array.Resize(ref _b, (int)Math.Min(Array.MaxLength, Math.Max(Grow(_b.Length), (long)_count + codes.Length)));
            NarrowToBytes(codes, _b.AsSpan(_count, codes.Length));
        }
        else if (_s is not null)
        {
            if (_s.Length - _count < codes.Length) Array.Resize(ref _s, (int)Math.Min(Array.MaxLength, Math.Max(Grow(_s.Length), (long)_count + codes.Length)));
            NarrowToShorts(codes, _s.AsSpan(_count, codes.Length));
        }
        else
        {
            if (_i!.Length - _count < codes.Length) Array.Resize(ref _i, (int)Math.Min(Array.MaxLength, Math.Max(Grow(_i.Length), (long)_count + codes.Length)));
            codes.CopyTo(_i.AsSpan(_count));
        }
        _count += codes.Length;
    }

    /// <summary>
    /// Stores each code + 1 in a byte (every code below 254): 32 codes a step where the processor has 256-bit vectors,
    /// the narrowing being most of what is left of adding a batch of a one-byte column.
    /// </summary>
    internal static void NarrowToBytes(ReadOnlySpan<int> codes, Span<byte> target)
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated && codes.Length >= 32)
        {
            ref int source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(codes);
            ref byte into = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(target);
            var one = Vector256<uint>.One;
            for (; k + 32 <= codes.Length; k += 32)
            {
                // Code + 1 is 0 to 254: narrowing (which keeps the low bits, lanes in order) loses nothing.
                var a = Vector256.LoadUnsafe(ref source, (nuint)k).AsUInt32() + one;
                var b = Vector256.LoadUnsafe(ref source, (nuint)(k + 8)).AsUInt32() + one;
                var c = Vector256.LoadUnsafe(ref source, (nuint)(k + 16)).AsUInt32() + one;
                var d = Vector256.LoadUnsafe(ref source, (nuint)(k + 24)).AsUInt32() + one;
                Vector256.Narrow(Vector256.Narrow(a, b), Vector256.Narrow(c, d))
                    .StoreUnsafe(ref into, (nuint)k);
            }
        }
        for (; k < codes.Length; k++) target[k] = (byte)(codes[k] + 1);
    }

    /// <summary>
    /// Stores each code + 1 in two bytes (every code below 65,534): 16 codes a step where the processor has 256-bit
    /// vectors, as <see cref="NarrowToBytes"/> does for a one-byte column (number columns and dates of a large study are
    /// mostly two bytes wide, and their loop a code at a time was most of what adding a batch of them cost).
    /// </summary>
    internal static void NarrowToShorts(ReadOnlySpan<int> codes, Span<ushort> target)
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated && codes.Length >= 16)
        {
            ref int source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(codes);
            ref ushort into = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(target);
            var one = Vector256<uint>.One;
            for (; k + 16 <= codes.Length; k += 16)
            {
                // Code + 1 is 0 to 65,534: narrowing (which keeps the low bits, lanes in order) loses nothing.
                var a = Vector256.LoadUnsafe(ref source, (nuint)k).AsUInt32() + one;
                var b = Vector256.LoadUnsafe(ref source, (nuint)(k + 8)).AsUInt32() + one;
                Vector256.Narrow(a, b).StoreUnsafe(ref into, (nuint)k);
            }
        }
        for (; k < codes.Length; k++) target[k] = (ushort)(codes[k] + 1);
    }

    public int Get(int row)
    {
        if (_b is not null) return _b[row] - 1;
        if (_staged is not null) return (uint)row < (uint)_count ? _staged[row] : throw new IndexOutOfRangeException();
        if (_s is not null) return _s[row] - 1;
        if (_i is not null) return _i[row];
        if ((uint)row >= (uint)_count) throw new IndexOutOfRangeException();
        if (_bits is not null) return (_bits[row >> 6] & (1UL << (row & 63))) != 0 ? 0 : -1;
        int low = 0, high = _runs - 1;
        while (low < high)
        {
            int mid = (low + high + 1) >>> 1;
            if (_runStart![mid] <= row) low = mid;
            else high = mid - 1;
        }
        return _runCode![low];
    }

    public CodeArray Build()
    {
        Unstage();
        // No codes: the plain form, as the array of a reader that added none has always been.
        if (_count == 0) return CodeArray.Wrap([], null, null, 0);
        if (_bits is not null)
        {
            int words = (_count + 63) >> 6;
            if ((_count & 63) != 0) _bits[words - 1] &= (1UL << (_count & 63)) - 1;
            long present = 0;
            for (int w = 0; w < words; w++) present += System.Numerics.BitOperations.PopCount(_bits[w]);
            if (present == 0) return CodeArray.Constant(null, -1, _count);
            if (present == _count) return CodeArray.Constant(null, 0, _count);
            return CodeArray.Constant(_bits.Length == words ? _bits : _bits[..words], 0, _count);
        }
        if (_runStart is not null)
        {
            // What Compact would give: at most one distinct value is the constant form, else the runs.
            int max = -1;
            for (int k = 0; k < _runs; k++) max = Math.Max(max, _runCode![k]);
            if (max <= 0)
            {
                ToPlain(1);
                return Build();
            }
            return CodeArray.Runs(_runStart.Length == _runs ? _runStart : _runStart[.._runs], _runCode!.Length == _runs ? _runCode : _runCode[.._runs], _count);
        }
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
