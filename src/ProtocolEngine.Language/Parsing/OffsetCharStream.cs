using Antlr4.Runtime;
using Antlr4.Runtime.Misc;

namespace ProtocolEngine.Language.Parsing;

/// <summary>
/// The characters of a piece of a file (a message placeholder) for the lexer, numbered as in the whole file: tokens,
/// spans and diagnostics point into the file without copying the text before the piece.
/// </summary>
internal sealed class OffsetCharStream(string text, int offset, string sourceName) : ICharStream
{
    private int _position;

    public int Index => offset + _position;

    // Tokens check their stop index against Size, so Size counts the characters before the piece too.
    public int Size => offset + text.Length;

    public string SourceName => sourceName;

    public void Consume()
    {
        if (_position >= text.Length) throw new InvalidOperationException("Cannot consume the end of the input.");
        _position++;
    }

    public int LA(int i)
    {
        if (i == 0) return 0;
        int at = i < 0 ? _position + i : _position + i - 1;
        return at < 0 || at >= text.Length ? IntStreamConstants.EOF : text[at];
    }

    public int Mark() => -1;

    public void Release(int marker)
    {
    }

    public void Seek(int index) => _position = Math.Clamp(index - offset, 0, text.Length);

    public string GetText(Interval interval)
    {
        int start = Math.Max(0, interval.a - offset);
        int stop = Math.Min(text.Length - 1, interval.b - offset);
        return stop < start ? "" : text.Substring(start, stop - start + 1);
    }
}
