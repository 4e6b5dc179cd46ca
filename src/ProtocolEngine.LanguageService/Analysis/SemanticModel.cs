using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.LanguageService.Analysis;

/// <summary>
/// Every name of a compiled protocol and what it stands for, in the protocol's file and in the libraries it imports:
/// declarations and uses of definitions, functions, tables, parameters, code lists, visits, roles and locals, domains and
/// variables of the data model, libraries, workflow states and tasks, and rules. Built once per compilation from the
/// bound trees (what the binder resolved) and, for names outside expressions (states, roles, clocks), from the syntax.
/// </summary>
internal sealed class SemanticModel
{
    private readonly Dictionary<string, Occurrence[]> _byFile;

    private SemanticModel(CompiledProtocol compiled, List<Occurrence> occurrences)
    {
        Compiled = compiled;
        _byFile = occurrences
            .DistinctBy(o => (o.Source.Path, o.Span.Start, o.Span.Length, o.Target.Key, o.IsDeclaration))
            .GroupBy(o => o.Source.Path, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(o => o.Span.Start).ThenBy(o => o.Span.Length).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The compilation the model describes.</summary>
    public CompiledProtocol Compiled { get; }

    /// <summary>The occurrences in one file, in position order.</summary>
    public IReadOnlyList<Occurrence> In(string path) => _byFile.TryGetValue(path, out var list) ? list : [];

    /// <summary>Every occurrence, in every file of the compilation.</summary>
    public IEnumerable<Occurrence> All => _byFile.Values.SelectMany(o => o);

    /// <summary>The innermost occurrence at an offset of a file (a cursor just after a name still touches it), or null.</summary>
    public Occurrence? At(string path, int offset)
    {
        Occurrence? best = null;
        foreach (var o in In(path))
        {
            if (o.Span.Start > offset) break;
            if (offset <= o.Span.End && (best is null || o.Span.Length <= best.Span.Length)) best = o;
        }
        return best;
    }

    /// <summary>Builds the model of a compilation.</summary>
    public static SemanticModel Build(CompiledProtocol compiled) => new(compiled, new Collector(compiled).Collect());

    private sealed class Collector(CompiledProtocol compiled)
    {
        private readonly List<Occurrence> _found = [];

        public List<Occurrence> Collect()
        {
            var main = compiled.Source;
            Symbols(main, compiled.Defines.Values, compiled.Functions.Values, compiled.Tables.Values, compiled.CodeLists.Values, compiled.Parameters.Values);
            foreach (var v in compiled.Visits.Values) Declared(v);
            foreach (var r in compiled.Roles.Values.Where(r => r.Source?.Path == main.Path)) Declared(r);
            foreach (var library in compiled.Libraries)
            {
                Symbols(library.Source, library.Defines.Values, library.Functions.Values, library.Tables.Values, library.CodeLists.Values, library.Parameters.Values);
                foreach (var r in library.Roles.Values) Declared(r);
            }
            foreach (var c in compiled.Criteria)
            {
                Add(c.Source, c.Syntax.Name.Span, new RuleTarget(c.Id, c.Identity, c.Title), true);
                Walk(c.Source, c.Rule);
            }
            foreach (var check in compiled.Checks.Concat(compiled.Libraries.SelectMany(l => l.Checks)))
            {
                Add(check.Source, check.Syntax.Name.Span, new RuleTarget(check.Id, check.Identity, check.Title), true);
                Local(check.Source, check.Alias);
                Walk(check.Source, check.Where);
                Walk(check.Source, check.Expect);
                foreach (var part in check.Message) Walk(check.Source, part.Value);
            }
            foreach (var rule in compiled.SafetyRules.Concat(compiled.Libraries.SelectMany(l => l.SafetyRules)))
            {
                Add(rule.Source, rule.Syntax.Name.Span, new RuleTarget(rule.Id, rule.Identity, rule.Title), true);
                if (compiled.DataModel?.FindDomain(rule.Domain.Name) is { } domain) Add(rule.Source, rule.Syntax.Domain.Span, new DomainTarget(domain), false);
                Local(rule.Source, rule.Alias);
                Walk(rule.Source, rule.When);
            }
            foreach (var workflow in compiled.Workflows.Concat(compiled.Libraries.SelectMany(l => l.Workflows)))
            {
                Add(workflow.Source, workflow.Syntax.Name.Span, new RuleTarget(workflow.Name, workflow.Identity, workflow.Syntax.Title?.Value), true);
                if (workflow.Domain is { } domain && workflow.Syntax.Scope is RecordWorkflowScopeSyntax rs) Add(workflow.Source, rs.Domain.Span, new DomainTarget(domain), false);
                Local(workflow.Source, workflow.Alias);
                Walk(workflow.Source, workflow.StartWhen);
                foreach (var t in workflow.Transitions)
                    foreach (var g in BoundGuards.Conditions(t.Guard)) Walk(workflow.Source, g.Condition);
            }
            if (compiled.Randomization is { } randomization)
                foreach (var s in randomization.Strata) Walk(main, s);
            Syntactic(main, compiled.Syntax);
            return _found;
        }

        private void Symbols(SourceText source, IEnumerable<DefineSymbol> defines, IEnumerable<FunctionSymbol> functions, IEnumerable<TableSymbol> tables,
            IEnumerable<CodeListSymbol> codeLists, IEnumerable<ParameterSymbol> parameters)
        {
            foreach (var d in defines)
            {
                Declared(d);
                Walk(source, d.Body);
            }
            foreach (var f in functions)
            {
                Declared(f);
                foreach (var p in f.Parameters) Local(source, p);
                Walk(source, f.Body);
            }
            foreach (var t in tables)
            {
                Declared(t);
                foreach (var i in t.Inputs) Local(source, i);
                foreach (var row in t.Rows)
                {
                    foreach (var c in row.Conditions) Walk(source, c);
                    Walk(source, row.Result);
                }
            }
            foreach (var c in codeLists) Declared(c);
            foreach (var p in parameters)
            {
                Declared(p);
                // An importer's override is bound in the importer's file: only a default is walked in the library's.
                if (p.OverrideText is null) Walk(source, p.Value);
            }
        }

        private void Declared(Symbol symbol)
        {
            if (symbol.Source is null || NameSpan(symbol.Declaration) is not { } span) return;
            Add(symbol.Source, span, new SymbolTarget(symbol), true);
        }

        private void Local(SourceText source, LocalSymbol? local)
        {
            if (local is null || local.Kind == LocalKind.Synthetic || NameSpan(local.Declaration) is not { } span) return;
            Add(source, span, new SymbolTarget(local), true);
        }

        /// <summary>Where the name of a declaration is.</summary>
        public static TextSpan? NameSpan(SyntaxNode? declaration) => declaration switch
        {
            IdentifierSyntax i when !i.IsMissing => i.Span,
            DefineSyntax d => d.Name.Span,
            TableSyntax t => t.Name.Span,
            CodeListSyntax c => c.Name.Span,
            ParameterSyntax p => p.Name.Span,
            VisitSyntax v => v.Name.Span,
            RoleSyntax r => r.Name.Span,
            OperandSyntax o => o.Name.Span,
            LetItemSyntax l => l.Name.Span,
            _ => null,
        };

        private void Add(SourceText source, TextSpan span, Target target, bool declaration)
        {
            if (span.Length > 0) _found.Add(new Occurrence(source, span, target, declaration));
        }

        private void Walk(SourceText source, BoundExpression? root)
        {
            if (root is null) return;
            foreach (var node in BoundTreeWalker.DescendantsAndSelf(root))
            {
                switch (node)
                {
                    case BoundDefineReference r:
                        Reference(source, r.Syntax, r.Define);
                        break;
                    case BoundParameterReference p:
                        Reference(source, p.Syntax, p.Parameter);
                        break;
                    case BoundCodeListReference c:
                        Reference(source, c.Syntax, c.CodeList);
                        break;
                    case BoundVisitReference v:
                        Reference(source, v.Syntax, v.Visit);
                        break;
                    case BoundFunctionCall { Syntax: InvocationSyntax i } f:
                        Add(source, i.Name.Span, new SymbolTarget(f.Function), false);
                        Qualifier(source, i.Target);
                        break;
                    case BoundTableCall { Syntax: InvocationSyntax i } t:
                        Add(source, i.Name.Span, new SymbolTarget(t.Table), false);
                        Qualifier(source, i.Target);
                        break;
                    case BoundCall { Syntax: InvocationSyntax i } call when call.Overload.Name == i.Name.Name:
                        Add(source, i.Name.Span, new BuiltinTarget(i.Name.Name), false);
                        break;
                    case BoundLocal { Syntax: NameSyntax n } l when l.Local.Kind != LocalKind.Synthetic && n.Identifier.Name == l.Local.Name:
                        Add(source, n.Identifier.Span, new SymbolTarget(l.Local), false);
                        break;
                    case BoundDomainReference { Syntax: NameSyntax n } d:
                        Add(source, n.Identifier.Span, new DomainTarget(d.Domain), false);
                        break;
                    case BoundVariableAccess v:
                        var member = v.Syntax switch
                        {
                            MemberAccessSyntax m => m.Member.Span,
                            NameSyntax n => n.Identifier.Span,
                            _ => (TextSpan?)null,
                        };
                        if (member is { } span) Add(source, span, new VariableTarget(v.Domain, v.Variable), false);
                        break;
                    case BoundQuery q:
                        foreach (var s in q.Sources) Local(source, s.Alias);
                        foreach (var (local, _) in q.Lets) Local(source, local);
                        foreach (var inc in q.Inclusions) Local(source, inc.Source.Alias);
                        if (q.Aggregate is { } ag) Local(source, ag.Accumulator);
                        break;
                }
            }
        }

        private void Reference(SourceText source, SyntaxNode syntax, Symbol symbol)
        {
            switch (syntax)
            {
                case NameSyntax n:
                    Add(source, n.Identifier.Span, new SymbolTarget(symbol), false);
                    break;
                case MemberAccessSyntax m:
                    Add(source, m.Member.Span, new SymbolTarget(symbol), false);
                    Qualifier(source, m.Target);
                    break;
            }
        }

        // The library part of a qualified name (ctcae5.Grade, std.ctcae5.Grade).
        private void Qualifier(SourceText source, ExpressionSyntax? target)
        {
            static string? Dotted(ExpressionSyntax? e) => e switch
            {
                NameSyntax n => n.Identifier.Name,
                MemberAccessSyntax { Target: var t, Member.Name: var member } when Dotted(t) is { } prefix => prefix + "." + member,
                _ => null,
            };
            if (target is null || Dotted(target) is not { } name) return;
            var library = compiled.Libraries.FirstOrDefault(l => l.Alias == name || l.Name == name)
                ?? compiled.Libraries.FirstOrDefault(l => l.Name.EndsWith("." + name, StringComparison.Ordinal));
            if (library is not null) Add(source, target.Span, new LibraryTarget(library.Name, library), false);
        }

        // ---------------------------------------------------------------- names outside expressions

        private void Syntactic(SourceText source, ProtocolFileSyntax file)
        {
            foreach (var declaration in file.Declarations)
            {
                switch (declaration)
                {
                    case ImportSyntax import:
                        var library = compiled.Libraries.FirstOrDefault(l => l.Name == import.Library.Text);
                        Add(source, import.Library.Span, new LibraryTarget(import.Library.Text, library), false);
                        foreach (var o in import.Overrides)
                            if (library?.Parameters.GetValueOrDefault(o.Name.Name) is { } parameter) Add(source, o.Name.Span, new SymbolTarget(parameter), false);
                        break;
                    case CriteriaSyntax criteria:
                        foreach (var c in criteria.Criteria)
                        {
                            if (c.Phase is { IsMissing: false } phase) Add(source, phase.Span, new PhaseTarget(phase.Name), true);
                            Role(source, c.AttestedBy);
                        }
                        break;
                    case CheckSyntax check:
                        Role(source, check.QueryTo);
                        if (check.Scope is RecordScopeSyntax rs && compiled.DataModel?.FindDomain(rs.Domain.Name) is { } domain)
                            Add(source, rs.Domain.Span, new DomainTarget(domain), false);
                        break;
                    case SafetySyntax safety:
                        foreach (var rule in safety.Rules)
                            foreach (var o in rule.Obligations)
                            {
                                Role(source, o.Recipient);
                                Clock(source, o.Duration);
                                foreach (var r in o.RegionOverrides) Clock(source, r.Duration);
                            }
                        break;
                    case WorkflowSyntax workflow:
                        Workflow(source, workflow);
                        break;
                }
            }
        }

        private void Workflow(SourceText source, WorkflowSyntax workflow)
        {
            var name = workflow.Name.Name;
            var states = workflow.States.Where(s => !s.Name.IsMissing).GroupBy(s => s.Name.Name).ToDictionary(g => g.Key, g => g.First().Name.Span, StringComparer.Ordinal);
            var tasks = workflow.States.SelectMany(s => s.Tasks).Where(t => !t.Name.IsMissing).GroupBy(t => t.Name.Name)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            StateTarget State(string state) => new(source.Path, name, state, states.TryGetValue(state, out var span) ? span : null);
            TaskTarget Task(string task) => new(source.Path, name, task, tasks.TryGetValue(task, out var t) ? t.Name.Span : null, tasks.GetValueOrDefault(task)?.Title?.Value);

            foreach (var state in workflow.States)
            {
                if (!state.Name.IsMissing) Add(source, state.Name.Span, State(state.Name.Name), true);
                foreach (var a in state.EntryActions) Action(source, a);
                foreach (var task in state.Tasks)
                {
                    if (!task.Name.IsMissing) Add(source, task.Name.Span, Task(task.Name.Name), true);
                    foreach (var role in task.Roles) Role(source, role);
                    foreach (var e in task.Escalations)
                    {
                        Role(source, e.Role);
                        if (e.After is { } after) Clock(source, after);
                    }
                    if (task.Due is { } due) Clock(source, due);
                    foreach (var r in task.Reminders)
                    {
                        Clock(source, r.Offset);
                        if (r.Every is { } every) Clock(source, every);
                    }
                }
                if (state.Deadline is { } deadline)
                {
                    Clock(source, deadline.Duration);
                    if (!deadline.Target.IsMissing) Add(source, deadline.Target.Span, State(deadline.Target.Name), false);
                }
            }
            foreach (var t in workflow.Transitions)
            {
                if (!t.From.IsMissing) Add(source, t.From.Span, State(t.From.Name), false);
                if (!t.To.IsMissing) Add(source, t.To.Span, State(t.To.Name), false);
                foreach (var g in Guards(t.Guard))
                {
                    switch (g)
                    {
                        case TaskGuardSyntax tg when !tg.Task.IsMissing:
                            Add(source, tg.Task.Span, Task(tg.Task.Name), false);
                            break;
                        case CriteriaGuardSyntax { Phase: { IsMissing: false } phase }:
                            Add(source, phase.Span, new PhaseTarget(phase.Name), false);
                            break;
                        case ClockGuardSyntax cg:
                            SafetyClock(source, cg.Clock);
                            break;
                    }
                }
                foreach (var a in t.Actions) Action(source, a);
            }
        }

        private static IEnumerable<GuardSyntax> Guards(GuardSyntax? guard)
        {
            if (guard is null) yield break;
            if (guard is BinaryGuardSyntax b)
            {
                foreach (var g in Guards(b.Left)) yield return g;
                foreach (var g in Guards(b.Right)) yield return g;
            }
            else yield return guard;
        }

        private void Action(SourceText source, ActionSyntax action)
        {
            switch (action)
            {
                case EvaluateCriteriaActionSyntax { Phase: { IsMissing: false } phase }:
                    Add(source, phase.Span, new PhaseTarget(phase.Name), false);
                    break;
                case NotifyActionSyntax n:
                    Role(source, n.Role);
                    break;
                case StopClockActionSyntax s:
                    SafetyClock(source, s.Clock);
                    break;
                case WithdrawClockActionSyntax w:
                    SafetyClock(source, w.Clock);
                    break;
            }
        }

        private void SafetyClock(SourceText source, IdentifierSyntax clock)
        {
            var ruleName = clock.Name.Split('.')[0];
            if (compiled.SafetyRules.FirstOrDefault(r => r.Id == ruleName) is { } rule)
                Add(source, new TextSpan(clock.Span.Start, Math.Min(ruleName.Length, clock.Span.Length)), new RuleTarget(rule.Id, rule.Identity, rule.Title), false);
        }

        private void Role(SourceText source, IdentifierSyntax? role)
        {
            if (role is null || role.IsMissing) return;
            if (compiled.Roles.TryGetValue(role.Name, out var symbol)) Add(source, role.Span, new SymbolTarget(symbol), false);
        }

        private void Clock(SourceText source, ClockDurationSyntax duration)
        {
            if (duration.Parameter is not { IsMissing: false } name) return;
            var parameter = compiled.Parameters.GetValueOrDefault(name.Name)
                ?? compiled.Libraries.Select(l => l.Parameters.GetValueOrDefault(name.Name)).FirstOrDefault(p => p is not null);
            if (parameter is not null) Add(source, name.Span, new SymbolTarget(parameter), false);
        }
    }

    /// <summary>Where the name of a declaration is (a definition's, a parameter's, a visit's, a local's), or null.</summary>
    public static TextSpan? NameSpanOf(SyntaxNode? declaration) => Collector.NameSpan(declaration);

    /// <summary>Every symbol a name in the protocol can refer to, own and imported, for completion.</summary>
    public static ImmutableArray<Symbol> GlobalSymbols(CompiledProtocol compiled)
    {
        var symbols = ImmutableArray.CreateBuilder<Symbol>();
        symbols.AddRange(compiled.Defines.Values);
        symbols.AddRange(compiled.Functions.Values);
        symbols.AddRange(compiled.Tables.Values);
        symbols.AddRange(compiled.CodeLists.Values);
        symbols.AddRange(compiled.Parameters.Values);
        symbols.AddRange(compiled.Visits.Values);
        foreach (var l in compiled.Libraries)
        {
            symbols.AddRange(l.Defines.Values);
            symbols.AddRange(l.Functions.Values);
            symbols.AddRange(l.Tables.Values);
            symbols.AddRange(l.CodeLists.Values);
            symbols.AddRange(l.Parameters.Values);
        }
        return symbols.ToImmutable();
    }
}
