namespace ProtocolEngine.Language.Text;

/// <summary>A range of characters in a source text: where a syntax node or a diagnostic sits.</summary>
/// <param name="Start">The offset of the first character.</param>
/// <param name="Length">The number of characters.</param>
public readonly record struct TextSpan(int Start, int Length)
{
    /// <summary>The offset just past the last character.</summary>
    public int End => Start + Length;

    /// <summary>The span from <paramref name="start"/> up to (not including) <paramref name="end"/>.</summary>
    public static TextSpan FromBounds(int start, int end) => new(start, Math.Max(0, end - start));

    /// <summary>The smallest span covering both.</summary>
    public TextSpan Union(TextSpan other) => FromBounds(Math.Min(Start, other.Start), Math.Max(End, other.End));

    /// <inheritdoc />
    public override string ToString() => $"[{Start}..{End})";
}
