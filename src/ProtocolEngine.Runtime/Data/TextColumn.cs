using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Character values, dictionary-encoded: clinical data repeat the same codes and dates millions of times,
/// so each row holds an index into a table of distinct strings, in one, two or four bytes depending on how
/// many distinct values the column has. A DateTime column also keeps each distinct text parsed once, so
/// reading a --DTC value as a CQL DateTime allocates nothing.
/// </summary>
/// <remarks>
/// An empty string is missing, as in SAS; the column still remembers which missing rows held <c>""</c> rather
/// than null (Dataset-JSON distinguishes them) so that writing the data back reproduces the source.
/// </remarks>
public sealed class TextColumn : Column
{
    private readonly CodeArray _codes;
    private readonly string[] _dictionary;
    private readonly CqlDateTime?[]? _parsed;
    private readonly ulong[]? _empty;

    /// <summary>Creates a column from codes (−1 for missing) and the dictionary they index.</summary>
    public TextColumn(string name, string? label, int[] codes, string[] dictionary, bool isDateTime)
        : this(name, label is null ? ColumnMetadata.Empty : new ColumnMetadata(Label: label),
            CodeArray.FromCodes(codes, dictionary.Length), dictionary, isDateTime ? ParseAll(dictionary) : null, null)
    {
    }

    internal TextColumn(string name, ColumnMetadata metadata, CodeArray codes, string[] dictionary, CqlDateTime?[]? parsed, ulong[]? empty)
        : base(name, metadata, codes.Count)
    {
        _codes = codes;
        _dictionary = dictionary;
        _parsed = parsed;
        _empty = empty;
    }

    /// <inheritdoc />
    public override ColumnKind Kind => _parsed is null ? ColumnKind.Text : ColumnKind.DateTime;

    /// <summary>The distinct values of the column.</summary>
    public IReadOnlyList<string> Dictionary => _dictionary;

    /// <summary>
    /// Bytes used per row for the dictionary code (1, 2 or 4); 0 when the column costs less than a byte a row: it holds
    /// at most one distinct value (a bit a row says which rows are present), or its codes come in long runs (USUBJID).
    /// </summary>
    public int BytesPerRow => _codes.BytesPerRow;

    /// <inheritdoc />
    public override long MemoryBytes
    {
        get
        {
            long bytes = _codes.MemoryBytes + _dictionary.Length * 8L + (_empty?.Length ?? 0) * 8L;
            foreach (var s in _dictionary) bytes += 22 + 2L * s.Length;
            if (_parsed is not null) bytes += _parsed.Length * 8L + _parsed.Count(p => p is not null) * 56L;
            return bytes;
        }
    }

    /// <summary>The dictionary index of a row's value, or −1 when missing.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int CodeAt(int row) => _codes[row];

    /// <summary>The first row and code of each run when the codes are kept as runs (USUBJID), else null: for readers walking the rows in order.</summary>
    internal (int[] Start, int[] Code)? CodeRuns => _codes.RunsOrNull;

    /// <summary>The rows' codes plus one (0 for missing) when they are one byte wide, else null.</summary>
    internal byte[]? CodeBytes => _codes.Bytes;

    /// <summary>The dictionary index of a value, or −1 when the column never holds it (a fast way to compare rows with a literal).</summary>
    public int FindCode(string value) => Array.IndexOf(_dictionary, value);

    private string[]? _upper;

    /// <summary>
    /// The text of a row in upper case (invariant), or null when missing: each distinct value is converted once,
    /// so rules comparing <c>Upper(M.MHDECOD)</c> allocate nothing per record.
    /// </summary>
    public string? GetUpper(int row)
    {
        int code = _codes[row];
        if (code < 0) return null;
        return UpperOfCode(code);
    }

    /// <summary>The dictionary's text of <paramref name="code"/> in upper case, as <see cref="GetUpper"/> gives it for a row holding the code.</summary>
    internal string UpperOfCode(int code)
    {
        var upper = _upper ??= Array.ConvertAll(_dictionary, d => d.ToUpperInvariant());
        return upper[code];
    }

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

    /// <summary>The dictionary's text of <paramref name="code"/> read as <see cref="GetDateTime"/> reads a row holding it.</summary>
    internal CqlDateTime? DateTimeOfCode(int code)
    {
        if (_parsed is not null) return _parsed[code];
        return CqlDateTime.TryParseIso(_dictionary[code], out var dt) ? dt : null;
    }

    /// <summary>True when the row holds text that is not a valid ISO 8601 value (only for DateTime columns).</summary>
    public bool IsMalformedDateTime(int row)
    {
        int code = _codes[row];
        return _parsed is not null && code >= 0 && _parsed[code] is null;
    }

    /// <summary>True when some distinct value is not a valid ISO 8601 value (only for DateTime columns): rows need reading only then.</summary>
    internal bool HasMalformedDateTime => _parsed is not null && Array.IndexOf(_parsed, null) >= 0;

    /// <summary>True when a missing row held an empty string rather than null in the source (only Dataset-JSON tells them apart).</summary>
    public bool IsEmptyString(int row) => _empty is not null && (_empty[row >> 6] & (1UL << (row & 63))) != 0;

    /// <inheritdoc />
    public override bool IsMissing(int row) => _codes[row] < 0;

    /// <inheritdoc />
    public override int CountMissing() => _codes.CountMissing();

    /// <inheritdoc />
    public override object? GetObject(int row) => GetString(row);

    /// <inheritdoc />
    public override Column Select(ReadOnlySpan<int> rows)
    {
        ulong[]? empty = null;
        if (_empty is not null)
        {
            empty = new ulong[(rows.Length + 63) >> 6];
            for (int k = 0; k < rows.Length; k++)
                if (IsEmptyString(rows[k])) empty[k >> 6] |= 1UL << (k & 63);
        }
        return new TextColumn(Name, Metadata, _codes.Select(rows), _dictionary, _parsed, empty);
    }

    /// <inheritdoc />
    public override Column WithMetadata(ColumnMetadata metadata) => new TextColumn(Name, metadata, _codes, _dictionary, _parsed, _empty);

    /// <summary>
    /// The same values with the codes kept as runs when they come in long ones (USUBJID of a table grouped by subject:
    /// a few bytes a subject instead of four bytes a row); a row's code then costs a binary search.
    /// </summary>
    internal TextColumn InRuns()
    {
        var runs = _codes.Compact(runs: true);
        return ReferenceEquals(runs, _codes) ? this : new TextColumn(Name, Metadata, runs, _dictionary, _parsed, _empty);
    }

    /// <summary>The same values read as ISO 8601 date/times (or no longer), for example when define.xml says a variable is a date.</summary>
    public TextColumn AsDateTime(bool isDateTime) =>
        isDateTime == (_parsed is not null) ? this : new TextColumn(Name, Metadata, _codes, _dictionary, isDateTime ? ParseAll(_dictionary) : null, _empty);

    internal static CqlDateTime?[] ParseAll(string[] dictionary)
    {
        var parsed = new CqlDateTime?[dictionary.Length];
        for (int i = 0; i < dictionary.Length; i++)
            parsed[i] = CqlDateTime.TryParseIso(dictionary[i], out var dt) ? dt : null;
        return parsed;
    }
}
