using System.Collections.Immutable;
using System.Globalization;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Types;
using ProtocolEngine.Verification.Solving;

namespace ProtocolEngine.Verification.Lowering;

/// <summary>
/// Lowers the compiler's bound tree (criteria, definitions, functions, decision tables) to SMT-LIB over one subject's
/// data in a bounded model: the subject's DM record, and a fixed number of record slots per other domain, each slot
/// present or not, each variable it reads null or a value (integers, reals, strings, dates as day numbers). Every
/// query site (an exists, First, Last) ranges over the same slots, so two rules reading one domain read one set of
/// records. What is not covered becomes a free value and is named in <see cref="Uncovered"/>: an answer that depends on
/// it is never reported as proved.
/// </summary>
internal sealed partial class SmtLowering
{
    private readonly List<string> _declarations = [];
    private readonly HashSet<string> _declared = new(StringComparer.Ordinal);
    private readonly List<string> _axioms = [];
    private readonly Dictionary<string, int> _slotCounts;
    private readonly Dictionary<string, int> _sitesPerDomain = new(StringComparer.Ordinal);
    // Keyed by name and text, not symbol: two versions of a protocol lowered into one solver share what they define alike.
    private readonly Dictionary<string, Sym> _defines = new(StringComparer.Ordinal);
    private readonly HashSet<DefineSymbol> _definesInProgress = [];
    private readonly Dictionary<string, Sym> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DomainSchema> _domains = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RecordSlot[]> _slots = new(StringComparer.Ordinal);
    private readonly List<string> _preferences = [];
    private int _fresh;
    private int _depth;

    /// <param name="prefix">Names every constant this lowering declares, so two protocols (an amendment's versions) lowered into one
    /// solver share the subject's data (the slots, named by domain) but not their definitions.</param>
    /// <param name="slotCounts">Record slots per domain (the bound); a domain not listed gets <paramref name="defaultSlots"/>.</param>
    /// <param name="today">Today, as a day number (what Today() and Now() are).</param>
    /// <param name="strings">The codes of text literals, shared with other protocols lowered into the same solver.</param>
    /// <param name="defaultSlots">Slots for a domain the counts do not name.</param>
    public SmtLowering(string prefix, IReadOnlyDictionary<string, int> slotCounts, int today, StringTable strings, int defaultSlots = 2)
    {
        Strings = strings;
        Prefix = prefix;
        _slotCounts = new Dictionary<string, int>(slotCounts, StringComparer.Ordinal);
        Today = today;
        DefaultSlots = defaultSlots;
    }

    public string Prefix { get; }

    /// <summary>The codes of the text literals (shared by every protocol lowered into one solver).</summary>
    public StringTable Strings { get; }

    public int Today { get; }

    public int DefaultSlots { get; }

    /// <summary>Constructs not covered, by the rule being lowered when they were met.</summary>
    public List<(string Owner, Uncovered What)> Uncovered { get; } = [];

    /// <summary>Constructs whose lowering is exact only up to the slot bound (Count, Sum, Min, Max over records).</summary>
    public List<(string Owner, string What)> Bounded { get; } = [];

    /// <summary>The rule being lowered (for <see cref="Uncovered"/>).</summary>
    public string Owner { get; set; } = "";

    /// <summary>Query sites met per domain: the slot bound a complete search needs.</summary>
    public IReadOnlyDictionary<string, int> SitesPerDomain => _sitesPerDomain;

    /// <summary>Every domain whose records were read, with its slots.</summary>
    public IReadOnlyDictionary<string, RecordSlot[]> Slots => _slots;

    /// <summary>Every declaration so far.</summary>
    public IReadOnlyList<string> Declarations => _declarations;

    /// <summary>Axioms the lowering needs (definitions of auxiliary constants, string function facts).</summary>
    public IReadOnlyList<string> Axioms => _axioms;

    /// <summary>Assumptions that make a witness easy to read and to write faithfully (upper-case text), dropped when they conflict.</summary>
    public IReadOnlyList<string> Preferences => _preferences;

    /// <summary>The variables read per domain, with their sort.</summary>
    public Dictionary<(string Domain, string Variable), (VariableSchema Schema, SmtSort Sort)> Variables { get; } = [];

