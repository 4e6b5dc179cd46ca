using System.Collections.Immutable;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Language.Binding;

/// <summary>Something a name can refer to.</summary>
public abstract class Symbol(string name, SyntaxNode? declaration)
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;

    /// <summary>Where it is declared (null for built-in symbols).</summary>
    public SyntaxNode? Declaration { get; } = declaration;

    /// <summary>The library that declares it (null for the protocol itself).</summary>
    public string? Library { get; init; }

    /// <summary>The file that declares it (null for built-in symbols).</summary>
    public Text.SourceText? Source { get; init; }

    /// <summary>The declaration's exact text (empty for built-in symbols).</summary>
    public string DeclarationText => Declaration is null || Source is null ? "" : Source.Slice(Declaration.Span);

    private string? _canonicalText;

    // Every rule that reads this symbol hashes its text: put it in canonical form once.
    internal string CanonicalText => _canonicalText ??= Compilation.RuleHasher.Canonical(DeclarationText);

    /// <summary>The name as a reader sees it: <c>Library.Name</c> for imported symbols.</summary>
    public string QualifiedName => Library is null ? Name : Library + "." + Name;

    /// <inheritdoc />
    public override string ToString() => QualifiedName;
}

/// <summary>A definition, function or table: a named rule other rules call, with a rule identity of its own.</summary>
public abstract class RuleSymbol(string name, SyntaxNode declaration) : Symbol(name, declaration)
{
    private Lazy<RuleIdentity>? _identity;

    /// <summary>Its rule id and rule hash (its text and everything it reads); null when it was not bound.</summary>
    public RuleIdentity? Identity => _identity?.Value;

    internal void SetIdentity(Func<RuleIdentity> identity) => _identity = new Lazy<RuleIdentity>(identity);
}

/// <summary>The kinds of local.</summary>
public enum LocalKind
{
    /// <summary>A query alias.</summary>
    Alias,
    /// <summary>A query let.</summary>
    Let,
    /// <summary>A function parameter.</summary>
    Parameter,
    /// <summary>A decision table input.</summary>
    TableInput,
    /// <summary>A query aggregate accumulator.</summary>
    Accumulator,
    /// <summary>A value introduced by lowering (a list element, a shared operand).</summary>
    Synthetic,
}

/// <summary>A name local to an expression: a query alias, a let, a function parameter, a table input.</summary>
public sealed class LocalSymbol(string name, ProtocolType type, LocalKind kind, SyntaxNode? declaration) : Symbol(name, declaration)
{
    /// <summary>The local's type.</summary>
    public ProtocolType Type { get; } = type;

    /// <summary>What introduced it.</summary>
    public LocalKind Kind { get; } = kind;
}

/// <summary>A named definition (<c>define X: ...</c>): evaluated once per subject.</summary>
public sealed class DefineSymbol(string name, DefineSyntax syntax) : RuleSymbol(name, syntax)
{
    /// <summary>The definition's syntax.</summary>
    public DefineSyntax Syntax { get; } = syntax;

    /// <summary>The bound body (set when bound).</summary>
    public BoundExpression? Body { get; internal set; }

    /// <summary>The type (Any until bound).</summary>
    public ProtocolType Type => Body?.Type ?? ProtocolType.Any;
}

/// <summary>A user-defined function (<c>define function F(p T): ...</c>).</summary>
public sealed class FunctionSymbol(string name, DefineSyntax syntax, ImmutableArray<LocalSymbol> parameters) : RuleSymbol(name, syntax)
{
    /// <summary>The function's syntax.</summary>
    public DefineSyntax Syntax { get; } = syntax;

    /// <summary>The parameters.</summary>
    public ImmutableArray<LocalSymbol> Parameters { get; } = parameters;

    /// <summary>The declared return type, when given.</summary>
    public ProtocolType? DeclaredReturnType { get; internal set; }

    /// <summary>The bound body (set when bound).</summary>
    public BoundExpression? Body { get; internal set; }

    /// <summary>The return type.</summary>
    public ProtocolType ReturnType => DeclaredReturnType ?? Body?.Type ?? ProtocolType.Any;
}

