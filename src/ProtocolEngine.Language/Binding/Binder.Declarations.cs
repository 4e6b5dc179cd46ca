using System.Collections.Immutable;
using System.Text;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Types;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Language.Binding;

internal sealed partial class Binder
{
    // ---------------------------------------------------------------- criteria

    private BoundCriterion BindCriterion(CriterionSyntax c)
    {
        BoundExpression? rule = null;
        RoleSymbol? attestedBy = null;
        if (c.AttestedBy is { } role) attestedBy = ResolveRole(role);
        if (c.Rule is { } r)
        {
            rule = BindExpression(r, Scope.Empty);
            if (rule.Type != ProtocolType.Boolean && rule is not BoundError)
            {
                if (rule.Type.IsAny) rule = ConvertQuiet(rule, ProtocolType.Boolean) ?? rule;
                else
                {
                    Report(DiagnosticCatalog.CriterionNotBoolean(r.Span, c.Name.Name, rule.Type.Name));
                    rule = new BoundError(r);
                }
            }
        }
        BoundExpression[] roots = rule is null ? [] : [rule];
        var dependencies = Dependencies(roots);
        // What decides the outcome (the rule, or who attests), over the same dependencies as the rule hash (RuleHasher.DecisionHash).
        SyntaxNode decisive = (SyntaxNode?)c.Rule ?? (SyntaxNode?)c.AttestedBy ?? c;
        return new BoundCriterion(c, _source, rule, attestedBy, IdentityWith(RuleKind.Criterion, RuleIdentity.CriterionId(c.Name.Name), _source, c.Span, dependencies))
        {
            DecisionHash = RuleHasher.DecisionHash(_source.Slice(decisive.Span), dependencies),
        };
    }

    private RoleSymbol? ResolveRole(IdentifierSyntax role)
    {
        if (role.IsMissing) return null;
        if (_roles.TryGetValue(role.Name, out var symbol)) return symbol;
        Report(DiagnosticCatalog.UnknownRole(role.Span, role.Name, NameSuggester.Suggest(role.Name, _roles.Keys)));
        return null;
    }

    // ---------------------------------------------------------------- checks

    private BoundCheck? BindCheck(CheckSyntax c)
    {
        if (c.Scope is null || c.Expect is null) return null;
        var scope = new Scope(null);
        DomainSchema? domain = null;
        LocalSymbol? alias = null;
        BoundExpression? where = null;
        CheckScopeKind kind;
        switch (c.Scope)
        {
            case RecordScopeSyntax rs:
                kind = CheckScopeKind.Record;
                domain = ResolveDomain(rs.Domain);
                alias = new LocalSymbol(rs.Alias.Name, domain is null ? ProtocolType.Any : new RecordType(domain), LocalKind.Alias, rs.Alias);
                scope.Add(alias);
                if (rs.Where is { } w) where = Convert(BindExpression(w, scope), ProtocolType.Boolean, "The check's where condition");
                break;
            case SubjectScopeSyntax ss:
                kind = CheckScopeKind.Subject;
                if (ss.Where is { } sw) where = Convert(BindExpression(sw, scope), ProtocolType.Boolean, "The check's where condition");
                break;
            default:
                kind = CheckScopeKind.Study;
                break;
        }
        var expect = Convert(BindExpression(c.Expect, scope), ProtocolType.Boolean, $"The expectation of check {c.Name.Name}");
        var message = c.Message is { } m ? BindMessage(m, scope) : [];
        var queryTo = c.QueryTo is { } q ? ResolveRole(q) : null;
        var roots = new List<BoundExpression> { expect };
        if (where is not null) roots.Add(where);
        roots.AddRange(message.Where(p => p.Value is not null).Select(p => p.Value!));
        return new BoundCheck(c, _source, kind, domain, alias, where, expect, message, queryTo, Identify(RuleKind.Check, RuleIdentity.CheckId(LibraryName, c.Name.Name), c, roots));
    }

    private DomainSchema? ResolveDomain(IdentifierSyntax name)
    {
        if (name.IsMissing) return null;
        if (_dataModel is null)
        {
            Report(DiagnosticCatalog.MissingDataModel(name.Span, name.Name));
            return null;
        }
        if (_dataModel.FindDomain(name.Name) is { } domain) return domain;
        Report(DiagnosticCatalog.UnknownDomain(name.Span, name.Name, $"{_dataModel.Name} {_dataModel.Version}",
            NameSuggester.Suggest(name.Name, _dataModel.Domains.Select(d => d.Name))));
        return null;
    }

