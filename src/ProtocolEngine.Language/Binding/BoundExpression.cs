using System.Collections.Immutable;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Language.Binding;

/// <summary>
/// The typed, resolved form of an expression, and the IR the backends compile: every name is a symbol,
/// every operator a specific builtin overload, every implicit conversion explicit, and timing phrases and
/// <c>between</c> are lowered to builtin calls. Each node points back to the syntax it came from, so a runtime
/// error or a piece of evidence can name the exact rule text.
/// </summary>
/// <param name="Syntax">The syntax this node was bound from.</param>
/// <param name="Type">The static type.</param>
public abstract record BoundExpression(SyntaxNode Syntax, ProtocolType Type);

/// <summary>A placeholder after an error, typed Any so no further errors cascade from it.</summary>
public sealed record BoundError(SyntaxNode Syntax) : BoundExpression(Syntax, ProtocolType.Any);

/// <summary>A constant. <paramref name="Value"/> is null, a bool, int, long, decimal or string, or literal text for dates and times.</summary>
public sealed record BoundLiteral(SyntaxNode Syntax, ProtocolType Type, object? Value) : BoundExpression(Syntax, Type);

/// <summary>A quantity constant such as <c>30 days</c> or <c>1.5 'mg/dL'</c>.</summary>
public sealed record BoundQuantityLiteral(SyntaxNode Syntax, decimal Value, string Unit) : BoundExpression(Syntax, ProtocolType.Quantity);

/// <summary>A call of a builtin overload (operators included).</summary>
public sealed record BoundCall(SyntaxNode Syntax, ProtocolType Type, BuiltinOverload Overload, ImmutableArray<BoundExpression> Arguments) : BoundExpression(Syntax, Type);

/// <summary>An implicit or explicit conversion.</summary>
public sealed record BoundConversion(SyntaxNode Syntax, Conversion Conversion, BoundExpression Operand) : BoundExpression(Syntax, Conversion.To);

/// <summary><c>X as T</c> (null when not a T), <c>cast X as T</c> (error when not a T) and <c>X is T</c> (a Boolean test).</summary>
public sealed record BoundTypeOperator(SyntaxNode Syntax, ProtocolType Type, TypeOperator Operator, BoundExpression Operand, ProtocolType TargetType) : BoundExpression(Syntax, Type);

/// <summary>A reference to a named definition, evaluated once per subject and cached.</summary>
public sealed record BoundDefineReference(SyntaxNode Syntax, DefineSymbol Define) : BoundExpression(Syntax, Define.Type);

/// <summary>A call of a user-defined function.</summary>
public sealed record BoundFunctionCall(SyntaxNode Syntax, FunctionSymbol Function, ImmutableArray<BoundExpression> Arguments) : BoundExpression(Syntax, Function.ReturnType);

/// <summary>A call of a decision table.</summary>
public sealed record BoundTableCall(SyntaxNode Syntax, ProtocolType Type, TableSymbol Table, ImmutableArray<BoundExpression> Arguments) : BoundExpression(Syntax, Type);

/// <summary>A reference to a protocol or library parameter.</summary>
public sealed record BoundParameterReference(SyntaxNode Syntax, ParameterSymbol Parameter) : BoundExpression(Syntax, Parameter.Type);

/// <summary>A reference to a local: a query alias, a let, a function parameter or a table input.</summary>
public sealed record BoundLocal(SyntaxNode Syntax, LocalSymbol Local) : BoundExpression(Syntax, Local.Type);

/// <summary>
/// The current subject's records of a domain: the record itself for one-per-subject domains (DM), the list
/// of records otherwise (all study records for trial-design domains).
/// </summary>
public sealed record BoundDomainReference(SyntaxNode Syntax, ProtocolType Type, DomainSchema Domain) : BoundExpression(Syntax, Type);

/// <summary>A variable of a record: <c>L.LBSTRESN</c>.</summary>
public sealed record BoundVariableAccess(SyntaxNode Syntax, ProtocolType Type, BoundExpression Record, DomainSchema Domain, VariableSchema Variable) : BoundExpression(Syntax, Type);

