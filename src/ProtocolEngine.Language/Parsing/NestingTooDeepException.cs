using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Parsing;

/// <summary>
/// Thrown inside the parser or the syntax builder when text nests deeper than the limit; caught at the outermost
/// expression (or by the parser's entry point) and turned into one NestingTooDeep diagnostic. Never escapes the parser.
/// </summary>
internal sealed class NestingTooDeepException(TextSpan span) : Exception("The text nests too deeply.")
{
    /// <summary>The first token of the construct that went one level too deep.</summary>
    public TextSpan Span { get; } = span;
}
