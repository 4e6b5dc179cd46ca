namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Numeric values as doubles (what XPT and Dataset-JSON carry). A missing value is NaN; SAS's special
/// missing values (<c>.A</c>-<c>.Z</c>, <c>._</c>) are kept in a side array so a round trip preserves them.
/// </summary>
public sealed class NumberColumn : Column
{
    private readonly double[] _values;
    private readonly byte[]? _missingKinds;

    /// <summary>Creates a column. <paramref name="missingKinds"/> holds, per row, 0 or the SAS missing code character.</summary>
    public NumberColumn(string name, string? label, double[] values, byte[]? missingKinds = null)
        : base(name, label, values.Length)
    {
        _values = values;
        _missingKinds = missingKinds;
    }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.Number;

    /// <summary>The row as a double, or null when missing.</summary>
    public double? GetDouble(int row)
    {
        double v = _values[row];
        return double.IsNaN(v) ? null : v;
    }

    /// <summary>The row as a CQL Decimal (the double's shortest round-trip digits), or null when missing.</summary>
    public decimal? GetDecimal(int row)
    {
        double v = _values[row];
        if (double.IsNaN(v)) return null;
        return NumberConversions.ToDecimal(v);
    }

    /// <summary>The raw double (NaN when missing).</summary>
    public double RawAt(int row) => _values[row];

    /// <summary>The SAS special missing code of a row ('.' for an ordinary missing value, 'A'-'Z' or '_'), or '\0' when present.</summary>
    public char MissingKindAt(int row)
    {
        if (!double.IsNaN(_values[row])) return '\0';
        return _missingKinds is null || _missingKinds[row] == 0 ? '.' : (char)_missingKinds[row];
    }

    /// <inheritdoc />
    public override bool IsMissing(int row) => double.IsNaN(_values[row]);

    /// <inheritdoc />
    public override object? GetObject(int row) => GetDouble(row);

    /// <inheritdoc />
    public override Column Select(ReadOnlySpan<int> rows)
    {
        var values = new double[rows.Length];
        byte[]? kinds = _missingKinds is null ? null : new byte[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            values[i] = _values[rows[i]];
            if (kinds is not null) kinds[i] = _missingKinds![rows[i]];
        }
        return new NumberColumn(Name, Label, values, kinds);
    }
}
