using ProtocolEngine.Language.Text;

namespace ProtocolEngine.LanguageService.Text;

/// <summary>
/// The one place where offsets in a text (what the compiler's spans hold) and editor positions (<see cref="LinePosition"/>:
/// line and UTF-16 character) convert into each other. Lines end at <c>\n</c>, <c>\r\n</c> or a lone <c>\r</c>, as the
/// Language Server Protocol counts them. A position past the end of its line clamps to the line's end.
/// </summary>
public sealed class LineMap
{
    private readonly int[] _lineStarts;
    private readonly int _length;

    /// <summary>Maps a text.</summary>
    public LineMap(string text)
    {
        _length = text.Length;
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            if (c is '\n' or '\r') starts.Add(i + 1);
        }
        _lineStarts = [.. starts];
        LineEnds = new int[_lineStarts.Length];
        for (int line = 0; line < _lineStarts.Length; line++)
        {
            int end = line + 1 < _lineStarts.Length ? _lineStarts[line + 1] : text.Length;
            while (end > _lineStarts[line] && text[end - 1] is '\n' or '\r') end--;
            LineEnds[line] = end;
        }
    }

    /// <summary>The offset where each line's content ends (before its line break).</summary>
    private int[] LineEnds { get; }

    /// <summary>The number of lines (a text ending with a line break has an empty last line).</summary>
    public int LineCount => _lineStarts.Length;

    /// <summary>The offset where a 0-based line starts.</summary>
    public int LineStart(int line) => _lineStarts[Math.Clamp(line, 0, _lineStarts.Length - 1)];

    /// <summary>The offset where a 0-based line's content ends, before its line break.</summary>
    public int LineEnd(int line) => LineEnds[Math.Clamp(line, 0, LineEnds.Length - 1)];

    /// <summary>The 0-based line holding an offset.</summary>
    public int LineOf(int offset)
    {
        offset = Math.Clamp(offset, 0, _length);
        int line = Array.BinarySearch(_lineStarts, offset);
        return line < 0 ? ~line - 1 : line;
    }

    /// <summary>The position of an offset.</summary>
    public LinePosition PositionOf(int offset)
    {
        offset = Math.Clamp(offset, 0, _length);
        int line = LineOf(offset);
        return new LinePosition(line, Math.Min(offset, LineEnds[line]) - _lineStarts[line]);
    }

    /// <summary>The offset of a position (clamped to the text and to the line's end).</summary>
    public int OffsetOf(LinePosition position)
    {
        if (position.Line < 0) return 0;
        if (position.Line >= _lineStarts.Length) return _length;
        int start = _lineStarts[position.Line];
        return Math.Clamp(start + Math.Max(0, position.Character), start, LineEnds[position.Line]);
    }

    /// <summary>The range of a span.</summary>
    public LineRange RangeOf(TextSpan span) => new(PositionOf(span.Start), PositionOf(span.End));

    /// <summary>The span of a range.</summary>
    public TextSpan SpanOf(LineRange range) => TextSpan.FromBounds(OffsetOf(range.Start), OffsetOf(range.End));
}
