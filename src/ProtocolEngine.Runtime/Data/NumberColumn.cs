namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Numeric values as doubles (what XPT and Dataset-JSON carry). A missing value is NaN; SAS's special
/// missing values (<c>.A</c>-<c>.Z</c>, <c>._</c>) are kept in a side array so a round trip preserves them.
/// Columns with few distinct values (visit numbers, reference ranges, sequence numbers, most lab results
/// rounded to their precision) are stored as one- or two-byte codes into a table of distinct values.
/// </summary>
public sealed class NumberColumn : Column
{
    private readonly double[]? _values;
    private readonly CodeArray? _codes;
    private readonly double[]? _distinct;
    private readonly byte[]? _missingKinds;

    /// <summary>Creates a column. <paramref name="missingKinds"/> holds, per row, 0 or the SAS missing code character.</summary>
    public NumberColumn(string name, string? label, double[] values, byte[]? missingKinds = null)
        : this(name, label is null ? ColumnMetadata.Empty : new ColumnMetadata(Label: label), values, missingKinds)
    {
    }

    /// <summary>Creates a column with its source metadata.</summary>
    public NumberColumn(string name, ColumnMetadata metadata, double[] values, byte[]? missingKinds = null)
        : base(name, metadata, values.Length)
    {
        _values = values;
        _missingKinds = missingKinds;
    }

    internal NumberColumn(string name, ColumnMetadata metadata, CodeArray codes, double[] distinct, byte[]? missingKinds)
        : base(name, metadata, codes.Count)
    {
        _codes = codes;
        _distinct = distinct;
        _missingKinds = missingKinds;
    }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.Number;

    /// <summary>True when the column stores codes into a table of distinct values.</summary>
    public bool IsDictionaryEncoded => _codes is not null;

    /// <inheritdoc />
    public override long MemoryBytes =>
        (_values is not null ? _values.Length * 8L : _codes!.MemoryBytes + _distinct!.Length * 8L) + (_missingKinds?.Length ?? 0);

    /// <summary>The row as a double, or null when missing.</summary>
    public double? GetDouble(int row)
    {
        double v = RawAt(row);
        return double.IsNaN(v) ? null : v;
    }

    /// <summary>The row as a CQL Decimal (the double's shortest round-trip digits), or null when missing.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public decimal? GetDecimal(int row)
    {
        double v = RawAt(row);
        if (double.IsNaN(v)) return null;
        return NumberConversions.ToDecimal(v);
    }

    /// <summary>The plain values (null when dictionary-coded).</summary>
    internal double[]? Values => _values;

    /// <summary>The one-byte codes (code + 1, 0 for missing) when dictionary-coded one byte wide, else null.</summary>
    internal byte[]? CodeBytes => _codes?.Bytes;

    /// <summary>The two-byte codes (code + 1, 0 for missing) when dictionary-coded two bytes wide, else null.</summary>
    internal ushort[]? CodeShorts => _codes?.Shorts;

    private double[]? _byCode;

    /// <summary>With <see cref="CodeBytes"/>, the value of each code + 1 (NaN at 0, missing): <see cref="RawAt"/> is <c>ValuesByCodeByte[CodeBytes[row]]</c>.</summary>
    internal double[]? ValuesByCodeByte => _codes?.Bytes is null ? null : ValuesByCode;

    /// <summary>With <see cref="CodeBytes"/> or <see cref="CodeShorts"/>, the value of each code + 1 (NaN at 0, missing).</summary>
    private double[] ValuesByCode => _byCode ??= [double.NaN, .. _distinct!];

    /// <summary>With <see cref="CodeShorts"/>, the value of each code + 1 (NaN at 0, missing): <see cref="RawAt"/> is <c>ValuesByCodeShort[CodeShorts[row]]</c>.</summary>
    internal double[]? ValuesByCodeShort => _codes?.Shorts is null ? null : ValuesByCode;

    /// <summary>The raw double (NaN when missing).</summary>
    public double RawAt(int row)
    {
        if (_values is not null) return _values[row];
        int code = _codes![row];
        return code < 0 ? double.NaN : _distinct![code];
    }

    /// <summary>The SAS special missing code of a row ('.' for an ordinary missing value, 'A'-'Z' or '_'), or '\0' when present.</summary>
    public char MissingKindAt(int row)
    {
        if (!double.IsNaN(RawAt(row))) return '\0';
        return _missingKinds is null || _missingKinds[row] == 0 ? '.' : (char)_missingKinds[row];
    }

    /// <inheritdoc />
    public override bool IsMissing(int row) => double.IsNaN(RawAt(row));

    /// <inheritdoc />
    public override int CountMissing()
    {
        if (_codes is not null) return _codes.CountMissing();
        int n = 0;
        foreach (var v in _values!) if (double.IsNaN(v)) n++;
        return n;
    }

    /// <inheritdoc />
    public override object? GetObject(int row) => GetDouble(row);

    /// <inheritdoc />
    public override Column Select(ReadOnlySpan<int> rows)
    {
        byte[]? kinds = null;
        if (_missingKinds is not null)
        {
            kinds = new byte[rows.Length];
            for (int i = 0; i < rows.Length; i++) kinds[i] = _missingKinds[rows[i]];
        }
        if (_codes is not null) return new NumberColumn(Name, Metadata, _codes.Select(rows), _distinct!, kinds);
        var values = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++) values[i] = _values![rows[i]];
        return new NumberColumn(Name, Metadata, values, kinds);
    }

    /// <inheritdoc />
    public override Column WithMetadata(ColumnMetadata metadata) =>
        _codes is not null ? new NumberColumn(Name, metadata, _codes, _distinct!, _missingKinds) : new NumberColumn(Name, metadata, _values!, _missingKinds);
}

/// <summary>
/// <see cref="NumberColumn.RawAt"/> for loops over many rows: the plain values or the one- or two-byte codes read
/// directly (the code array's width tests and call taken once, not per row); other forms through <see cref="NumberColumn.RawAt"/>.
/// </summary>
internal readonly struct NumberReader
{
    private readonly NumberColumn _column;
    private readonly double[]? _values;
    private readonly byte[]? _codes;
    private readonly ushort[]? _shorts;
    private readonly double[]? _byCode;

    /// <summary>A reader of <paramref name="column"/>.</summary>
    public NumberReader(NumberColumn column)
    {
        _column = column;
        _values = column.Values;
        _codes = column.CodeBytes;
        _shorts = _codes is null ? column.CodeShorts : null;
        _byCode = _codes is not null ? column.ValuesByCodeByte : _shorts is not null ? column.ValuesByCodeShort : null;
    }

    /// <summary>Asks for row <paramref name="row"/>'s code or double ahead of <see cref="At"/> (<see cref="CachePrefetch"/>; −1 asks for nothing).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int row)
    {
        if (_values is not null) CachePrefetch.Element(_values, row);
        else if (_codes is not null) CachePrefetch.Element(_codes, row);
        else if (_shorts is not null) CachePrefetch.Element(_shorts, row);
    }

    /// <summary>The raw double of a row (NaN when missing), as <see cref="NumberColumn.RawAt"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public double At(int row) =>
        _values is not null ? _values[row] : _codes is not null ? _byCode![_codes[row]] : _shorts is not null ? _byCode![_shorts[row]] : _column.RawAt(row);
}