    /// <summary>Splits a message into text and <c>{expression}</c> placeholders, each bound in the check's scope.</summary>
    private ImmutableArray<MessagePart> BindMessage(StringSyntax message, Scope scope)
    {
        var parts = ImmutableArray.CreateBuilder<MessagePart>();
        var text = message.Value;
        int i = 0;
        var literal = new StringBuilder();
        while (i < text.Length)
        {
            if (text[i] == '{')
            {
                int close = text.IndexOf('}', i + 1);
                if (close < 0) break;
                if (literal.Length > 0) { parts.Add(new MessagePart(literal.ToString(), null)); literal.Clear(); }
                var inner = text[(i + 1)..close];
                // Offsets inside the quoted text: 1 for the opening quote (escapes aside, close enough for a span).
                int offset = message.Span.Start + 1 + i + 1;
                var parsed = ProtocolParser.ParseExpression(_source, inner, offset, Limits);
                if (parsed.Diagnostics.Count > 0 || inner.Trim().Length == 0)
                {
                    Report(DiagnosticCatalog.InvalidPlaceholder(new TextSpan(offset, inner.Length), inner));
                    parts.Add(new MessagePart("{" + inner + "}", null));
                }
                else
                {
                    int before = _diagnostics.Count;
                    var bound = BindExpression(parsed.Root, scope);
                    if (_diagnostics.Count > before)
                    {
                        _diagnostics.RemoveRange(before, _diagnostics.Count - before);
                        Report(DiagnosticCatalog.InvalidPlaceholder(new TextSpan(offset, inner.Length), inner));
                        parts.Add(new MessagePart("{" + inner + "}", null));
                    }
                    else parts.Add(new MessagePart(null, bound));
                }
                i = close + 1;
                continue;
            }
            literal.Append(text[i]);
            i++;
        }
        if (i < text.Length) literal.Append(text[i..]);
        if (literal.Length > 0) parts.Add(new MessagePart(literal.ToString(), null));
        return parts.ToImmutable();
    }

    // ---------------------------------------------------------------- safety rules

    private BoundSafetyRule? BindSafetyRule(SafetyRuleSyntax rule)
    {
        var domain = ResolveDomain(rule.Domain);
        if (domain is null) return null;
        var alias = new LocalSymbol(rule.Alias.Name, new RecordType(domain), LocalKind.Alias, rule.Alias);
        var scope = new Scope(null).Add(alias);
        var when = rule.When is { } w ? Convert(BindExpression(w, scope), ProtocolType.Boolean, $"The condition of safety rule {rule.Name.Name}") : null;
        var obligations = ImmutableArray.CreateBuilder<BoundObligation>();
        foreach (var o in rule.Obligations)
        {
            var recipient = o.Recipient is { } r ? ResolveRole(r) : null;
            var length = BindClock(o.Duration);
            var regions = ImmutableDictionary.CreateBuilder<string, ClockDuration>(StringComparer.Ordinal);
            foreach (var region in o.RegionOverrides)
                if (BindClock(region.Duration) is { } rl) regions[region.Region.Value] = rl;
            if (length is not null) obligations.Add(new BoundObligation(o.Kind, recipient, length, regions.ToImmutable(), o));
        }
        // Clock lengths given by a parameter are part of what the rule says.
        var clockParameters = rule.Obligations.SelectMany(o => o.RegionOverrides.Select(r => r.Duration).Prepend(o.Duration))
            .Select(d => d.Parameter is { IsMissing: false } p ? FindParameter(p.Name) : null).OfType<ParameterSymbol>();
        return new BoundSafetyRule(rule, _source, domain, alias, when, obligations.ToImmutable(),
            Identify(RuleKind.SafetyRule, RuleIdentity.SafetyRuleId(LibraryName, rule.Name.Name), rule, when is null ? [] : [when], symbols: clockParameters));
    }

    /// <summary>
    /// Resolves a clock length: a literal duration, or a Quantity parameter such as <c>SeriousAENotification</c>. Months,
    /// years and milliseconds are refused (PE2024): the workflow runtime counts clocks exactly.
    /// </summary>
    private ClockDuration? BindClock(ClockDurationSyntax syntax)
    {
        if (syntax.Parameter is { } name)
        {
            if (name.IsMissing) return null;
            ParameterSymbol? parameter = FindParameter(name.Name);
            if (parameter is null)
            {
                Report(DiagnosticCatalog.UnknownName(name.Span, name.Name, NameSuggester.Suggest(name.Name, _parameters.Keys.Concat(_imports.SelectMany(i => i.Parameters.Keys)))));
                return null;
            }
            _used.Add(parameter);
            if (parameter.Value is BoundQuantityLiteral q && UnitDimensions.IsCalendarUnit(q.Unit) && q.Value > 0 && q.Value == decimal.Truncate(q.Value))
            {
                if (ClockDuration.UnitOf(SingularPrecision(q.Unit)) is { } unit) return new ClockDuration((int)q.Value, unit, true);
                Report(DiagnosticCatalog.InexactClock(name.Span, $"{q.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} {q.Unit}"));
                return null;
            }
            // A Quantity that is not a positive whole literal would read "must be a Quantity ... but it is Quantity": say what it is.
            string actual = parameter.Value switch
            {
                BoundQuantityLiteral literal => $"{literal.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} '{literal.Unit}' (not a positive whole number of days, weeks, hours, minutes or seconds)",
                { Type.Name: "Quantity" } => "a Quantity that is not a positive literal (a negative or computed value)",
                { } other => other.Type.Name,
                null => parameter.Type.Name,
            };
            Report(DiagnosticCatalog.DurationParameterType(name.Span, name.Name, actual));
            return null;
        }
        if (syntax.Value is not int value || syntax.Unit is null) return null;
        if (value <= 0)
        {
            Report(DiagnosticCatalog.InvalidDuration(syntax.Span));
            return null;
        }
        if (ClockDuration.UnitOf(SingularPrecision(syntax.Unit)) is not { } literalUnit)
        {
            Report(DiagnosticCatalog.InexactClock(syntax.Span, _source.Slice(syntax.Span)));
            return null;
        }
        return new ClockDuration(value, literalUnit, syntax.Calendar || syntax.Unit.StartsWith("day", StringComparison.Ordinal));
    }

