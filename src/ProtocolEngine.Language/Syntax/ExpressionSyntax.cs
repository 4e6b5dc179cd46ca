using System.Collections.Immutable;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Syntax;

/// <summary>An expression of the rule sublanguage (CQL 1.5 syntax).</summary>
public abstract record ExpressionSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary>What the parser puts where an expression should be but could not be read, so one run reports every error.</summary>
public sealed record MissingExpressionSyntax(TextSpan Span) : ExpressionSyntax(Span);

/// <summary>The kinds of literal.</summary>
public enum LiteralKind
{
    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
    /// <summary><c>null</c>.</summary>
    Null,
    /// <summary><c>'text'</c>.</summary>
    String,
    /// <summary><c>42</c>.</summary>
    Integer,
    /// <summary><c>42L</c>.</summary>
    Long,
    /// <summary><c>4.2</c>.</summary>
    Decimal,
    /// <summary><c>@2014-03-17</c>.</summary>
    Date,
    /// <summary><c>@2014-03-17T10:30</c>.</summary>
    DateTime,
    /// <summary><c>@T10:30</c>.</summary>
    Time,
}

/// <summary>A literal value. <paramref name="Value"/> is the unescaped text (strings) or the literal as written.</summary>
public sealed record LiteralSyntax(TextSpan Span, LiteralKind Kind, string Value) : ExpressionSyntax(Span);

/// <summary>A quantity such as <c>1.5 'mg/dL'</c> or <c>30 days</c>.</summary>
/// <param name="Span">Where it is.</param>
/// <param name="Number">The number as written.</param>
/// <param name="Unit">The unit: a UCUM code, or a calendar duration keyword.</param>
/// <param name="IsCalendarUnit">True for keyword units (<c>days</c>, <c>year</c>) rather than quoted UCUM units.</param>
public sealed record QuantitySyntax(TextSpan Span, string Number, string Unit, bool IsCalendarUnit) : ExpressionSyntax(Span);

/// <summary>A ratio literal such as <c>1 'mg' : 2 'mL'</c>.</summary>
public sealed record RatioSyntax(TextSpan Span, QuantitySyntax Numerator, QuantitySyntax Denominator) : ExpressionSyntax(Span);

/// <summary>A name: a definition, a domain, an alias, a code list, a visit, a parameter.</summary>
public sealed record NameSyntax(TextSpan Span, IdentifierSyntax Identifier) : ExpressionSyntax(Span);

/// <summary><c>target.Member</c>.</summary>
public sealed record MemberAccessSyntax(TextSpan Span, ExpressionSyntax Target, IdentifierSyntax Member) : ExpressionSyntax(Span);

/// <summary><c>Name(args)</c>, or <c>target.Name(args)</c> (the target becomes the first argument).</summary>
public sealed record InvocationSyntax(TextSpan Span, ExpressionSyntax? Target, IdentifierSyntax Name, ImmutableArray<ExpressionSyntax> Arguments) : ExpressionSyntax(Span);

/// <summary><c>target[index]</c>.</summary>
public sealed record IndexerSyntax(TextSpan Span, ExpressionSyntax Target, ExpressionSyntax Index) : ExpressionSyntax(Span);

/// <summary>Prefix operators.</summary>
public enum UnaryOperator
{
    /// <summary><c>not X</c>.</summary>
    Not,
    /// <summary><c>exists X</c>.</summary>
    Exists,
    /// <summary><c>-X</c>.</summary>
    Negate,
    /// <summary><c>+X</c>.</summary>
    Plus,
    /// <summary><c>distinct X</c>.</summary>
    Distinct,
    /// <summary><c>flatten X</c>.</summary>
    Flatten,
    /// <summary><c>successor of X</c>.</summary>
    Successor,
    /// <summary><c>predecessor of X</c>.</summary>
    Predecessor,
    /// <summary><c>singleton from X</c>.</summary>
    Singleton,
    /// <summary><c>point from X</c>.</summary>
    Point,
    /// <summary><c>width of X</c>.</summary>
    Width,
    /// <summary><c>start of X</c>.</summary>
    Start,
    /// <summary><c>end of X</c>.</summary>
    End,
}

/// <summary>A prefix operator applied to one operand.</summary>
public sealed record UnaryExpressionSyntax(TextSpan Span, UnaryOperator Operator, ExpressionSyntax Operand) : ExpressionSyntax(Span);

