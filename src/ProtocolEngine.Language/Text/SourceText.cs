namespace ProtocolEngine.Language.Text;

/// <summary>
/// The text of one source file with its line map, so spans can be shown as line and column.
/// Lines and columns are 1-based, as editors and SARIF count them.
/// </summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    /// <summary>Creates a source text.</summary>
    /// <param name="text">The file content.</param>
    /// <param name="path">The path shown in diagnostics (as the user gave it).</param>
    public SourceText(string text, string path)
    {
        Text = text;
        Path = path;
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n') starts.Add(i + 1);
        }
        _lineStarts = [.. starts];
    }

    /// <summary>The content.</summary>
    public string Text { get; }

    /// <summary>The path shown in diagnostics.</summary>
    public string Path { get; }

    /// <summary>The number of lines.</summary>
    public int LineCount => _lineStarts.Length;

    /// <summary>The 1-based line and column of an offset.</summary>
    public (int Line, int Column) GetLinePosition(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        int line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0) line = ~line - 1;
        return (line + 1, offset - _lineStarts[line] + 1);
    }

    /// <summary>The text of a 1-based line, without its line break.</summary>
    public string GetLine(int line)
    {
        int start = _lineStarts[line - 1];
        int end = line < _lineStarts.Length ? _lineStarts[line] : Text.Length;
        return Text[start..end].TrimEnd('\r', '\n');
    }

    /// <summary>The offset where a 1-based line starts.</summary>
    public int GetLineStart(int line) => _lineStarts[line - 1];

    /// <summary>The text covered by a span.</summary>
    public string Slice(TextSpan span) => Text.Substring(Math.Clamp(span.Start, 0, Text.Length), Math.Clamp(span.Length, 0, Text.Length - Math.Clamp(span.Start, 0, Text.Length)));
}
