namespace ProtocolEngine.Language.Parsing;

/// <summary>
/// Thrown by the parser when text nests deeper than the calling thread's stack should be asked to hold; the parse is
/// then repeated on a thread with a stack sized for the nesting limit. Never escapes the parser.
/// </summary>
internal sealed class NeedsLargerStackException() : Exception("The text nests deeper than this thread's stack allows.");
