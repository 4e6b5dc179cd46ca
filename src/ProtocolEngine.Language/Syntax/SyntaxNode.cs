using System.Collections.Immutable;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Syntax;

/// <summary>The root of the immutable syntax records the parser builds. Every node knows its span.</summary>
/// <param name="Span">Where the node is in the source text.</param>
public abstract record SyntaxNode(TextSpan Span);

/// <summary>A name as written, with its span.</summary>
/// <param name="Span">Where the name is.</param>
/// <param name="Name">The name (backticks removed).</param>
public sealed record IdentifierSyntax(TextSpan Span, string Name) : SyntaxNode(Span)
{
    /// <summary>True when the parser had to invent this name to recover from an error.</summary>
    public bool IsMissing => Name.Length == 0;

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A dotted name such as <c>std.ctcae5</c>.</summary>
/// <param name="Span">Where the name is.</param>
/// <param name="Parts">The parts between the dots.</param>
public sealed record QualifiedNameSyntax(TextSpan Span, ImmutableArray<IdentifierSyntax> Parts) : SyntaxNode(Span)
{
    /// <summary>The name with its dots.</summary>
    public string Text => string.Join(".", Parts.Select(p => p.Name));

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>A double-quoted text of a declaration (title, code, citation), unescaped.</summary>
/// <param name="Span">Where the text is, quotes included.</param>
/// <param name="Value">The unescaped content.</param>
public sealed record StringSyntax(TextSpan Span, string Value) : SyntaxNode(Span)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}