/// <summary>An element of a tuple (or a property of another structured value): <c>T.name</c>.</summary>
public sealed record BoundMemberAccess(SyntaxNode Syntax, ProtocolType Type, BoundExpression Target, string Member) : BoundExpression(Syntax, Type);

/// <summary>A property read on each element of a list (CQL's list property access), flattened.</summary>
public sealed record BoundListMemberAccess(SyntaxNode Syntax, ProtocolType Type, BoundExpression Target, LocalSymbol Element, BoundExpression Access) : BoundExpression(Syntax, Type);

/// <summary>A code list declared by the protocol.</summary>
public sealed record BoundCodeListReference(SyntaxNode Syntax, CodeListSymbol CodeList) : BoundExpression(Syntax, ProtocolType.CodeList);

/// <summary>A visit declared by the protocol, as a tuple of its name, number, day and window.</summary>
public sealed record BoundVisitReference(SyntaxNode Syntax, ProtocolType Type, VisitSymbol Visit) : BoundExpression(Syntax, Type);

/// <summary><c>if C then A else B</c>.</summary>
public sealed record BoundIf(SyntaxNode Syntax, ProtocolType Type, BoundExpression Condition, BoundExpression Then, BoundExpression Else) : BoundExpression(Syntax, Type);

/// <summary>One branch of a case.</summary>
public sealed record BoundCaseItem(BoundExpression When, BoundExpression Then);

/// <summary><c>case [comparand] when ... then ... else ... end</c>.</summary>
public sealed record BoundCase(SyntaxNode Syntax, ProtocolType Type, BoundExpression? Comparand, ImmutableArray<BoundCaseItem> Items, BoundExpression Else) : BoundExpression(Syntax, Type);

/// <summary>A list selector.</summary>
public sealed record BoundList(SyntaxNode Syntax, ListType ListType, ImmutableArray<BoundExpression> Elements) : BoundExpression(Syntax, ListType);

/// <summary>A tuple selector (and instance selectors of structured types such as Quantity or Code).</summary>
public sealed record BoundTuple(SyntaxNode Syntax, ProtocolType Type, ImmutableArray<(string Name, BoundExpression Value)> Elements) : BoundExpression(Syntax, Type);

/// <summary>An interval selector.</summary>
public sealed record BoundInterval(SyntaxNode Syntax, IntervalType IntervalType, BoundExpression Low, bool LowClosed, BoundExpression High, bool HighClosed) : BoundExpression(Syntax, IntervalType);

/// <summary><c>minimum T</c> / <c>maximum T</c>.</summary>
public sealed record BoundTypeExtent(SyntaxNode Syntax, ProtocolType Type, bool IsMaximum) : BoundExpression(Syntax, Type);

/// <summary>A query source with its alias.</summary>
public sealed record BoundQuerySource(LocalSymbol Alias, BoundExpression Source);

/// <summary>A <c>with</c> or <c>without</c> clause.</summary>
public sealed record BoundQueryInclusion(bool IsWithout, BoundQuerySource Source, BoundExpression Condition);

/// <summary>A sort key; a null key sorts the elements themselves.</summary>
public sealed record BoundSortItem(BoundExpression? Key, LocalSymbol? Element, bool Descending);

/// <summary>A query's aggregate clause.</summary>
public sealed record BoundAggregate(LocalSymbol Accumulator, BoundExpression? Starting, BoundExpression Value, bool Distinct);

/// <summary>
/// A query. With one source and no return it yields the source's elements; with several sources and no
/// return, a tuple per combination; <see cref="Return"/> maps each; <see cref="Aggregate"/> folds them.
/// A source that is a single value (not a list) yields a single value.
/// </summary>
public sealed record BoundQuery(
    SyntaxNode Syntax,
    ProtocolType Type,
    ImmutableArray<BoundQuerySource> Sources,
    ImmutableArray<(LocalSymbol Local, BoundExpression Value)> Lets,
    ImmutableArray<BoundQueryInclusion> Inclusions,
    BoundExpression? Where,
    BoundExpression? Return,
    bool ReturnDistinct,
    BoundAggregate? Aggregate,
    ImmutableArray<BoundSortItem> Sort,
    bool SingularSource) : BoundExpression(Syntax, Type);