    // ---------------------------------------------------------------- entry points

    /// <summary>A Boolean rule lowered to (true, false) formulas.</summary>
    public BoolSym LowerBoolean(BoundExpression rule)
    {
        var sym = Lower(rule, Env.Empty);
        return AsBool(sym, rule);
    }

    /// <summary>A condition about one record (a per-record workflow's guard), the record being the first slot of its domain.</summary>
    public BoolSym LowerBoolean(BoundExpression rule, LocalSymbol alias, DomainSchema domain)
    {
        var slot = SlotsOf(domain)[0];
        var sym = Lower(rule, Env.Empty.With(alias, new RecordSym(domain, [("true", slot)])));
        return AsBool(sym, rule);
    }

    /// <summary>A fresh Boolean or integer constant (for workflow events, task outcomes and clocks).</summary>
    public string FreshConstant(string sort, string hint) => Fresh(sort, hint);

    // ---------------------------------------------------------------- declarations

    /// <summary>The case-mapping functions of text codes (declared once per solver; their table is in FinishText).</summary>
    public static readonly string[] Functions = ["(declare-fun fold_upper (Int) Int)", "(declare-fun fold_lower (Int) Int)"];

    private string Declare(string name, string sort)
    {
        if (_declared.Add(name)) _declarations.Add($"(declare-const {name} {sort})");
        return name;
    }

    private string Fresh(string sort, string hint = "t") => Declare($"{Prefix}{hint}{_fresh++}", sort);

    private RecordSlot[] SlotsOf(DomainSchema domain)
    {
        if (_slots.TryGetValue(domain.Name, out var slots)) return slots;
        _domains[domain.Name] = domain;
        int count = domain.IsSingular() ? 1 : _slotCounts.GetValueOrDefault(domain.Name, DefaultSlots);
        slots = new RecordSlot[count];
        for (int i = 0; i < count; i++)
        {
            var slot = new RecordSlot(domain, i, domain.IsSingular() ? domain.Name : $"{domain.Name}_{i}");
            if (!domain.IsSingular()) Declare(slot.Present, "Bool");
            slots[i] = slot;
        }
        _slots[domain.Name] = slots;
        return slots;
    }

    /// <summary>The null flag and value constants of a slot's variable.</summary>
    private ScalarSym SlotVariable(RecordSlot slot, VariableSchema variable, ProtocolType type)
    {
        var sort = SortOf(type) ?? SmtSort.String;
        Variables.TryAdd((slot.Domain.Name, variable.Name), (variable, sort));
        var n = Declare($"{slot.Prefix}_{variable.Name}_null", "Bool");
        var v = Declare($"{slot.Prefix}_{variable.Name}", Smt.SortName(sort));
        // An absent record has no values: pinned so a model does not print noise for it.
        if (!slot.Domain.IsSingular() && _declared.Add("ax:" + n)) _axioms.Add($"(=> (not {slot.Present}) {n})");
        return new ScalarSym(sort, n, v);
    }

    private static SmtSort? SortOf(ProtocolType type) =>
        type == ProtocolType.Integer || type == ProtocolType.Long ? SmtSort.Int
        : type == ProtocolType.Decimal ? SmtSort.Real
        : type == ProtocolType.String ? SmtSort.String
        : type == ProtocolType.Date || type == ProtocolType.DateTime ? SmtSort.Day
        : null;

    // ---------------------------------------------------------------- not covered

    private Sym NotCovered(BoundExpression e, string construct)
    {
        Uncovered.Add((Owner, new Uncovered(construct, Where(e.Syntax))));
        return FreeOf(e.Type);
    }

    private Sym FreeOf(ProtocolType type)
    {
        if (type == ProtocolType.Boolean)
        {
            var t = Fresh("Bool", "free");
            var f = Fresh("Bool", "free");
            _axioms.Add($"(not (and {t} {f}))");
            return new BoolSym(t, f);
        }
        var sort = SortOf(type) ?? SmtSort.Int;
        return new ScalarSym(sort, Fresh("Bool", "free"), Fresh(Smt.SortName(sort), "free"));
    }

