using System.Collections.Immutable;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Syntax;

/// <summary>A type as written: <c>Integer</c>, <c>List&lt;Decimal&gt;</c>, <c>Interval&lt;DateTime&gt;</c>, <c>Tuple { a Integer }</c>, <c>AE</c>.</summary>
public abstract record TypeSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary>A named type (a primitive, or a domain record type such as <c>AE</c>).</summary>
public sealed record NamedTypeSyntax(TextSpan Span, QualifiedNameSyntax Name) : TypeSyntax(Span);

/// <summary><c>List&lt;T&gt;</c>.</summary>
public sealed record ListTypeSyntax(TextSpan Span, TypeSyntax Element) : TypeSyntax(Span);

/// <summary><c>Interval&lt;T&gt;</c>.</summary>
public sealed record IntervalTypeSyntax(TextSpan Span, TypeSyntax Point) : TypeSyntax(Span);

/// <summary><c>Tuple { name Type, ... }</c>.</summary>
public sealed record TupleTypeSyntax(TextSpan Span, ImmutableArray<TupleTypeElementSyntax> Elements) : TypeSyntax(Span);

/// <summary>One element of a tuple type.</summary>
public sealed record TupleTypeElementSyntax(TextSpan Span, IdentifierSyntax Name, TypeSyntax Type) : SyntaxNode(Span);

/// <summary><c>Choice&lt;A, B&gt;</c>.</summary>
public sealed record ChoiceTypeSyntax(TextSpan Span, ImmutableArray<TypeSyntax> Options) : TypeSyntax(Span);
