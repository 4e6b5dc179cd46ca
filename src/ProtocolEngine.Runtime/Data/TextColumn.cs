using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Character values, dictionary-encoded: clinical data repeat the same codes and dates millions of times,
/// so each row holds an index into a table of distinct strings. A DateTime column also keeps each distinct
/// text parsed once, so reading a --DTC value as a CQL DateTime allocates nothing.
/// </summary>
public sealed class TextColumn : Column
{
    private readonly int[] _codes;
    private readonly string[] _dictionary;
    private readonly CqlDateTime?[]? _parsed;

    /// <summary>Creates a column from codes (−1 for missing) and the dictionary they index.</summary>
    public TextColumn(string name, string? label, int[] codes, string[] dictionary, bool isDateTime)
        : base(name, label, codes.Length)
    {
        _codes = codes;
        _dictionary = dictionary;
        if (isDateTime)
        {
            _parsed = new CqlDateTime?[dictionary.Length];
            for (int i = 0; i < dictionary.Length; i++)
                _parsed[i] = CqlDateTime.TryParseIso(dictionary[i], out var dt) ? dt : null;
        }
    }

    /// <inheritdoc />
    public override ColumnKind Kind => _parsed is null ? ColumnKind.Text : ColumnKind.DateTime;

    /// <summary>The distinct values of the column.</summary>
    public IReadOnlyList<string> Dictionary => _dictionary;

    /// <summary>The dictionary index of a row's value, or −1 when missing.</summary>
    public int CodeAt(int row) => _codes[row];

    /// <summary>The text of a row, or null when missing.</summary>
    public string? GetString(int row)
    {
        int code = _codes[row];
        return code < 0 ? null : _dictionary[code];
    }

    /// <summary>The row read as an ISO 8601 DateTime; null when missing or not a valid date.</summary>
    public CqlDateTime? GetDateTime(int row)
    {
        int code = _codes[row];
        if (code < 0) return null;
        if (_parsed is not null) return _parsed[code];
        return CqlDateTime.TryParseIso(_dictionary[code], out var dt) ? dt : null;
    }

    /// <summary>True when the row holds text that is not a valid ISO 8601 value (only for DateTime columns).</summary>
    public bool IsMalformedDateTime(int row)
    {
        int code = _codes[row];
        return _parsed is not null && code >= 0 && _parsed[code] is null;
    }

    /// <inheritdoc />
    public override bool IsMissing(int row) => _codes[row] < 0;

    /// <inheritdoc />
    public override object? GetObject(int row) => GetString(row);

    /// <inheritdoc />
    public override Column Select(ReadOnlySpan<int> rows)
    {
        var codes = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++) codes[i] = _codes[rows[i]];
        return new TextColumn(Name, Label, codes, _dictionary, _parsed is not null);
    }
}