/// <summary>Infix operators.</summary>
public enum BinaryOperator
{
    /// <summary><c>and</c>.</summary>
    And,
    /// <summary><c>or</c>.</summary>
    Or,
    /// <summary><c>xor</c>.</summary>
    Xor,
    /// <summary><c>implies</c>.</summary>
    Implies,
    /// <summary><c>=</c>.</summary>
    Equal,
    /// <summary><c>!=</c>.</summary>
    NotEqual,
    /// <summary><c>~</c>.</summary>
    Equivalent,
    /// <summary><c>!~</c>.</summary>
    NotEquivalent,
    /// <summary><c>&lt;</c>.</summary>
    Less,
    /// <summary><c>&lt;=</c>.</summary>
    LessOrEqual,
    /// <summary><c>&gt;</c>.</summary>
    Greater,
    /// <summary><c>&gt;=</c>.</summary>
    GreaterOrEqual,
    /// <summary><c>+</c>.</summary>
    Add,
    /// <summary><c>-</c>.</summary>
    Subtract,
    /// <summary><c>*</c>.</summary>
    Multiply,
    /// <summary><c>/</c>.</summary>
    Divide,
    /// <summary><c>div</c>.</summary>
    TruncatedDivide,
    /// <summary><c>mod</c>.</summary>
    Modulo,
    /// <summary><c>^</c>.</summary>
    Power,
    /// <summary><c>&amp;</c>.</summary>
    Concatenate,
    /// <summary><c>|</c> or <c>union</c>.</summary>
    Union,
    /// <summary><c>intersect</c>.</summary>
    Intersect,
    /// <summary><c>except</c>.</summary>
    Except,
    /// <summary><c>in</c>.</summary>
    In,
    /// <summary><c>contains</c>.</summary>
    Contains,
}

/// <summary>An infix operator. <paramref name="Precision"/> is set for <c>in day of</c> and <c>contains day of</c>.</summary>
public sealed record BinaryExpressionSyntax(TextSpan Span, BinaryOperator Operator, ExpressionSyntax Left, ExpressionSyntax Right, string? Precision = null) : ExpressionSyntax(Span);

/// <summary>What an <c>is null</c>, <c>is true</c> or <c>is false</c> test checks.</summary>
public enum BooleanTestKind
{
    /// <summary><c>is null</c>.</summary>
    Null,
    /// <summary><c>is true</c>.</summary>
    True,
    /// <summary><c>is false</c>.</summary>
    False,
}

/// <summary><c>X is [not] null|true|false</c>.</summary>
public sealed record BooleanTestSyntax(TextSpan Span, ExpressionSyntax Operand, BooleanTestKind Test, bool Negated) : ExpressionSyntax(Span);

/// <summary><c>X is T</c> (type test), <c>X as T</c> (cast, null when not a T) or <c>cast X as T</c> (strict).</summary>
public sealed record TypeOperatorSyntax(TextSpan Span, ExpressionSyntax Operand, TypeSyntax Type, TypeOperator Operator) : ExpressionSyntax(Span);

/// <summary>The type operators.</summary>
public enum TypeOperator
{
    /// <summary><c>is</c>.</summary>
    Is,
    /// <summary><c>as</c>.</summary>
    As,
    /// <summary><c>cast ... as</c>.</summary>
    Cast,
}

/// <summary><c>convert X to T</c> or <c>convert X to 'unit'</c>.</summary>
public sealed record ConvertSyntax(TextSpan Span, ExpressionSyntax Operand, TypeSyntax? Type, string? Unit) : ExpressionSyntax(Span);

/// <summary><c>X [properly] between Low and High</c>.</summary>
public sealed record BetweenSyntax(TextSpan Span, ExpressionSyntax Operand, ExpressionSyntax Low, ExpressionSyntax High, bool Properly) : ExpressionSyntax(Span);

/// <summary><c>years between A and B</c> (duration) or <c>difference in years between A and B</c>.</summary>
public sealed record DurationBetweenSyntax(TextSpan Span, string Precision, ExpressionSyntax Low, ExpressionSyntax High, bool IsDifference) : ExpressionSyntax(Span);

/// <summary><c>duration in days of X</c> or <c>difference in days of X</c> for an interval X.</summary>
public sealed record DurationOfSyntax(TextSpan Span, string Precision, ExpressionSyntax Operand, bool IsDifference) : ExpressionSyntax(Span);

