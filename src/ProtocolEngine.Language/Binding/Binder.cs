using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Language.Binding;

/// <summary>
/// The names a library or protocol makes available to files that import it.
/// </summary>
public sealed class LibraryExports : DeclaredSymbols
{
    [SetsRequiredMembers]
    internal LibraryExports(Binder binder, string name, string alias, ImmutableArray<LibraryExports> imports, SourceText source) : base(binder, declaredRolesOnly: true)
    {
        Name = name;
        Alias = alias;
        Checks = binder.Checks;
        SafetyRules = binder.SafetyRules;
        Workflows = binder.Workflows;
        Imports = imports;
        Source = source;
    }

    [SetsRequiredMembers]
    private LibraryExports(LibraryExports other, string alias) : base(other)
    {
        Name = other.Name;
        Alias = alias;
        Checks = other.Checks;
        SafetyRules = other.SafetyRules;
        Workflows = other.Workflows;
        Imports = other.Imports;
        Source = other.Source;
    }

    /// <summary>The library's qualified name (std.ctcae5).</summary>
    public required string Name { get; init; }
    /// <summary>The alias used by the importer (the last part of the name unless `as` says otherwise).</summary>
    public required string Alias { get; init; }
    /// <summary>Checks the library declares (they run as part of the importing protocol).</summary>
    public required ImmutableArray<BoundCheck> Checks { get; init; }
    /// <summary>Safety rules the library declares.</summary>
    public required ImmutableArray<BoundSafetyRule> SafetyRules { get; init; }
    /// <summary>Workflows the library declares.</summary>
    public required ImmutableArray<BoundWorkflow> Workflows { get; init; }
    /// <summary>The libraries this one imports, transitively (their checks, rules and workflows reach the importer too).</summary>
    public required ImmutableArray<LibraryExports> Imports { get; init; }
    /// <summary>The library's source, for hashing and display.</summary>
    public required SourceText Source { get; init; }

    /// <summary>The same library under another alias (<c>import std.ctcae5 as ctcae</c>).</summary>
    internal LibraryExports WithAlias(string alias) => alias == Alias ? this : new LibraryExports(this, alias);
}

/// <summary>
/// Resolves every name of a protocol file and types every expression, reporting all problems as
/// diagnostics with spans. One binder binds one file; imported libraries arrive already bound as
/// <see cref="LibraryExports"/>.
/// </summary>
internal sealed partial class Binder
{
    private readonly SourceText _source;
    private readonly ProtocolFileSyntax _file;
    private readonly List<Diagnostic> _diagnostics;
    private readonly IDataModel? _dataModel;
    private readonly IReadOnlyList<LibraryExports> _imports;

    private readonly Dictionary<string, DefineSymbol> _defines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FunctionSymbol> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TableSymbol> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CodeListSymbol> _codeLists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ParameterSymbol> _parameters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VisitSymbol> _visits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RoleSymbol> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BoundArm> _arms = new(StringComparer.Ordinal);
    private readonly HashSet<string> _phases = new(StringComparer.Ordinal);

    // Definitions being bound right now, to detect cycles.
    private readonly List<Symbol> _bindingStack = [];
    private readonly HashSet<Symbol> _used = [];

    public Binder(SourceText source, ProtocolFileSyntax file, List<Diagnostic> diagnostics, IDataModel? dataModel,
        IReadOnlyList<LibraryExports> imports, IReadOnlyDictionary<string, ParameterOverride>? parameterOverrides)
    {
        _source = source;
        _file = file;
        _diagnostics = diagnostics;
        _dataModel = dataModel;
        _imports = imports;
        _parameterOverrides = parameterOverrides ?? ImmutableDictionary<string, ParameterOverride>.Empty;
        foreach (var (name, title) in RoleSymbol.Standard) _roles[name] = new RoleSymbol(name, null, title);
    }

    private readonly IReadOnlyDictionary<string, ParameterOverride> _parameterOverrides;

    public string? LibraryName { get; init; }

    /// <summary>The compiler's limits (message placeholders are parsed with them; definition chains are checked against them).</summary>
    public CompilerLimits Limits { get; init; } = CompilerLimits.Default;

