namespace ProtocolEngine.LanguageService.Text;

/// <summary>
/// A position as editors and the Language Server Protocol count it: a 0-based line and a 0-based character offset in
/// that line, in UTF-16 code units (what a .NET string index counts).
/// </summary>
/// <param name="Line">The 0-based line.</param>
/// <param name="Character">The 0-based UTF-16 offset within the line.</param>
public readonly record struct LinePosition(int Line, int Character) : IComparable<LinePosition>
{
    /// <inheritdoc />
    public int CompareTo(LinePosition other) => Line != other.Line ? Line.CompareTo(other.Line) : Character.CompareTo(other.Character);

    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Character}";
}

/// <summary>A range between two <see cref="LinePosition"/>s, the end exclusive.</summary>
/// <param name="Start">The first position.</param>
/// <param name="End">The position just past the last character.</param>
public readonly record struct LineRange(LinePosition Start, LinePosition End)
{
    /// <inheritdoc />
    public override string ToString() => $"{Start}-{End}";
}