/// <summary>One row of a bound decision table.</summary>
/// <param name="Conditions">One condition per input (null for <c>-</c>); all null for <c>otherwise</c>.</param>
/// <param name="IsOtherwise">True for the otherwise row.</param>
/// <param name="Result">The row's result.</param>
/// <param name="Syntax">The row as written.</param>
public sealed record BoundTableRow(ImmutableArray<BoundExpression?> Conditions, bool IsOtherwise, BoundExpression Result, TableRowSyntax Syntax);

/// <summary>A decision table.</summary>
public sealed class TableSymbol(string name, TableSyntax syntax, ImmutableArray<LocalSymbol> inputs) : RuleSymbol(name, syntax)
{
    /// <summary>The table's syntax.</summary>
    public TableSyntax Syntax { get; } = syntax;

    /// <summary>The inputs.</summary>
    public ImmutableArray<LocalSymbol> Inputs { get; } = inputs;

    /// <summary>The hit policy.</summary>
    public HitPolicy HitPolicy => Syntax.HitPolicy ?? HitPolicy.First;

    /// <summary>The rows (set when bound).</summary>
    public ImmutableArray<BoundTableRow> Rows { get; internal set; } = [];

    /// <summary>The type of one result.</summary>
    public ProtocolType ResultType { get; internal set; } = ProtocolType.Any;

    /// <summary>The type a call returns: the result type, or a list of it for the collect policy.</summary>
    public ProtocolType CallType => HitPolicy == HitPolicy.Collect ? new ListType(ResultType) : ResultType;
}

/// <summary>A parameter of a protocol or library, possibly overridden by an import.</summary>
public sealed class ParameterSymbol(string name, ParameterSyntax syntax) : Symbol(name, syntax)
{
    /// <summary>The parameter's syntax.</summary>
    public ParameterSyntax Syntax { get; } = syntax;

    /// <summary>The value used: the import's override or the default (null when neither).</summary>
    public BoundExpression? Value { get; internal set; }

    /// <summary>The importer's value as written, when an import overrides the default.</summary>
    public string? OverrideText { get; internal set; }

    /// <summary>The declared or inferred type.</summary>
    public ProtocolType Type { get; internal set; } = ProtocolType.Any;
}

/// <summary>A code list.</summary>
public sealed class CodeListSymbol(string name, CodeListSyntax syntax) : Symbol(name, syntax)
{
    /// <summary>The code list's syntax.</summary>
    public CodeListSyntax Syntax { get; } = syntax;

    /// <summary>The code system, when given.</summary>
    public string? CodeSystem => Syntax.System?.Value;

    /// <summary>The codes with their displays.</summary>
    public IEnumerable<(string Code, string? Display)> Codes => Syntax.Codes.Select(c => (c.Code.Value, c.Display?.Value));
}

/// <summary>A visit of the schedule.</summary>
public sealed class VisitSymbol(string name, VisitSyntax syntax, decimal number) : Symbol(name, syntax)
{
    /// <summary>The visit's syntax.</summary>
    public VisitSyntax Syntax { get; } = syntax;

    /// <summary>The VISITNUM: declared, or the visit's position in the schedule.</summary>
    public decimal Number { get; } = number;

    /// <summary>The planned study day.</summary>
    public int Day => Syntax.Day;

    /// <summary>The window's first day (the planned day when no window).</summary>
    public int WindowStart => Syntax.WindowStart ?? Syntax.Day;

    /// <summary>The window's last day (the planned day when no window).</summary>
    public int WindowEnd => Syntax.WindowEnd ?? Syntax.Day;
}

/// <summary>A role people hold (Investigator, DataManager, ...).</summary>
public sealed class RoleSymbol(string name, RoleSyntax? syntax, string title) : Symbol(name, syntax)
{
    /// <summary>A readable title.</summary>
    public string Title { get; } = title;

    /// <summary>The standard roles every protocol may name without declaring them.</summary>
    public static readonly ImmutableArray<(string Name, string Title)> Standard =
    [
        ("Investigator", "Principal investigator"),
        ("SubInvestigator", "Sub-investigator"),
        ("StudyCoordinator", "Study coordinator"),
        ("SiteManager", "Site manager"),
        ("DataManager", "Data manager"),
        ("Monitor", "Clinical research associate"),
        ("MedicalMonitor", "Medical monitor"),
        ("SafetyPhysician", "Safety physician"),
        ("Statistician", "Statistician"),
        ("Sponsor", "Sponsor"),
        ("Regulator", "Regulatory authority"),
        ("EthicsCommittee", "Ethics committee / IRB"),
    ];
}
