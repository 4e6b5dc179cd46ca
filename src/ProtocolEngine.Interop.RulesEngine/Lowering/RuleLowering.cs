using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Interop.RulesEngine.Lowering;

/// <summary>The kind of a lowered scalar: a Boolean as an int 0/1/2, a number as decimal?, text and ISO dates as string.</summary>
internal enum RuleKind
{
    Bool,
    Num,
    Int,
    Text,
    Date,
}

/// <summary>A lowered value.</summary>
internal abstract record RuleSym;

/// <summary>A scalar Dynamic LINQ expression of a kind (Booleans as int 0, 1, 2: false, unknown, true; never a bool).</summary>
/// <paramref name="NonNull"/> marks a literal: Dynamic LINQ refuses <c>1m == null</c>, so its null test is <c>false</c>.
internal sealed record ScalarRule(string Text, RuleKind Kind, bool NonNull = false) : RuleSym
{
    /// <summary>The test that the value is null.</summary>
    public string IsNullText => NonNull ? "false" : $"{Text} == null";
}

/// <summary>
/// A subject's records of a domain (<c>s.Domains["MH"]</c>), filtered by <paramref name="Where"/> (a 0/1/2 expression
/// over the lambda parameter <paramref name="Param"/>, null without a filter) and sorted.
/// </summary>
internal sealed record RecordsRule(string Domain, string Param, string? Where, ImmutableArray<(string Key, bool Descending)> Sort) : RuleSym
{
    public string Source => $"s.Domains[{RuleLowering.Literal(Domain)}]";
}

/// <summary>The first or last record of <see cref="RecordsRule"/>.</summary>
internal sealed record PickRule(RecordsRule Records, bool Last) : RuleSym;

/// <summary>A record bound by a query alias (the lambda parameter), or the subject's DM record (<c>s.DM</c>).</summary>
internal sealed record RowRule(string Domain, string Expression, bool IsDemographics) : RuleSym;

/// <summary>A list literal.</summary>
internal sealed record ListRule(ImmutableArray<ScalarRule> Elements) : RuleSym;

/// <summary>A protocol code list: codes matched exactly, displays ignoring case.</summary>
internal sealed record CodeListRule(ImmutableArray<string> Codes, ImmutableArray<string> Displays) : RuleSym;

/// <summary>An interval of constant numbers.</summary>
internal sealed record IntervalRule(ScalarRule Low, bool LowClosed, ScalarRule High, bool HighClosed) : RuleSym;

/// <summary>Why an expression cannot be written as a RulesEngine rule, and where.</summary>
internal sealed class NotExpressible(SyntaxNode syntax, string reason) : Exception(reason)
{
    public SyntaxNode Syntax { get; } = syntax;

    public string Reason { get; } = reason;
}

/// <summary>
/// Lowers a bound rule to one Dynamic LINQ expression (the expression language of Microsoft RulesEngine's lambda rules)
/// over the subject parameter <c>s</c> (<see cref="RulesEngineSubject"/>), with the native backend's semantics wherever it
/// lowers at all: Booleans are ints 0/1/2 so three-valued logic is arithmetic (and = Math.Min, or = Math.Max, not = 2 − x)
/// and a RulesEngine user can never read Unknown as false by accident; a comparison with a null operand is unknown;
/// exists over a subject's records is true when a record passes, unknown when none does but the subject has no records
/// there or a filter was undecidable, false otherwise. Only types Dynamic LINQ predefines are used (Math, Convert,
/// String, StringComparison), so the workflow runs under RulesEngine's default settings, without custom types.
/// Anything else throws <see cref="NotExpressible"/> naming the construct.
/// </summary>
internal sealed class RuleLowering
{
    private int _params;
    private readonly HashSet<DefineSymbol> _defining = [];
    private readonly HashSet<FunctionSymbol> _calling = [];

    /// <summary>The variables the lowered rules read, per domain (the keys every record of the input must have).</summary>
    public SortedDictionary<string, SortedSet<string>> Reads { get; } = new(StringComparer.Ordinal);