    private readonly Dictionary<SyntaxNode, SourceText?> _sources = [];

    /// <summary>Sets the file the syntax being lowered comes from (criteria, definitions and library functions each carry theirs).</summary>
    public SourceText? CurrentSource { get; set; }

    private string Where(SyntaxNode node)
    {
        var source = CurrentSource;
        if (source is null) return $"offset {node.Span.Start}";
        var (line, col) = source.GetLinePosition(node.Span.Start);
        return $"{Path.GetFileName(source.Path)}({line},{col})";
    }

    // ---------------------------------------------------------------- environment

    /// <summary>Locals in scope: query aliases, lets, function parameters, table inputs.</summary>
    private sealed class Env
    {
        public static readonly Env Empty = new(ImmutableDictionary<LocalSymbol, Sym>.Empty);

        private Env(ImmutableDictionary<LocalSymbol, Sym> locals) => Locals = locals;

        public ImmutableDictionary<LocalSymbol, Sym> Locals { get; }

        public Env With(LocalSymbol local, Sym value) => new(Locals.SetItem(local, value));
    }

    // ---------------------------------------------------------------- conversions between shapes

    private BoolSym AsBool(Sym sym, BoundExpression at) => sym switch
    {
        BoolSym b => b,
        _ => (BoolSym)NotCovered(at, "a value used as a Boolean"),
    };

    private ScalarSym AsScalar(Sym sym, BoundExpression at)
    {
        switch (sym)
        {
            case ScalarSym s:
                return s;
            case BoolSym:
                return (ScalarSym)NotCoveredScalar(at, "a Boolean used as a value");
            default:
                return (ScalarSym)NotCoveredScalar(at, $"a {Describe(sym)} used as a value");
        }
    }

    private Sym NotCoveredScalar(BoundExpression e, string construct)
    {
        Uncovered.Add((Owner, new Uncovered(construct, Where(e.Syntax))));
        var sort = SortOf(e.Type) ?? SmtSort.Int;
        return new ScalarSym(sort, Fresh("Bool", "free"), Fresh(Smt.SortName(sort), "free"));
    }

    private static string Describe(Sym sym) => sym switch
    {
        RecordSym => "record",
        ListSym => "list",
        IntervalSym => "interval",
        QuantitySym => "quantity",
        CodeListSym => "code list",
        _ => "value",
    };

    /// <summary>A Boolean as a scalar-like pair (null flag, value) for if/case/coalesce.</summary>
    private static (string N, string V) Pair(BoolSym b) => (b.IsNull, b.T);

    private static BoolSym FromPair(string n, string v) => new(Smt.And(Smt.Not(n), v), Smt.And(Smt.Not(n), Smt.Not(v)));

    private static ScalarSym ToReal(ScalarSym s) => s.Sort == SmtSort.Int ? new ScalarSym(SmtSort.Real, s.N, $"(to_real {s.V})") : s;

    private static (ScalarSym A, ScalarSym B) Unify(ScalarSym a, ScalarSym b) =>
        a.Sort == SmtSort.Real && b.Sort == SmtSort.Int ? (a, ToReal(b))
        : a.Sort == SmtSort.Int && b.Sort == SmtSort.Real ? (ToReal(a), b)
        : (a, b);

    private string Literal(object? value, SmtSort sort) => value switch
    {
        bool b => b ? "true" : "false",
        int i when sort == SmtSort.Real => Smt.Real(i),
        long l when sort == SmtSort.Real => Smt.Real(l),
        int i => Smt.Int(i),
        long l => Smt.Int(l),
        decimal d when sort == SmtSort.Int && decimal.Truncate(d) == d => Smt.Int((long)d),
        decimal d => Smt.Real(d),
        string s => Smt.Int(Strings.Code(s)),
        _ => throw new InvalidOperationException($"no literal for {value}"),
    };

    /// <summary>A date or date-time literal's day number, or null when it is not a whole date.</summary>
    internal static int? DayNumber(string text)
    {
        var t = text.TrimStart('@');
        if (t.Length >= 10 && DateOnly.TryParseExact(t[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return d.DayNumber;
        return null;
    }
}