    public IReadOnlyDictionary<string, DefineSymbol> Defines => _defines;
    public IReadOnlyDictionary<string, FunctionSymbol> Functions => _functions;
    public IReadOnlyDictionary<string, TableSymbol> Tables => _tables;
    public IReadOnlyDictionary<string, CodeListSymbol> CodeLists => _codeLists;
    public IReadOnlyDictionary<string, ParameterSymbol> Parameters => _parameters;
    public IReadOnlyDictionary<string, VisitSymbol> Visits => _visits;
    public IReadOnlyDictionary<string, RoleSymbol> Roles => _roles;
    public IReadOnlyDictionary<string, BoundArm> Arms => _arms;
    public BoundRandomization? Randomization { get; private set; }
    public ImmutableArray<BoundCriterion> Criteria { get; private set; } = [];
    public ImmutableArray<BoundCheck> Checks { get; private set; } = [];
    public ImmutableArray<BoundSafetyRule> SafetyRules { get; private set; } = [];
    public ImmutableArray<BoundWorkflow> Workflows { get; private set; } = [];

    private void Report(Diagnostic diagnostic) => _diagnostics.Add(diagnostic with { Source = _source });

    /// <summary>Binds the whole file.</summary>
    public void BindFile()
    {
        DeclareSymbols();
        // Bind parameters, definitions and functions in order; references pull others in on demand.
        foreach (var p in _parameters.Values) BindParameter(p);
        foreach (var t in _tables.Values) BindTable(t);
        foreach (var f in _functions.Values) BindFunction(f);
        foreach (var d in _defines.Values) BindDefine(d);
        IdentifySymbols();
        BindArmsAndRandomization();
        Criteria = [.. _file.Declarations.OfType<CriteriaSyntax>().SelectMany(c => c.Criteria).Select(BindCriterion)];
        Checks = [.. _file.Declarations.OfType<CheckSyntax>().Select(BindCheck).OfType<BoundCheck>()];
        SafetyRules = [.. _file.Declarations.OfType<SafetySyntax>().SelectMany(s => s.Rules).Select(BindSafetyRule).OfType<BoundSafetyRule>()];
        Workflows = [.. _file.Declarations.OfType<WorkflowSyntax>().Select(BindWorkflow)];
        ReportUnusedDefinitions();
        CheckDefinitionChains();
    }

    // ---------------------------------------------------------------- declarations of names

