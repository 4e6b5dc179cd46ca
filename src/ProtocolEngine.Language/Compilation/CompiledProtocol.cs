using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Language.Compilation;

/// <summary>
/// A protocol after parsing and binding: its metadata, every rule in bound form with its content hash, and
/// all diagnostics of the protocol and the libraries it imports. Immutable and safe to share; backends
/// (the native evaluator, renderers) work from it. Check <see cref="HasErrors"/> before running it.
/// </summary>
public sealed class CompiledProtocol : DeclaredSymbols
{
    private readonly Lazy<IReadOnlyDictionary<string, RuleIdentity>> _rules;

    internal CompiledProtocol(Binder binder) : base(binder, declaredRolesOnly: false) => _rules = new(CollectRules);

    /// <summary>The protocol's source.</summary>
    public required SourceText Source { get; init; }

    /// <summary>The syntax tree.</summary>
    public required ProtocolFileSyntax Syntax { get; init; }

    /// <summary>Every diagnostic, of this file and of imported libraries, in file then position order.</summary>
    public required IReadOnlyList<Diagnostic> Diagnostics { get; init; }

    /// <summary>True when any diagnostic is an error: the protocol must not run.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>The protocol (or library) name, for example CDISCPILOT01.</summary>
    public required string Name { get; init; }

    /// <summary>The version, for example "1.0".</summary>
    public string? Version => Syntax.Header?.Version?.Value;

    /// <summary>The version this one amends, when stated.</summary>
    public string? Amends => Syntax.Header?.Amends?.Value;

    /// <summary>The title.</summary>
    public string? Title => Syntax.Header?.Title?.Value;

    /// <summary>The trial phase.</summary>
    public string? Phase => Syntax.Header?.Phase;

    /// <summary>True for a shared library rather than a protocol.</summary>
    public bool IsLibrary => Syntax.Header?.IsLibrary ?? false;

    /// <summary>The data model rules are typed against (null when the protocol names none).</summary>
    public IDataModel? DataModel { get; init; }

    /// <summary>SHA-256 of the protocol's text and every library it imports: names exactly what ran.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The eligibility criteria, in protocol order.</summary>
    public required ImmutableArray<BoundCriterion> Criteria { get; init; }

    /// <summary>The data checks: the protocol's own, then those of imported libraries.</summary>
    public required ImmutableArray<BoundCheck> Checks { get; init; }

    /// <summary>The safety rules: the protocol's own, then those of imported libraries.</summary>
    public required ImmutableArray<BoundSafetyRule> SafetyRules { get; init; }

    /// <summary>The workflows: the protocol's own, then those of imported libraries.</summary>
    public required ImmutableArray<BoundWorkflow> Workflows { get; init; }

    /// <summary>
    /// The workflows lowered to the IR the workflow runtime executes, in the order of <see cref="Workflows"/>; empty when
    /// the protocol has errors. Their time zone is UTC: a host sets its own with <c>definition with { TimeZone = ... }</c>.
    /// </summary>
    public ImmutableArray<WorkflowDefinition> WorkflowDefinitions { get; init; } = [];

    /// <summary>The visit schedule.</summary>
    public required IReadOnlyDictionary<string, VisitSymbol> Visits { get; init; }

    /// <summary>The arms with their allocation ratios.</summary>
    public required IReadOnlyDictionary<string, BoundArm> Arms { get; init; }

    /// <summary>The randomisation scheme, when the protocol randomises.</summary>
    public BoundRandomization? Randomization { get; init; }

    /// <summary>Every library imported, directly or not.</summary>
    public required ImmutableArray<LibraryExports> Libraries { get; init; }

    /// <summary>The phases criteria belong to.</summary>
    public IEnumerable<string> CriteriaPhases => Criteria.Select(c => c.Phase).OfType<string>().Distinct(StringComparer.Ordinal);

    /// <summary>Finds a criterion by id.</summary>
    public BoundCriterion? FindCriterion(string id) => Criteria.FirstOrDefault(c => c.Id == id);

    /// <summary>
    /// Every rule of the protocol and of the libraries it imports, by rule id: criteria, definitions, functions,
    /// decision tables, checks, safety rules, workflows with their start conditions and data guards, and the
    /// randomisation scheme. When one library is bound twice (once per set of overrides) the first binding's rules are listed.
    /// </summary>
    public IReadOnlyDictionary<string, RuleIdentity> Rules => _rules.Value;

    private IReadOnlyDictionary<string, RuleIdentity> CollectRules()
    {
        var rules = new Dictionary<string, RuleIdentity>(StringComparer.Ordinal);
        void Add(RuleIdentity? identity)
        {
            if (identity is not null) rules.TryAdd(identity.Id, identity);
        }
        foreach (var c in Criteria) Add(c.Identity);
        foreach (var c in Checks) Add(c.Identity);
        foreach (var r in SafetyRules) Add(r.Identity);
        foreach (var w in Workflows)
        {
            Add(w.Identity);
            Add(w.StartIdentity);
            foreach (var t in w.Transitions)
                foreach (var g in BoundGuards.Conditions(t.Guard)) Add(g.Identity);
        }
        Add(Randomization?.Identity);
        foreach (var symbols in Libraries.Select(l => (l.Defines, l.Functions, l.Tables)).Prepend((Defines, Functions, Tables)))
        {
            foreach (var d in symbols.Defines.Values) Add(d.Identity);
            foreach (var f in symbols.Functions.Values) Add(f.Identity);
            foreach (var t in symbols.Tables.Values) Add(t.Identity);
        }
        return rules;
    }
}