/// <summary><c>year from X</c>, <c>date from X</c>, <c>timezoneoffset from X</c>.</summary>
public sealed record ComponentFromSyntax(TextSpan Span, string Component, ExpressionSyntax Operand) : ExpressionSyntax(Span);

/// <summary><c>minimum Integer</c> or <c>maximum DateTime</c>.</summary>
public sealed record TypeExtentSyntax(TextSpan Span, bool IsMaximum, TypeSyntax Type) : ExpressionSyntax(Span);

/// <summary><c>expand X [per unit]</c> or <c>collapse X [per unit]</c>.</summary>
public sealed record SetAggregateSyntax(TextSpan Span, bool IsExpand, ExpressionSyntax Operand, ExpressionSyntax? Per, string? PerPrecision) : ExpressionSyntax(Span);

/// <summary>A timing phrase between two values: <c>A 30 days or less before B</c>, <c>A during B</c>, <c>A same day as B</c>.</summary>
public sealed record TimingExpressionSyntax(TextSpan Span, ExpressionSyntax Left, TimingPhrase Phrase, ExpressionSyntax Right) : ExpressionSyntax(Span);

/// <summary>The kinds of timing phrase (CQL intervalOperatorPhrase).</summary>
public enum TimingKind
{
    /// <summary><c>same [precision] as</c>, <c>same or before</c>, <c>same or after</c>.</summary>
    Same,
    /// <summary><c>[properly] includes</c>.</summary>
    Includes,
    /// <summary><c>[properly] during</c> or <c>included in</c>.</summary>
    IncludedIn,
    /// <summary><c>[offset] before|after</c>, <c>on or before</c>, ...</summary>
    BeforeOrAfter,
    /// <summary><c>[properly] within Q of</c>.</summary>
    Within,
    /// <summary><c>meets [before|after]</c>.</summary>
    Meets,
    /// <summary><c>overlaps [before|after]</c>.</summary>
    Overlaps,
    /// <summary><c>starts</c>.</summary>
    Starts,
    /// <summary><c>ends</c>.</summary>
    Ends,
}

/// <summary>How an offset in a before/after phrase bounds the distance.</summary>
public enum OffsetQualifier
{
    /// <summary>Exactly the offset (<c>3 days before</c>).</summary>
    Exactly,
    /// <summary><c>3 days or more before</c>.</summary>
    OrMore,
    /// <summary><c>3 days or less before</c>.</summary>
    OrLess,
    /// <summary><c>less than 3 days before</c>.</summary>
    LessThan,
    /// <summary><c>more than 3 days before</c>.</summary>
    MoreThan,
}

/// <summary>All parts of a timing phrase; unused parts are null or defaults.</summary>
/// <param name="Kind">The phrase kind.</param>
/// <param name="Anchor">For the left operand: <c>starts</c>, <c>ends</c>, <c>occurs</c> or null.</param>
/// <param name="Target">For the right operand: <c>start</c>, <c>end</c> or null.</param>
/// <param name="Precision">The date-time precision (<c>day of</c>), or null.</param>
/// <param name="Properly">True for <c>properly</c>.</param>
/// <param name="IsBefore">For before/after, meets and overlaps: true for before, false for after, null when unspecified.</param>
/// <param name="OrOn">For before/after: true for <c>on or before</c> / <c>before or on</c>; for same: true with <c>or before</c>/<c>or after</c>.</param>
/// <param name="Offset">The quantity of an offset or within phrase.</param>
/// <param name="Qualifier">How the offset bounds the distance.</param>
public sealed record TimingPhrase(TimingKind Kind, string? Anchor, string? Target, string? Precision, bool Properly, bool? IsBefore, bool OrOn,
    QuantitySyntax? Offset, OffsetQualifier Qualifier);

/// <summary><c>if C then A else B</c>.</summary>
public sealed record IfSyntax(TextSpan Span, ExpressionSyntax Condition, ExpressionSyntax Then, ExpressionSyntax Else) : ExpressionSyntax(Span);

/// <summary>One <c>when ... then ...</c> of a case.</summary>
public sealed record CaseItemSyntax(TextSpan Span, ExpressionSyntax When, ExpressionSyntax Then) : SyntaxNode(Span);