    // ---------------------------------------------------------------- rule identity

    private ParameterSymbol? FindParameter(string name) =>
        _parameters.GetValueOrDefault(name) ?? _imports.Select(i => i.Parameters.GetValueOrDefault(name)).FirstOrDefault(p => p is not null);

    /// <summary>
    /// The identity of a rule: its stable id and its rule hash over its text and the text of every definition,
    /// function, table, code list, parameter and visit it reads, transitively (<see cref="RuleHasher"/>).
    /// </summary>
    private RuleIdentity Identify(RuleKind kind, string id, SyntaxNode declaration, IEnumerable<BoundExpression> roots,
        IEnumerable<KeyValuePair<string, string>>? context = null, IEnumerable<Symbol>? symbols = null) =>
        IdentityOf(kind, id, _source, declaration.Span, roots, context, symbols);

    internal static RuleIdentity IdentityOf(RuleKind kind, string id, SourceText source, TextSpan span, IEnumerable<BoundExpression?> roots,
        IEnumerable<KeyValuePair<string, string>>? context = null, IEnumerable<Symbol>? symbols = null)
        => IdentityWith(kind, id, source, span, Dependencies(roots, symbols), context);

    private static RuleIdentity IdentityWith(RuleKind kind, string id, SourceText source, TextSpan span, SortedDictionary<string, string> dependencies,
        IEnumerable<KeyValuePair<string, string>>? context = null) =>
        new(id, kind, RuleHasher.Hash(kind, source.Slice(span), context ?? [], dependencies), source, span);

    /// <summary>Qualified name to canonical text of everything <paramref name="roots"/> and <paramref name="symbols"/> read, transitively.</summary>
    private static SortedDictionary<string, string> Dependencies(IEnumerable<BoundExpression?> roots, IEnumerable<Symbol>? symbols = null)
    {
        var dependencies = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var visited = new HashSet<Symbol>();
        // An explicit stack: rules and the chains of definitions they use can be longer than any thread's stack is deep.
        var pending = new Stack<BoundExpression>();
        foreach (var symbol in symbols ?? []) AddDependency(symbol, [], dependencies, visited, pending);
        foreach (var root in roots)
            if (root is not null) pending.Push(root);
        CollectDependencies(pending, dependencies, visited);
        return dependencies;
    }

    private static void AddDependency(Symbol s, IEnumerable<BoundExpression?> bodies, SortedDictionary<string, string> into, HashSet<Symbol> visited,
        Stack<BoundExpression> pending)
    {
        if (!visited.Add(s)) return;
        // An import's override is part of what the parameter says: `with Window = 7 days` changes the rules that read it.
        into[s.GetType().Name + ":" + s.QualifiedName] = s is ParameterSymbol { OverrideText: { } o } ? s.CanonicalText + "\n= " + RuleHasher.Canonical(o) : s.CanonicalText;
        foreach (var b in bodies)
            if (b is not null) pending.Push(b);
        if (s is ParameterSymbol { Value: { } value }) pending.Push(value);
    }

    private static void CollectDependencies(Stack<BoundExpression> pending, SortedDictionary<string, string> into, HashSet<Symbol> visited)
    {
        void Add(Symbol s, IEnumerable<BoundExpression?> bodies) => AddDependency(s, bodies, into, visited, pending);
        while (pending.Count > 0)
        {
            var e = pending.Pop();
            switch (e)
            {
                case BoundDefineReference d: Add(d.Define, [d.Define.Body]); break;
                case BoundFunctionCall f: Add(f.Function, [f.Function.Body]); break;
                case BoundTableCall t: Add(t.Table, t.Table.Rows.SelectMany(r => r.Conditions.Append(r.Result))); break;
                case BoundCodeListReference c: Add(c.CodeList, []); break;
                case BoundParameterReference p: Add(p.Parameter, []); break;
                case BoundVisitReference v: Add(v.Visit, []); break;
            }
            foreach (var child in BoundTreeWalker.Children(e)) pending.Push(child);
        }
    }
}