    private void DeclareSymbols()
    {
        var declared = new Dictionary<string, string>(StringComparer.Ordinal);
        bool Declare(IdentifierSyntax name, string kind)
        {
            if (name.IsMissing) return false;
            if (declared.TryGetValue(name.Name, out var previous))
            {
                Report(DiagnosticCatalog.DuplicateDeclaration(name.Span, kind, name.Name));
                return false;
            }
            declared[name.Name] = kind;
            return true;
        }

        var criterionIds = new HashSet<string>(StringComparer.Ordinal);
        decimal visitNumber = 0;
        foreach (var declaration in _file.Declarations)
        {
            switch (declaration)
            {
                case DefineSyntax { IsFunction: false } d when Declare(d.Name, "Definition"):
                    _defines[d.Name.Name] = new DefineSymbol(d.Name.Name, d) { Library = LibraryName, Source = _source };
                    break;
                case DefineSyntax { IsFunction: true } f when Declare(f.Name, "Function"):
                    var parameters = f.Parameters!.Value.Select(p => new LocalSymbol(p.Name.Name, BindType(p.Type), LocalKind.Parameter, p)).ToImmutableArray();
                    _functions[f.Name.Name] = new FunctionSymbol(f.Name.Name, f, parameters) { Library = LibraryName, Source = _source };
                    break;
                case TableSyntax t when Declare(t.Name, "Table"):
                    var inputs = t.Inputs.Select(i => new LocalSymbol(i.Name.Name, BindType(i.Type), LocalKind.TableInput, i)).ToImmutableArray();
                    _tables[t.Name.Name] = new TableSymbol(t.Name.Name, t, inputs) { Library = LibraryName, Source = _source };
                    break;
                case CodeListSyntax c when Declare(c.Name, "Code list"):
                    _codeLists[c.Name.Name] = new CodeListSymbol(c.Name.Name, c) { Library = LibraryName, Source = _source };
                    var codes = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var code in c.Codes)
                        if (!codes.Add(code.Code.Value)) Report(DiagnosticCatalog.DuplicateCode(code.Code.Span, code.Code.Value, c.Name.Name));
                    break;
                case ParameterSyntax p when Declare(p.Name, "Parameter"):
                    _parameters[p.Name.Name] = new ParameterSymbol(p.Name.Name, p) { Library = LibraryName, Source = _source };
                    break;
                case VisitsSyntax v:
                    foreach (var visit in v.Visits)
                    {
                        visitNumber = visit.Number ?? visitNumber + 1;
                        if (!Declare(visit.Name, "Visit")) continue;
                        _visits[visit.Name.Name] = new VisitSymbol(visit.Name.Name, visit, visitNumber) { Library = LibraryName, Source = _source };
                        if (visit.WindowStart is int ws && visit.WindowEnd is int we && ws > we)
                            Report(DiagnosticCatalog.InvalidVisitWindow(visit.Span, visit.Name.Name));
                    }
                    break;
                case RolesSyntax r:
                    foreach (var role in r.Roles)
                        if (!role.Name.IsMissing)
                        {
                            if (_roles.TryGetValue(role.Name.Name, out var existing) && existing.Declaration is not null)
                                Report(DiagnosticCatalog.DuplicateDeclaration(role.Name.Span, "Role", role.Name.Name));
                            _roles[role.Name.Name] = new RoleSymbol(role.Name.Name, role, role.Title?.Value ?? role.Name.Name) { Library = LibraryName, Source = _source };
                        }
                    break;
                case CriteriaSyntax cs:
                    foreach (var criterion in cs.Criteria)
                    {
                        if (!criterion.Name.IsMissing && !criterionIds.Add(criterion.Name.Name))
                            Report(DiagnosticCatalog.DuplicateDeclaration(criterion.Name.Span, "Criterion", criterion.Name.Name));
                        if (criterion.Phase is { IsMissing: false } phase) _phases.Add(phase.Name);
                    }
                    break;
                case CheckSyntax ch:
                    Declare(ch.Name, "Check");
                    break;
                case SafetySyntax s:
                    foreach (var rule in s.Rules) Declare(rule.Name, "Safety rule");
                    break;
                case WorkflowSyntax w:
                    Declare(w.Name, "Workflow");
                    break;
            }
        }
        foreach (var import in _imports)
            foreach (var role in import.Roles.Values)
                _roles.TryAdd(role.Name, role);
    }

    private void BindArmsAndRandomization()
    {
        foreach (var arms in _file.Declarations.OfType<ArmsSyntax>())
        {
            foreach (var arm in arms.Arms)
            {
                if (arm.Name.IsMissing) continue;
                if (_arms.ContainsKey(arm.Name.Name)) Report(DiagnosticCatalog.DuplicateDeclaration(arm.Name.Span, "Arm", arm.Name.Name));
                if (arm.Ratio is <= 0) Report(DiagnosticCatalog.InvalidRatio(arm.Span, arm.Name.Name));
                _arms[arm.Name.Name] = new BoundArm(arm.Name.Name, arm.Title.Value, arm.Ratio ?? 1);
            }
            if (arms.Randomization is { } r)
            {
                var strata = ImmutableArray.CreateBuilder<BoundExpression>();
                foreach (var factor in r.Strata)
                {
                    var bound = BindExpression(factor, Scope.Empty);
                    if (bound.Type is ListType or IntervalType or TupleType or RecordType)
                        Report(DiagnosticCatalog.InvalidStratificationFactor(factor.Span, bound.Type.Name));
                    strata.Add(bound);
                }
                // Every block holds each arm its ratio's share a whole number of times, or the blocks cannot balance.
                int total = arms.Arms.Where(a => !a.Name.IsMissing).Sum(a => Math.Max(1, a.Ratio ?? 1));
                foreach (var size in r.BlockSizes.Distinct())
                    if (total > 0 && (size <= 0 || size % total != 0)) Report(DiagnosticCatalog.InvalidBlockSize(r.Span, size, total));
                Randomization = new BoundRandomization(r.BlockSizes, strata.ToImmutable(), r.Seed,
                    Identify(RuleKind.Randomization, RuleIdentity.RandomizationId, arms, strata));
            }
        }
    }

    // Definitions, functions and tables are rules too; their hashes are computed when first asked for, since most
    // compilations (a library's many definitions) never need them.
    private void IdentifySymbols()
    {
        var source = _source;
        foreach (var d in _defines.Values)
            d.SetIdentity(() => IdentityOf(RuleKind.Definition, RuleIdentity.SymbolId(RuleKind.Definition, d.QualifiedName), source, d.Syntax.Span, [d.Body]));
        foreach (var f in _functions.Values)
            f.SetIdentity(() => IdentityOf(RuleKind.Function, RuleIdentity.SymbolId(RuleKind.Function, f.QualifiedName), source, f.Syntax.Span, [f.Body]));
        foreach (var t in _tables.Values)
            t.SetIdentity(() => IdentityOf(RuleKind.Table, RuleIdentity.SymbolId(RuleKind.Table, t.QualifiedName), source, t.Syntax.Span,
                t.Rows.SelectMany(r => r.Conditions.Append(r.Result))));
    }

    private void ReportUnusedDefinitions()
    {
        // Libraries export their definitions, so only a protocol's own unused definitions are suspicious.
        if (LibraryName is not null || _file.Header?.IsLibrary == true) return;
        foreach (var d in _defines.Values)
            if (!_used.Contains(d)) Report(DiagnosticCatalog.UnusedDefinition(d.Syntax.Name.Span, d.Name));
    }

    // ---------------------------------------------------------------- definitions, functions, parameters, tables

    private void BindParameter(ParameterSymbol p)
    {
        var declared = p.Syntax.Type is { } t ? BindType(t) : null;
        BoundExpression? value = _parameterOverrides.TryGetValue(p.Name, out var overridden) ? overridden.Value
            : p.Syntax.Default is { } d ? BindExpression(d, Scope.Empty) : null;
        p.OverrideText = overridden?.Text;
        // An override was checked where the importer wrote it (ProtocolCompiler.BindOverrides).
        if (overridden is null && p.Syntax.Default is { } written && ScreeningDateRead(value) is { } clock)
            Report(DiagnosticCatalog.ParameterReadsTheScreeningDate(written.Span, p.Name, clock.Overload.Name + "()"));
        if (declared is not null && value is not null) value = Convert(value, declared, "The parameter's value");
        p.Value = value;
        p.Type = declared ?? value?.Type ?? ProtocolType.Any;
    }

    /// <summary>The first call in <paramref name="value"/> that reads the screening's date, if any.</summary>
    internal static BoundCall? ScreeningDateRead(BoundExpression? value) =>
        value is null ? null : BoundTreeWalker.DescendantsAndSelf(value).OfType<BoundCall>().FirstOrDefault(c => c.Overload.ReadsTheScreeningDate);

    private void BindDefine(DefineSymbol define)
    {
        if (define.Body is not null) return;
        if (_bindingStack.Contains(define))
        {
            ReportCycle(define);
            define.Body = new BoundError(define.Syntax.Body);
            return;
        }
        if (ChainTooDeep(define)) return;
        _bindingStack.Add(define);
        BoundExpression body;
        try
        {
            body = BindExpression(define.Syntax.Body, Scope.Empty);
        }
        finally
        {
            _bindingStack.Remove(define);
        }
        define.Body ??= body;
    }

    // Binding a definition binds the ones it uses first, one inside the other: a chain longer than the limit is
    // reported where it gets too long (and would also be too deep to evaluate).
    private bool ChainTooDeep(Symbol symbol)
    {
        if (_bindingStack.Count < Limits.MaxDefinitionDepth) return false;
        var syntax = symbol is DefineSymbol d ? d.Syntax : ((FunctionSymbol)symbol).Syntax;
        // Reported once: the rest of a very long chain is cut the same way, for the same reason.
        if (!_chainReported) Report(DiagnosticCatalog.DefinitionChainTooDeep(syntax.Name.Span, symbol.Name, Limits.MaxDefinitionDepth));
        _chainReported = true;
        if (symbol is DefineSymbol define) define.Body = new BoundError(syntax.Body);
        else ((FunctionSymbol)symbol).Body = new BoundError(syntax.Body);
        return true;
    }

    private bool _chainReported;

    private void BindFunction(FunctionSymbol function)
    {
        if (function.Body is not null) return;
        if (_bindingStack.Contains(function))
        {
            Report(DiagnosticCatalog.RecursiveFunction(function.Syntax.Name.Span, function.Name));
            function.Body = new BoundError(function.Syntax.Body);
            return;
        }
        if (function.Syntax.ReturnType is { } rt) function.DeclaredReturnType = BindType(rt);
        if (ChainTooDeep(function)) return;
        _bindingStack.Add(function);
        var scope = new Scope(null);
        foreach (var p in function.Parameters) scope.Add(p);
        BoundExpression body;
        try
        {
            body = BindExpression(function.Syntax.Body, scope);
            if (function.DeclaredReturnType is { } declared) body = Convert(body, declared, $"The result of {function.Name}");
        }
        finally
        {
            _bindingStack.Remove(function);
        }
        function.Body ??= body;
    }

    private void ReportCycle(Symbol symbol)
    {
        int start = _bindingStack.IndexOf(symbol);
        var cycle = string.Join(" -> ", _bindingStack.Skip(start).Select(s => s.Name).Append(symbol.Name));
        var span = symbol.Declaration is DefineSyntax d ? d.Name.Span : new TextSpan(0, 0);
        Report(DiagnosticCatalog.CyclicDefinition(span, cycle));
    }

    private void BindTable(TableSymbol table)
    {
        var syntax = table.Syntax;
        var scope = new Scope(null);
        foreach (var input in table.Inputs) scope.Add(input);
        int expectedCells = table.Inputs.Length + 1;
        var rows = ImmutableArray.CreateBuilder<BoundTableRow>();
        var results = new List<BoundExpression>();
        bool hasOtherwise = false;
        var declaredOutput = syntax.OutputType is { } o ? BindType(o) : null;
        foreach (var row in syntax.Rows)
        {
            bool otherwise = row.Cells.Length > 0 && row.Cells[0].IsOtherwise;
            if (!otherwise && row.Cells.Length != expectedCells || otherwise && row.Cells.Length != 2 && row.Cells.Length != expectedCells)
            {
                Report(DiagnosticCatalog.TableRowCellCount(row.Span, row.Cells.Length, expectedCells));
                continue;
            }
            hasOtherwise |= otherwise;
            var conditions = ImmutableArray.CreateBuilder<BoundExpression?>();
            if (!otherwise)
            {
                foreach (var cell in row.Cells.Take(row.Cells.Length - 1))
                {
                    if (cell.IsAny || cell.IsOtherwise || cell.Expression is null)
                    {
                        conditions.Add(null);
                        continue;
                    }
                    var condition = BindExpression(cell.Expression, scope);
                    if (condition.Type != ProtocolType.Boolean && !condition.Type.IsAny)
                        Report(DiagnosticCatalog.TableConditionNotBoolean(cell.Span, condition.Type.Name));
                    conditions.Add(condition);
                }
            }
            else
            {
                for (int i = 0; i < table.Inputs.Length; i++) conditions.Add(null);
            }
            var resultCell = row.Cells[^1];
            var result = resultCell.Expression is { } re ? BindExpression(re, scope) : new BoundError(resultCell);
            results.Add(result);
            rows.Add(new BoundTableRow(conditions.ToImmutable(), otherwise, result, row));
        }
        var resultType = declaredOutput ?? Conversions.CommonType(results.Select(r => r.Type));
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            var converted = ConvertQuiet(row.Result, resultType);
            if (converted is null)
            {
                Report(DiagnosticCatalog.TableResultTypesDiffer(row.Result.Syntax.Span, resultType.Name, row.Result.Type.Name));
                continue;
            }
            rows[i] = row with { Result = converted };
        }
        if (!hasOtherwise && table.HitPolicy != HitPolicy.Collect) Report(DiagnosticCatalog.TableWithoutOtherwise(syntax.Name.Span, table.Name));
        table.Rows = rows.ToImmutable();
        table.ResultType = resultType;
    }

    // ---------------------------------------------------------------- types

    internal ProtocolType BindType(TypeSyntax syntax)
    {
        switch (syntax)
        {
            case NamedTypeSyntax n:
            {
                var name = n.Name.Text;
                if (name.Length == 0) return ProtocolType.Any;
                if (ProtocolType.Primitives.TryGetValue(name, out var primitive)) return primitive;
                if (name == "CodeList") return ProtocolType.CodeList;
                if (_dataModel?.FindDomain(name) is { } domain) return new RecordType(domain);
                var candidates = ProtocolType.Primitives.Keys.Where(k => !k.StartsWith("System.", StringComparison.Ordinal))
                    .Concat(_dataModel?.Domains.Select(d => d.Name) ?? []);
                Report(DiagnosticCatalog.UnknownType(n.Span, name, NameSuggester.Suggest(name, candidates)));
                return ProtocolType.Any;
            }
            case ListTypeSyntax l:
                return new ListType(BindType(l.Element));
            case IntervalTypeSyntax i:
                return new IntervalType(BindType(i.Point));
            case TupleTypeSyntax t:
                return new TupleType([.. t.Elements.Select(e => new TupleElement(e.Name.Name, BindType(e.Type)))]);
            case ChoiceTypeSyntax c:
                return new ChoiceType([.. c.Options.Select(BindType)]);
            default:
                return ProtocolType.Any;
        }
    }

    internal static ProtocolType VariableType(VariableSchema variable) => variable.Type switch
    {
        DataModel.VariableType.Num => ProtocolType.Decimal,
        DataModel.VariableType.Integer => ProtocolType.Integer,
        DataModel.VariableType.DateTime => ProtocolType.DateTime,
        _ => ProtocolType.String,
    };

    internal static ProtocolType DomainReferenceType(DomainSchema domain) =>
        domain.Structure == DomainStructure.OnePerSubject ? new RecordType(domain) : new ListType(new RecordType(domain));
}