    /// <summary>The variables the last rule lowered reads, as DOMAIN.VARIABLE (what a user's input must hold for it).</summary>
    public SortedSet<string> RuleReads { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>A criterion's rule as a 0/1/2 expression.</summary>
    public string LowerRule(BoundExpression rule)
    {
        RuleReads = new(StringComparer.Ordinal);
        return Bool(Lower(rule, Env.Empty), rule);
    }

    /// <summary>A C# / Dynamic LINQ string literal: quotes, backslashes and every character outside printable ASCII escaped.</summary>
    public static string Literal(string value)
    {
        var b = new StringBuilder("\"");
        foreach (char c in value)
        {
            if (c == '"') b.Append("\\\"");
            else if (c == '\\') b.Append("\\\\");
            else if (c < 0x20 || c > 0x7E) b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else b.Append(c);
        }
        return b.Append('"').ToString();
    }

    // Every number is a decimal?, literals too: Dynamic LINQ has no lifting between decimal and decimal? in a conditional or == null.
    private static string Number(decimal d) => $"decimal?({d.ToString(CultureInfo.InvariantCulture)}m)";

    /// <summary>
    /// The longest expression a rule may have once written out: definitions and functions are inlined and a comparison
    /// reads each operand twice (for its null test), so nesting can grow a rule exponentially; past this it is refused.
    /// </summary>
    public const int MaxExpressionLength = 100_000;

    private RuleSym Lower(BoundExpression e, Env env)
    {
        var lowered = LowerCore(e, env);
        if (lowered is ScalarRule { Text.Length: > MaxExpressionLength })
            throw new NotExpressible(e.Syntax, "an expression longer than 100,000 characters once written out (definitions and functions are inlined)");
        return lowered;
    }

    private RuleSym LowerCore(BoundExpression e, Env env)
    {
        switch (e)
        {
            case BoundLiteral lit:
                return LiteralOf(lit);
            case BoundConversion conv:
                return Convert(conv, env);
            case BoundDefineReference d:
                return Define(d);
            case BoundParameterReference p:
                if (p.Parameter.Value is null) throw new NotExpressible(e.Syntax, $"parameter {p.Parameter.Name} has no value");
                return Lower(p.Parameter.Value, Env.Empty);
            case BoundFunctionCall f:
                return Function(f, env);
            case BoundLocal local:
                return env.Find(local.Local) ?? throw new NotExpressible(e.Syntax, $"the local {local.Local.Name} is not lowered");
            case BoundDomainReference domain:
                return Domain(domain);
            case BoundVariableAccess access:
                return Variable(access, env);
            case BoundCodeListReference cl:
                if (string.Equals(cl.CodeList.CodeSystem, "ATC", StringComparison.OrdinalIgnoreCase))
                    throw new NotExpressible(e.Syntax, $"the hierarchical (ATC) code list {cl.CodeList.Name}");
                return new CodeListRule([.. cl.CodeList.Codes.Select(c => c.Code)], [.. cl.CodeList.Codes.Select(c => c.Display).OfType<string>()]);
            case BoundList list:
                return new ListRule([.. list.Elements.Select(x => Scalar(Lower(x, env), x))]);
            case BoundInterval interval:
                return new IntervalRule(NumberOf(Lower(interval.Low, env), interval.Low), interval.LowClosed, NumberOf(Lower(interval.High, env), interval.High), interval.HighClosed);
            case BoundIf iff:
                {
                    var c = Bool(Lower(iff.Condition, env), iff.Condition);
                    var a = Scalar(Lower(iff.Then, env), iff.Then);
                    var b = Scalar(Lower(iff.Else, env), iff.Else);
                    var kind = Unify(a, b, e);
                    // CQL's if takes the else branch when the condition is null (unknown).
                    return new ScalarRule($"({c} == 2 ? {a.Text} : {b.Text})", kind);
                }
            case BoundCase cs:
                return Case(cs, env);
            case BoundQuery q:
                return Query(q, env);
            case BoundCall call:
                return new RuleCalls(this).Lower(call, env, Lower);
            default:
                throw new NotExpressible(e.Syntax, Describe(e));
        }
    }

    private static string Describe(BoundExpression e) => e switch
    {
        BoundQuantityLiteral => "quantities (units)",
        BoundTableCall t => $"the decision table {t.Table.Name}",
        BoundTuple => "tuples",
        BoundVisitReference => "visit references",
        BoundMemberAccess m => $"the member {m.Member}",
        BoundListMemberAccess => "property access over a list",
        BoundTypeOperator => "type operators (as, is, cast)",
        BoundTypeExtent => "minimum/maximum of a type",
        _ => e.GetType().Name.Replace("Bound", "", StringComparison.Ordinal),
    };

    internal static string NullOf(RuleKind kind) => kind switch
    {
        RuleKind.Bool => "1",
        RuleKind.Num or RuleKind.Int => "decimal?(null)",
        _ => "string(null)",
    };

    private static RuleSym LiteralOf(BoundLiteral lit)
    {
        var t = lit.Type;
        if (lit.Value is null)
        {
            if (t == ProtocolType.Boolean || t.IsAny) return new ScalarRule("1", RuleKind.Bool);
            var k = KindOf(t, lit);
            return new ScalarRule(NullOf(k), k);
        }
        return lit.Value switch
        {
            bool b => new ScalarRule(b ? "2" : "0", RuleKind.Bool),
            int i => new ScalarRule(Number(i), RuleKind.Int, NonNull: true),
            long l => new ScalarRule(Number(l), RuleKind.Int, NonNull: true),
            decimal d => new ScalarRule(Number(d), RuleKind.Num, NonNull: true),
            string s when t == ProtocolType.String => new ScalarRule(Literal(s), RuleKind.Text, NonNull: true),
            _ => throw new NotExpressible(lit.Syntax, $"{t.Name} literals"),
        };
    }

    internal static RuleKind KindOf(ProtocolType t, BoundExpression at)
    {
        if (t == ProtocolType.Boolean) return RuleKind.Bool;
        if (t == ProtocolType.Integer || t == ProtocolType.Long) return RuleKind.Int;
        if (t == ProtocolType.Decimal) return RuleKind.Num;
        if (t == ProtocolType.String) return RuleKind.Text;
        if (t == ProtocolType.DateTime) return RuleKind.Date;
        throw new NotExpressible(at.Syntax, $"values of type {t.Name}");
    }

    private RuleSym Convert(BoundConversion conv, Env env)
    {
        var operand = Lower(conv.Operand, env);
        switch (conv.Conversion.Kind)
        {
            case ConversionKind.Identity:
            case ConversionKind.Widen:
            case ConversionKind.IntegerToLong:
                return operand;
            case ConversionKind.IntegerToDecimal:
            case ConversionKind.LongToDecimal:
                // Every number is a decimal? in the expression already: only its kind changes.
                return Scalar(operand, conv.Operand) is { Kind: RuleKind.Int } s ? s with { Kind = RuleKind.Num } : operand;
            case ConversionKind.ListElements when operand is ListRule list:
                return new ListRule([.. list.Elements.Select(x => x.Kind == RuleKind.Int && conv.Conversion.Element?.To == ProtocolType.Decimal ? x with { Kind = RuleKind.Num } : x)]);
            case ConversionKind.IntervalPoints when operand is IntervalRule:
                return operand;
            default:
                throw new NotExpressible(conv.Syntax, $"the conversion {conv.Conversion.Kind} from {conv.Conversion.From.Name} to {conv.Conversion.To.Name}");
        }
    }

    private RuleSym Define(BoundDefineReference d)
    {
        var define = d.Define;
        if (define.Body is null) throw new NotExpressible(d.Syntax, $"definition {define.Name} is not bound");
        if (!_defining.Add(define)) throw new NotExpressible(d.Syntax, $"definition {define.Name} refers to itself");
        try
        {
            return Wrap(Lower(define.Body, Env.Empty));
        }
        catch (NotExpressible ex) when (!ex.Reason.StartsWith("in ", StringComparison.Ordinal))
        {
            throw new NotExpressible(ex.Syntax, $"in definition {define.Name}, {ex.Reason}");
        }
        finally
        {
            _defining.Remove(define);
        }
    }

    private RuleSym Function(BoundFunctionCall f, Env env)
    {
        var function = f.Function;
        if (function.Body is null) throw new NotExpressible(f.Syntax, $"function {function.Name} is not bound");
        if (!_calling.Add(function)) throw new NotExpressible(f.Syntax, $"function {function.Name} is recursive");
        try
        {
            var inner = Env.Empty;
            for (int i = 0; i < function.Parameters.Length; i++) inner = inner.With(function.Parameters[i], Lower(f.Arguments[i], env));
            return Wrap(Lower(function.Body, inner));
        }
        catch (NotExpressible ex) when (!ex.Reason.StartsWith("in ", StringComparison.Ordinal))
        {
            throw new NotExpressible(ex.Syntax, $"in function {function.Name}, {ex.Reason}");
        }
        finally
        {
            _calling.Remove(function);
        }
    }

    private static RuleSym Wrap(RuleSym s) => s is ScalarRule scalar ? scalar with { Text = $"({scalar.Text})" } : s;

    private RuleSym Domain(BoundDomainReference d)
    {
        var name = d.Domain.Name;
        if (d.Domain.Structure == DomainStructure.StudyLevel) throw new NotExpressible(d.Syntax, $"the trial-level domain {name} (records of no subject)");
        if (d.Domain.Structure == DomainStructure.OnePerSubject || d.Type is not ListType)
        {
            if (name != "DM") throw new NotExpressible(d.Syntax, $"the one-record domain {name} (only DM is the subject's record)");
            Touch("DM", null);
            return new RowRule("DM", "s.DM", IsDemographics: true);
        }
        Touch(name, null);
        return new RecordsRule(name, NextParam(), null, []);
    }

    private void Touch(string domain, string? variable)
    {
        if (!Reads.TryGetValue(domain, out var set)) Reads[domain] = set = new(StringComparer.Ordinal);
        if (variable is null) return;
        set.Add(variable);
        RuleReads.Add(domain + "." + variable);
    }

    private string NextParam() => "r" + (++_params).ToString(CultureInfo.InvariantCulture);

    /// <summary>A variable of a record (a dictionary of the values the rules read), typed: null stays null, never 0 or "".</summary>
    internal static ScalarRule Read(string record, string variable, RuleKind kind)
    {
        var cell = $"{record}[{Literal(variable)}]";
        return kind is RuleKind.Num or RuleKind.Int
            ? new ScalarRule($"({cell} == null ? decimal?(null) : Convert.ToDecimal({cell}))", kind)
            : new ScalarRule($"({cell} == null ? string(null) : Convert.ToString({cell}))", kind);
    }

    private RuleSym Variable(BoundVariableAccess access, Env env)
    {
        var kind = KindOf(access.Type, access);
        if (kind == RuleKind.Bool) throw new NotExpressible(access.Syntax, "Boolean variables");
        var record = Lower(access.Record, env);
        var variable = access.Variable.Name;
        switch (record)
        {
            case RowRule row:
                Touch(row.Domain, variable);
                return Read(row.Expression, variable, kind);
            case PickRule pick:
                {
                    Touch(pick.Records.Domain, variable);
                    var p = NextParam();
                    var value = Read(p, variable, kind);
                    // The value of the chosen record, or null when no record passes (FirstOrDefault of decimal? or string).
                    return new ScalarRule($"{Chain(pick.Records)}.Select({p} => {value.Text}).{(pick.Last ? "LastOrDefault" : "FirstOrDefault")}()", kind);
                }
            default:
                throw new NotExpressible(access.Syntax, $"reading {variable} from a value that is not a record of the subject");
        }
    }

    /// <summary>
    /// The passing records in the engine's order: Enumerable's OrderBy is stable (ties in record order) and puts nulls
    /// first ascending and last descending, as the native sort does; Last is the last of that order.
    /// </summary>
    internal static string Chain(RecordsRule r)
    {
        var b = new StringBuilder(r.Source);
        if (r.Where is not null) b.Append($".Where({r.Param} => {r.Where} == 2)");
        for (int i = 0; i < r.Sort.Length; i++)
        {
            var (key, descending) = r.Sort[i];
            string method = (i == 0 ? "OrderBy" : "ThenBy") + (descending ? "Descending" : "");
            b.Append($".{method}({r.Param} => {key})");
        }
        return b.ToString();
    }

    private RuleSym Query(BoundQuery q, Env env)
    {
        if (q.Sources.Length != 1 || !q.Lets.IsEmpty || !q.Inclusions.IsEmpty || q.Return is not null || q.Aggregate is not null || q.ReturnDistinct)
            throw new NotExpressible(q.Syntax, "queries other than one source with where and sort");
        var source = Lower(q.Sources[0].Source, env);
        if (source is not RecordsRule rel || rel.Where is not null || !rel.Sort.IsEmpty)
            throw new NotExpressible(q.Syntax, "a query whose source is not a domain's records");
        if (q.SingularSource) throw new NotExpressible(q.Syntax, "a query over a single value");
        var row = new RowRule(rel.Domain, rel.Param, IsDemographics: false);
        var inner = env.With(q.Sources[0].Alias, row);
        string? where = q.Where is null ? null : Bool(Lower(q.Where, inner), q.Where);
        var sort = ImmutableArray.CreateBuilder<(string, bool)>();
        foreach (var item in q.Sort)
        {
            if (item.Key is null || item.Element is null) throw new NotExpressible(q.Syntax, "sorting records without a key");
            var key = Scalar(Lower(item.Key, inner.With(item.Element, row)), item.Key);
            // Text order in .NET depends on the culture; ISO dates and numbers sort the same everywhere.
            if (key.Kind is RuleKind.Bool or RuleKind.Text) throw new NotExpressible(item.Key.Syntax, $"sorting by {(key.Kind == RuleKind.Bool ? "a Boolean" : "text (culture-dependent order)")}");
            sort.Add((key.Text, item.Descending));
        }
        return rel with { Where = where, Sort = sort.ToImmutable() };
    }

    private RuleSym Case(BoundCase cs, Env env)
    {
        var branches = new List<(string When, ScalarRule Then)>();
        ScalarRule? comparand = cs.Comparand is null ? null : Scalar(Lower(cs.Comparand, env), cs.Comparand);
        foreach (var item in cs.Items)
        {
            string when = comparand is null
                ? Bool(Lower(item.When, env), item.When)
                : Equal(comparand, Scalar(Lower(item.When, env), item.When), item.When);
            branches.Add((when, Scalar(Lower(item.Then, env), item.Then)));
        }
        var otherwise = Scalar(Lower(cs.Else, env), cs.Else);
        var kind = branches.Select(b => b.Then).Append(otherwise).Select(x => x.Kind).Distinct().ToList() switch
        {
            [var only] => only,
            var kinds when kinds.All(k => k is RuleKind.Num or RuleKind.Int) => RuleKind.Num,
            _ => throw new NotExpressible(cs.Syntax, "a case whose branches have different types"),
        };
        var text = otherwise.Text;
        for (int i = branches.Count - 1; i >= 0; i--) text = $"({branches[i].When} == 2 ? {branches[i].Then.Text} : {text})";
        return new ScalarRule(text, kind);
    }

    private static RuleKind Unify(ScalarRule a, ScalarRule b, BoundExpression at)
    {
        if (a.Kind == b.Kind) return a.Kind;
        if (a.Kind is RuleKind.Num or RuleKind.Int && b.Kind is RuleKind.Num or RuleKind.Int) return RuleKind.Num;
        throw new NotExpressible(at.Syntax, "branches of different types");
    }

    // ----- helpers shared by the calls -----

    internal static ScalarRule Scalar(RuleSym s, BoundExpression at) => s as ScalarRule ?? throw new NotExpressible(at.Syntax, $"{Describe(s)} used as a single value");

    private static string Describe(RuleSym s) => s switch
    {
        RecordsRule => "a list of records",
        PickRule or RowRule => "a whole record",
        ListRule => "a list",
        CodeListRule => "a code list",
        IntervalRule => "an interval",
        _ => "a value",
    };

    internal static string Bool(RuleSym s, BoundExpression at)
    {
        var scalar = Scalar(s, at);
        if (scalar.Kind != RuleKind.Bool) throw new NotExpressible(at.Syntax, "a value that is not a Boolean where a Boolean is needed");
        return scalar.Text;
    }

    internal static ScalarRule NumberOf(RuleSym s, BoundExpression at)
    {
        var scalar = Scalar(s, at);
        if (scalar.Kind == RuleKind.Date) throw new NotExpressible(at.Syntax, "date arithmetic and comparison (dates are only sorted and tested for null)");
        if (scalar.Kind is not (RuleKind.Num or RuleKind.Int)) throw new NotExpressible(at.Syntax, "a value that is not a number where a number is needed");
        return scalar;
    }

    /// <summary>Equality as CQL's =: unknown when either side is null; numbers by value, text exactly (ordinal).</summary>
    internal static string Equal(ScalarRule a, ScalarRule b, BoundExpression at)
    {
        if (a.Kind is RuleKind.Num or RuleKind.Int && b.Kind is RuleKind.Num or RuleKind.Int || a.Kind == RuleKind.Text && b.Kind == RuleKind.Text)
            return $"({a.IsNullText} || {b.IsNullText} ? 1 : ({a.Text} == {b.Text} ? 2 : 0))";
        if (a.Kind == RuleKind.Bool && b.Kind == RuleKind.Bool)
            return $"({a.Text} == 1 || {b.Text} == 1 ? 1 : ({a.Text} == {b.Text} ? 2 : 0))";
        throw new NotExpressible(at.Syntax, $"comparing {a.Kind} with {b.Kind} values");
    }
}

/// <summary>The locals in scope while lowering: query aliases and function parameters.</summary>
internal sealed class Env
{
    private readonly ImmutableDictionary<LocalSymbol, RuleSym> _locals;

    private Env(ImmutableDictionary<LocalSymbol, RuleSym> locals) => _locals = locals;

    public static Env Empty { get; } = new(ImmutableDictionary<LocalSymbol, RuleSym>.Empty);

    public Env With(LocalSymbol local, RuleSym value) => new(_locals.SetItem(local, value));

    public RuleSym? Find(LocalSymbol local) => _locals.TryGetValue(local, out var s) ? s : null;
}
