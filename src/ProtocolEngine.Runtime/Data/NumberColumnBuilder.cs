namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Builds a <see cref="NumberColumn"/> one value at a time. While the column has fewer than 65,535 distinct
/// values it stores codes (one or two bytes a row); past that it switches to plain doubles. Not thread-safe.
/// </summary>
public sealed class NumberColumnBuilder
{
    private const int MaxDistinct = ushort.MaxValue - 1;

    // Keyed by the bits, not the value: -0.0 equals 0.0 as a double yet must read back as itself.
    private Dictionary<long, int>? _index = [];
    private List<double>? _distinct = [];
    private CodeArrayBuilder? _codes;
    private double[]? _raw;
    private byte[]? _kinds;
    private int _count;

    /// <summary>Creates a builder.</summary>
    public NumberColumnBuilder()
        : this(256)
    {
    }

    /// <summary>A builder for a known number of rows (a Parquet reader knows it from the file's metadata): no growth copies.</summary>
    internal NumberColumnBuilder(int capacity)
    {
        _codes = new CodeArrayBuilder(capacity);
        _capacity = capacity;
    }

    private readonly int _capacity;
    private const int CacheBits = 10;
    private long[]? _cacheBits;
    private int[]? _cacheCodes; // code + 1, so that 0 is an empty slot
    private double _lastValue = double.NaN;
    private int _lastCode = -1;

    /// <summary>The number of values added.</summary>
    public int Count => _count;

    /// <summary>Adds a value; NaN is an ordinary missing value.</summary>
    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            AddMissing('.');
            return;
        }
        if (_codes is not null)
        {
            // Sorted or repeated values (sequence numbers, visit numbers, reference ranges) skip the hash lookup.
            // Compared bit for bit: -0.0 and 0.0 are equal as doubles but must keep their own codes.
            if (BitConverter.DoubleToInt64Bits(value) == BitConverter.DoubleToInt64Bits(_lastValue))
            {
                _codes.Add(_lastCode);
                _count++;
                return;
            }
            long bits = BitConverter.DoubleToInt64Bits(value);
            // A small direct-mapped cache in front of the dictionary: results and dates cycle through a few values.
            int slot = (int)((ulong)(bits * -7046029254386353131L) >> (64 - CacheBits));
            _cacheBits ??= new long[1 << CacheBits];
            _cacheCodes ??= new int[1 << CacheBits];
            if (_cacheBits[slot] == bits && _cacheCodes[slot] > 0)
            {
                int cached = _cacheCodes[slot] - 1;
                (_lastValue, _lastCode) = (value, cached);
                _codes.Add(cached);
                _count++;
                return;
            }
            if (!_index!.TryGetValue(bits, out int code))
            {
                if (_distinct!.Count >= MaxDistinct)
                {
                    SwitchToRaw();
                    AddRaw(value);
                    return;
                }
                code = _distinct.Count;
                _distinct.Add(value);
                _index.Add(BitConverter.DoubleToInt64Bits(value), code);
            }
            (_lastValue, _lastCode) = (value, code);
            (_cacheBits[slot], _cacheCodes[slot]) = (bits, code + 1);
            _codes.Add(code);
            _count++;
            return;
        }
        AddRaw(value);
    }

    /// <summary>
    /// Adds values as <see cref="Add(double)"/> does one by one, a batch of codes at a time (a Parquet page's plain
    /// numbers): the last value, the cache and the codes stay in registers and the cache rather than fields.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal void AddRange(ReadOnlySpan<double> values)
    {
        Span<int> batch = stackalloc int[256];
        _cacheBits ??= new long[1 << CacheBits];
        _cacheCodes ??= new int[1 << CacheBits];
        var cacheBits = _cacheBits;
        var cacheCodes = _cacheCodes;
        while (!values.IsEmpty && _codes is not null)
        {
            int n = Math.Min(batch.Length, values.Length), k = 0;
            long lastBits = BitConverter.DoubleToInt64Bits(_lastValue);
            int lastCode = _lastCode;
            for (; k < n; k++)
            {
                double value = values[k];
                if (double.IsNaN(value))
                {
                    batch[k] = -1;
                    continue;
                }
                long bits = BitConverter.DoubleToInt64Bits(value);
                if (bits == lastBits)
                {
                    batch[k] = lastCode;
                    continue;
                }
                int slot = (int)((ulong)(bits * -7046029254386353131L) >> (64 - CacheBits));
                int code;
                if (cacheBits[slot] == bits && cacheCodes[slot] > 0) code = cacheCodes[slot] - 1;
                else
                {
                    if (!_index!.TryGetValue(bits, out code))
                    {
                        // The dictionary is full: this value and the rest go through Add, which switches to doubles.
                        if (_distinct!.Count >= MaxDistinct) break;
                        code = _distinct.Count;
                        _distinct.Add(value);
                        _index.Add(bits, code);
                    }
                    (cacheBits[slot], cacheCodes[slot]) = (bits, code + 1);
                }
                (lastBits, lastCode) = (bits, code);
                batch[k] = code;
            }
            _codes.AddRange(batch[..k]);
            _count += k;
            (_lastValue, _lastCode) = (BitConverter.Int64BitsToDouble(lastBits), lastCode);
            values = values[k..];
            if (k < n) break;
        }
        foreach (double value in values) Add(value);
    }

    /// <summary>Adds a missing value of a SAS kind: '.', '_' or 'A'-'Z'.</summary>
    public void AddMissing(char kind = '.')
    {
        if (kind != '.' && kind != '\0')
        {
            _kinds ??= new byte[Math.Max(256, _count + 1)];
            if (_count >= _kinds.Length) Array.Resize(ref _kinds, CodeArrayBuilder.Grow(Math.Max(_kinds.Length, _count + 1)));
            _kinds[_count] = (byte)kind;
        }
        if (_codes is not null)
        {
            _codes.Add(-1);
            _count++;
        }
        else AddRaw(double.NaN);
    }

    /// <summary>The raw value of an added row (NaN when missing).</summary>
    public double Peek(int row)
    {
        if (_codes is not null)
        {
            int code = _codes.Get(row);
            return code < 0 ? double.NaN : _distinct![code];
        }
        return _raw![row];
    }

    /// <summary>Builds the column.</summary>
    public NumberColumn Build(string name, ColumnMetadata? metadata = null)
    {
        byte[]? kinds = null;
        if (_kinds is not null)
        {
            kinds = new byte[_count];
            Array.Copy(_kinds, kinds, Math.Min(_count, _kinds.Length));
        }
        if (_codes is not null) return new NumberColumn(name, metadata ?? ColumnMetadata.Empty, _codes.Build(), [.. _distinct!], kinds);
        var values = _raw!.Length == _count ? _raw : _raw[.._count];
        return new NumberColumn(name, metadata ?? ColumnMetadata.Empty, values, kinds);
    }

    private void AddRaw(double value)
    {
        if (_count == _raw!.Length) Array.Resize(ref _raw, CodeArrayBuilder.Grow(_raw.Length));
        _raw[_count++] = value;
    }

    private void SwitchToRaw()
    {
        _raw = new double[Math.Max(Math.Max(256, _capacity), _count + _count / 2)];
        for (int r = 0; r < _count; r++)
        {
            int code = _codes!.Get(r);
            _raw[r] = code < 0 ? double.NaN : _distinct![code];
        }
        _codes = null;
        _index = null;
        _distinct = null;
    }
}
