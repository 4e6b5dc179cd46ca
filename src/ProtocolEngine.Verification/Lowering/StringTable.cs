namespace ProtocolEngine.Verification.Lowering;

/// <summary>
/// Text as whole numbers: every string literal a protocol names gets a code (0, 1, 2, ...), and any other text is a
/// negative number (distinct numbers, distinct texts). Rules compare text with literals (equality, code lists, Upper),
/// which this keeps exact, and z3 answers such integer problems in milliseconds where its string theory takes
/// seconds or times out. One table serves every protocol lowered into one solver, so their codes agree.
/// </summary>
internal sealed class StringTable
{
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly List<string> _texts = [];

    public int Count => _texts.Count;

    public IReadOnlyList<string> Texts => _texts;

    /// <summary>The code of a literal (added, with its upper- and lower-case forms, when new).</summary>
    public int Code(string text)
    {
        if (_codes.TryGetValue(text, out int code)) return code;
        code = _texts.Count;
        _codes[text] = code;
        _texts.Add(text);
        Code(text.ToUpperInvariant());
        Code(text.ToLowerInvariant());
        return code;
    }

    /// <summary>The codes of the literals whose upper (or lower) case is the literal of <paramref name="code"/>.</summary>
    public IReadOnlyList<int> Preimage(int code, bool upper)
    {
        if (code < 0 || code >= _texts.Count) return [];
        var target = _texts[code];
        var codes = new List<int>();
        for (int j = 0; j < _texts.Count; j++)
        {
            var folded = upper ? _texts[j].ToUpperInvariant() : _texts[j].ToLowerInvariant();
            if (string.Equals(folded, target, StringComparison.Ordinal)) codes.Add(j);
        }
        return codes;
    }

    /// <summary>The text of a code: the literal, or a made-up text for a negative code.</summary>
    public string Text(long code) => code >= 0 && code < _texts.Count ? _texts[(int)code] : $"OTHER{-code}";
}