/// <summary><c>case [comparand] when ... then ... else ... end</c>.</summary>
public sealed record CaseSyntax(TextSpan Span, ExpressionSyntax? Comparand, ImmutableArray<CaseItemSyntax> Items, ExpressionSyntax Else) : ExpressionSyntax(Span);

/// <summary><c>Interval[low, high)</c>.</summary>
public sealed record IntervalSelectorSyntax(TextSpan Span, ExpressionSyntax Low, bool LowClosed, ExpressionSyntax High, bool HighClosed) : ExpressionSyntax(Span);

/// <summary>One <c>name: value</c> of a tuple or instance selector.</summary>
public sealed record ElementSelectorSyntax(TextSpan Span, IdentifierSyntax Name, ExpressionSyntax Value) : SyntaxNode(Span);

/// <summary><c>Tuple { a: 1, b: 'x' }</c>.</summary>
public sealed record TupleSelectorSyntax(TextSpan Span, ImmutableArray<ElementSelectorSyntax> Elements) : ExpressionSyntax(Span);

/// <summary><c>Quantity { value: 1, unit: 'mg' }</c>, <c>Code { code: 'x', system: 'y' }</c>.</summary>
public sealed record InstanceSelectorSyntax(TextSpan Span, IdentifierSyntax TypeName, ImmutableArray<ElementSelectorSyntax> Elements) : ExpressionSyntax(Span);

/// <summary><c>{1, 2, 3}</c> or <c>List&lt;Integer&gt;{}</c>.</summary>
public sealed record ListSelectorSyntax(TextSpan Span, TypeSyntax? ElementType, ImmutableArray<ExpressionSyntax> Elements) : ExpressionSyntax(Span);

/// <summary><c>Code 'x' from System display 'y'</c>.</summary>
public sealed record CodeSelectorSyntax(TextSpan Span, string Code, IdentifierSyntax System, string? Display) : ExpressionSyntax(Span);

/// <summary><c>Concept { Code ..., Code ... } display 'x'</c>.</summary>
public sealed record ConceptSelectorSyntax(TextSpan Span, ImmutableArray<CodeSelectorSyntax> Codes, string? Display) : ExpressionSyntax(Span);

/// <summary>A CQL query: sources with aliases, then optional let, with/without, where, return or aggregate, sort.</summary>
public sealed record QuerySyntax(
    TextSpan Span,
    ImmutableArray<QuerySourceSyntax> Sources,
    ImmutableArray<LetItemSyntax> Lets,
    ImmutableArray<QueryInclusionSyntax> Inclusions,
    ExpressionSyntax? Where,
    QueryReturnSyntax? Return,
    QueryAggregateSyntax? Aggregate,
    QuerySortSyntax? Sort) : ExpressionSyntax(Span);

/// <summary><c>LB L</c>: a source and its alias.</summary>
public sealed record QuerySourceSyntax(TextSpan Span, ExpressionSyntax Source, IdentifierSyntax Alias) : SyntaxNode(Span);

/// <summary><c>let X: expr</c>.</summary>
public sealed record LetItemSyntax(TextSpan Span, IdentifierSyntax Name, ExpressionSyntax Value) : SyntaxNode(Span);

/// <summary><c>with S such that C</c> or <c>without S such that C</c>.</summary>
public sealed record QueryInclusionSyntax(TextSpan Span, bool IsWithout, QuerySourceSyntax Source, ExpressionSyntax Condition) : SyntaxNode(Span);

/// <summary><c>return [all|distinct] expr</c>.</summary>
public sealed record QueryReturnSyntax(TextSpan Span, ExpressionSyntax Value, bool All) : SyntaxNode(Span);

/// <summary><c>aggregate [all|distinct] R starting S: expr</c>.</summary>
public sealed record QueryAggregateSyntax(TextSpan Span, IdentifierSyntax Accumulator, ExpressionSyntax? Starting, ExpressionSyntax Value, bool Distinct) : SyntaxNode(Span);

/// <summary><c>sort [asc|desc]</c> or <c>sort by item [asc|desc], ...</c>.</summary>
public sealed record QuerySortSyntax(TextSpan Span, bool Descending, ImmutableArray<SortItemSyntax> Items) : SyntaxNode(Span);

/// <summary>One sort key.</summary>
public sealed record SortItemSyntax(TextSpan Span, ExpressionSyntax Key, bool Descending) : SyntaxNode(Span);
