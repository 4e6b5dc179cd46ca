using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Language.Lowering;

/// <summary>
/// The one lowering of a compiled protocol's typed tree to a target that decides per subject without the engine (SQL in
/// every dialect, RulesEngine's Dynamic LINQ): it decides what is expressible and why not, and walks the nodes, following
/// the native backend's semantics exactly wherever it lowers at all. Booleans are 0/1/2 (false/unknown/true), so
/// three-valued logic is arithmetic, never a target's own null logic; a comparison with a null operand is unknown; exists
/// over a subject's records is true when a record passes, unknown when none does but the subject has no records there or
/// a filter was undecidable (absence of records is not evidence of absence), false otherwise. Definitions and functions
/// are inlined. Anything else throws <see cref="NotLowerable"/> naming the construct; the target writes the text and
/// refuses, through the same exception, what only it cannot express.
/// </summary>
internal sealed class ExpressionLowering(LoweringTarget target)
{
    private readonly HashSet<DefineSymbol> _defining = [];
    private readonly HashSet<FunctionSymbol> _calling = [];
    private List<string?> _guards = [];

    /// <summary>
    /// The conditions (two-valued, in the target's text) under which the native backend evaluates the node being lowered:
    /// the right operand of and / or only when the left does not decide, a branch of if or case only when taken, a case's
    /// condition only when those before it were not true. Reset inside each query's filter, so a filter's are per record.
    /// </summary>
    public IReadOnlyList<string?> Guards => _guards;

    private T Guarded<T>(string? guard, Func<T> lower)
    {
        _guards.Add(guard);
        try
        {
            return lower();
        }
        finally
        {
            _guards.RemoveAt(_guards.Count - 1);
        }
    }

    /// <summary>A criterion's rule as a 0/1/2 Boolean.</summary>
    public string LowerRule(BoundExpression rule) => Bool(Lower(rule, LoweringEnv.Empty), rule);

    /// <summary>A lone expression as a scalar and its kind.</summary>
    public ScalarSym LowerScalar(BoundExpression expression) => Scalar(Lower(expression, LoweringEnv.Empty), expression);

    private Sym Lower(BoundExpression e, LoweringEnv env)
    {
        var lowered = LowerCore(e, env);
        target.Check(lowered, e);
        return lowered;
    }

    private Sym LowerCore(BoundExpression e, LoweringEnv env)
    {
        switch (e)
        {
            case BoundLiteral lit:
                return Literal(lit);
            case BoundConversion conv:
                return Convert(conv, env);
            case BoundDefineReference d:
                return Define(d);
            case BoundParameterReference p:
                if (p.Parameter.Value is null) throw new NotLowerable(e.Syntax, $"parameter {p.Parameter.Name} has no value");
                return Lower(p.Parameter.Value, LoweringEnv.Empty);
            case BoundFunctionCall f:
                return Function(f, env);
            case BoundLocal local:
                return env.Find(local.Local) ?? throw new NotLowerable(e.Syntax, $"the local {local.Local.Name} is not lowered");
            case BoundDomainReference domain:
                return Domain(domain);
            case BoundVariableAccess access:
                return Variable(access, env);
            case BoundCodeListReference cl:
                if (string.Equals(cl.CodeList.CodeSystem, "ATC", StringComparison.OrdinalIgnoreCase))
                    throw new NotLowerable(e.Syntax, $"the hierarchical (ATC) code list {cl.CodeList.Name}");
                return new CodeListSym([.. cl.CodeList.Codes.Select(c => c.Code)], [.. cl.CodeList.Codes.Select(c => c.Display).OfType<string>()]);
            case BoundList list:
                return new ListSym([.. list.Elements.Select(x => Scalar(Lower(x, env), x))]);
            case BoundInterval interval:
                return new IntervalSym(Number(Lower(interval.Low, env), interval.Low), interval.LowClosed, Number(Lower(interval.High, env), interval.High), interval.HighClosed);
            case BoundIf iff:
                {
                    var c = Bool(Lower(iff.Condition, env), iff.Condition);
                    var a = Guarded(target.Is(c, 2), () => Scalar(Lower(iff.Then, env), iff.Then));
                    var b = Guarded(target.Unless(c, 2), () => Scalar(Lower(iff.Else, env), iff.Else));
                    return target.If(c, a, b, Unify(a, b, e));
                }
            case BoundCase cs:
                return Case(cs, env);
            case BoundQuery q:
                return Query(q, env);
            case BoundCall call:
                return Call(call, env);
            default:
                throw new NotLowerable(e.Syntax, Describe(e));
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

    private ScalarSym Literal(BoundLiteral lit)
    {
        var t = lit.Type;
        if (lit.Value is null)
        {
            if (t == ProtocolType.Boolean || t.IsAny) return new ScalarSym("1", ValueKind.Bool);
            return target.Null(KindOf(t, lit));
        }
        return lit.Value switch
        {
            bool b => new ScalarSym(b ? "2" : "0", ValueKind.Bool),
            int i => target.Integer(i),
            long l => target.Integer(l),
            decimal d => target.Decimal(d),
            string s when t == ProtocolType.String => target.Text(s),
            _ => throw new NotLowerable(lit.Syntax, $"{t.Name} literals"),
        };
    }

    /// <summary>The kind a value of a type lowers to.</summary>
    public static ValueKind KindOf(ProtocolType t, BoundExpression at)
    {
        if (t == ProtocolType.Boolean) return ValueKind.Bool;
        if (t == ProtocolType.Integer || t == ProtocolType.Long) return ValueKind.Int;
        if (t == ProtocolType.Decimal) return ValueKind.Num;
        if (t == ProtocolType.String) return ValueKind.Text;
        if (t == ProtocolType.DateTime) return ValueKind.Date;
        throw new NotLowerable(at.Syntax, $"values of type {t.Name}");
    }

    private Sym Convert(BoundConversion conv, LoweringEnv env)
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
                return Scalar(operand, conv.Operand) is { Kind: ValueKind.Int } s ? target.ToDecimal(s) : operand;
            case ConversionKind.ListElements when operand is ListSym list:
                return new ListSym([.. list.Elements.Select(x => x.Kind == ValueKind.Int && conv.Conversion.Element?.To == ProtocolType.Decimal ? target.ToDecimal(x) : x)]);
            case ConversionKind.IntervalPoints when operand is IntervalSym:
                return operand;
            default:
                throw new NotLowerable(conv.Syntax, $"the conversion {conv.Conversion.Kind} from {conv.Conversion.From.Name} to {conv.Conversion.To.Name}");
        }
    }

    private Sym Define(BoundDefineReference d)
    {
        var define = d.Define;
        if (define.Body is null) throw new NotLowerable(d.Syntax, $"definition {define.Name} is not bound");
        if (!_defining.Add(define)) throw new NotLowerable(d.Syntax, $"definition {define.Name} refers to itself");
        try
        {
            return Wrap(Lower(define.Body, LoweringEnv.Empty));
        }
        catch (NotLowerable ex) when (!ex.Reason.StartsWith("in ", StringComparison.Ordinal))
        {
            throw new NotLowerable(ex.Syntax, $"in definition {define.Name}, {ex.Reason}");
        }
        finally
        {
            _defining.Remove(define);
        }
    }

    private Sym Function(BoundFunctionCall f, LoweringEnv env)
    {
        var function = f.Function;
        if (function.Body is null) throw new NotLowerable(f.Syntax, $"function {function.Name} is not bound");
        if (!_calling.Add(function)) throw new NotLowerable(f.Syntax, $"function {function.Name} is recursive");
        try
        {
            var inner = LoweringEnv.Empty;
            for (int i = 0; i < function.Parameters.Length; i++) inner = inner.With(function.Parameters[i], Lower(f.Arguments[i], env));
            return Wrap(Lower(function.Body, inner));
        }
        catch (NotLowerable ex) when (!ex.Reason.StartsWith("in ", StringComparison.Ordinal))
        {
            throw new NotLowerable(ex.Syntax, $"in function {function.Name}, {ex.Reason}");
        }
        finally
        {
            _calling.Remove(function);
        }
    }

    /// <summary>A definition's or function's scalar is parenthesised so it composes; other values are used as they are.</summary>
    private static Sym Wrap(Sym s) => s is ScalarSym scalar ? scalar with { Text = $"({scalar.Text})" } : s;

    private Sym Domain(BoundDomainReference d)
    {
        var name = d.Domain.Name;
        target.Reading(name);
        if (d.Domain.Structure == DomainStructure.StudyLevel) throw new NotLowerable(d.Syntax, $"the trial-level domain {name} (records of no subject)");
        if (d.Domain.Structure == DomainStructure.OnePerSubject || d.Type is not ListType)
        {
            if (name != "DM") throw new NotLowerable(d.Syntax, $"the one-record domain {name} {target.OnlyDemographics}");
            return target.SubjectRow(name);
        }
        return target.Records(name);
    }

    private ScalarSym Variable(BoundVariableAccess access, LoweringEnv env)
    {
        var kind = KindOf(access.Type, access);
        target.CheckVariable(kind, access);
        var record = Lower(access.Record, env);
        var variable = access.Variable.Name;
        return record switch
        {
            RowSym row => target.ReadRow(row, variable, kind),
            PickSym pick => target.ReadPicked(pick, variable, kind),
            _ => throw new NotLowerable(access.Syntax, $"reading {variable} from a value that is not a record of the subject"),
        };
    }

    private RecordsSym Query(BoundQuery q, LoweringEnv env)
    {
        if (q.Sources.Length != 1 || !q.Lets.IsEmpty || !q.Inclusions.IsEmpty || q.Return is not null || q.Aggregate is not null || q.ReturnDistinct)
            throw new NotLowerable(q.Syntax, "queries other than one source with where and sort");
        var source = Lower(q.Sources[0].Source, env);
        if (source is not RecordsSym records || records.Where is not null || !records.Sort.IsEmpty)
            throw new NotLowerable(q.Syntax, "a query whose source is not a domain's records");
        if (q.SingularSource) throw new NotLowerable(q.Syntax, "a query over a single value");
        var row = new RowSym(records.Domain, records.Name, IsSubject: false, records.Missing);
        var outer = _guards;
        _guards = [];
        RecordsSym filtered;
        target.BeginQuery(records);
        try
        {
            filtered = Filter(q, env, records, row);
        }
        finally
        {
            _guards = outer;
        }
        // Told with the guards of the place the query is evaluated at (the enclosing rule's, not its filter's).
        target.EndQuery(filtered);
        return filtered;
    }

    private RecordsSym Filter(BoundQuery q, LoweringEnv env, RecordsSym records, RowSym row)
    {
        var inner = env.With(q.Sources[0].Alias, row);
        string? where = q.Where is null ? null : Bool(Lower(q.Where, inner), q.Where);
        var sort = ImmutableArray.CreateBuilder<(string, bool)>();
        foreach (var item in q.Sort)
        {
            if (item.Key is null || item.Element is null) throw new NotLowerable(q.Syntax, "sorting records without a key");
            target.BeginSortKey(records);
            var key = Scalar(Lower(item.Key, inner.With(item.Element, row)), item.Key);
            if (key.Kind == ValueKind.Bool) throw new NotLowerable(item.Key.Syntax, "sorting by a Boolean");
            target.CheckSortKey(key, item.Key);
            sort.Add((key.Text, item.Descending));
        }
        target.CheckQuery(records, where, sort.Select(k => k.Item1), q);
        return records with { Where = where, Sort = sort.ToImmutable() };
    }

    /// <summary>
    /// Natively a case evaluates its comparand once, then each condition in turn until one is true (a comparand's
    /// match: equal, not unknown), then only that branch (or else): the guards say so for every part.
    /// </summary>
    private ScalarSym Case(BoundCase cs, LoweringEnv env)
    {
        var branches = new List<(string When, ScalarSym Then)>();
        ScalarSym? comparand = cs.Comparand is null ? null : Scalar(Lower(cs.Comparand, env), cs.Comparand);
        int pushed = 0;
        try
        {
            foreach (var item in cs.Items)
            {
                string when = comparand is null
                    ? Bool(Lower(item.When, env), item.When)
                    : Equal(comparand, Scalar(Lower(item.When, env), item.When), item.When);
                branches.Add((when, Guarded(target.Is(when, 2), () => Scalar(Lower(item.Then, env), item.Then))));
                _guards.Add(target.Unless(when, 2));
                pushed++;
            }
            return CaseOf(cs, branches, Scalar(Lower(cs.Else, env), cs.Else));
        }
        finally
        {
            _guards.RemoveRange(_guards.Count - pushed, pushed);
        }
    }

    private ScalarSym CaseOf(BoundCase cs, List<(string When, ScalarSym Then)> branches, ScalarSym otherwise)
    {
        var kind = branches.Select(b => b.Then).Append(otherwise).Select(x => x.Kind).Distinct().ToList() switch
        {
            [var only] => only,
            var kinds when kinds.All(k => k is ValueKind.Num or ValueKind.Int) => ValueKind.Num,
            _ => throw new NotLowerable(cs.Syntax, "a case whose branches have different types"),
        };
        return target.Case(branches, otherwise, kind);
    }

    private static ValueKind Unify(ScalarSym a, ScalarSym b, BoundExpression at)
    {
        if (a.Kind == b.Kind) return a.Kind;
        if (a.Kind is ValueKind.Num or ValueKind.Int && b.Kind is ValueKind.Num or ValueKind.Int) return ValueKind.Num;
        throw new NotLowerable(at.Syntax, "branches of different types");
    }

    private static ScalarSym Scalar(Sym s, BoundExpression at) => s as ScalarSym ?? throw new NotLowerable(at.Syntax, $"{Describe(s)} used as a single value");

    private static string Describe(Sym s) => s switch
    {
        RecordsSym => "a list of records",
        PickSym or RowSym => "a whole record",
        ListSym => "a list",
        CodeListSym => "a code list",
        IntervalSym => "an interval",
        _ => "a value",
    };

    private static string Bool(Sym s, BoundExpression at)
    {
        var scalar = Scalar(s, at);
        if (scalar.Kind != ValueKind.Bool) throw new NotLowerable(at.Syntax, "a value that is not a Boolean where a Boolean is needed");
        return scalar.Text;
    }

    private ScalarSym Number(Sym s, BoundExpression at)
    {
        var scalar = Scalar(s, at);
        if (scalar.Kind == ValueKind.Date) throw new NotLowerable(at.Syntax, $"date arithmetic and comparison {target.DatesNote}");
        if (scalar.Kind is not (ValueKind.Num or ValueKind.Int)) throw new NotLowerable(at.Syntax, "a value that is not a number where a number is needed");
        return scalar;
    }

    /// <summary>Equality as CQL's =: unknown when either side is null; numbers by value, text exactly.</summary>
    private string Equal(ScalarSym a, ScalarSym b, BoundExpression at)
    {
        if (a.Kind is ValueKind.Num or ValueKind.Int && b.Kind is ValueKind.Num or ValueKind.Int) return target.EqualNumbers(a, b);
        if (a.Kind == ValueKind.Text && b.Kind == ValueKind.Text) return target.EqualText(a, b);
        if (a.Kind == ValueKind.Bool && b.Kind == ValueKind.Bool) return target.EqualBooleans(a.Text, b.Text);
        throw new NotLowerable(at.Syntax, $"comparing {a.Kind} with {b.Kind} values");
    }

    // ----- the builtins -----

    private Sym Call(BoundCall call, LoweringEnv env)
    {
        var args = call.Arguments;
        Sym Arg(int i) => Lower(args[i], env);
        ScalarSym S(int i) => Scalar(Arg(i), args[i]);
        string B(int i) => Bool(Arg(i), args[i]);
        switch (call.Overload.Name)
        {
            case "And":
                {
                    // The native backend does not evaluate the right operand when the left is false (or, for or, true).
                    var a = B(0);
                    return Boolean(target.And(a, Guarded(target.Unless(a, 0), () => B(1))));
                }
            case "Or":
                {
                    var a = B(0);
                    return Boolean(target.Or(a, Guarded(target.Unless(a, 2), () => B(1))));
                }
            case "Implies":
                return Boolean(target.Implies(B(0), B(1)));
            case "Xor":
                return Boolean(target.Xor(B(0), B(1)));
            case "Not":
                return Boolean(target.Not(B(0)));
            case "IsTrue":
                return Boolean(target.IsTrue(B(0)));
            case "IsFalse":
                return Boolean(target.IsFalse(B(0)));
            case "IsNull":
                return IsNull(Arg(0), call);
            case "Coalesce" when args.Length >= 2:
                {
                    // Natively each argument is evaluated only when those before it are null.
                    var values = new List<ScalarSym> { S(0) };
                    int pushed = 0;
                    try
                    {
                        for (int i = 1; i < args.Length; i++)
                        {
                            var before = values[^1];
                            _guards.Add(before.Kind == ValueKind.Bool ? target.Is(before.Text, 1) : target.NullTest(before));
                            pushed++;
                            values.Add(S(i));
                        }
                    }
                    finally
                    {
                        _guards.RemoveRange(_guards.Count - pushed, pushed);
                    }
                    return Coalesce(values, call);
                }
            case "Equal":
                return Boolean(Equal(S(0), S(1), call));
            case "NotEqual":
                return Boolean(target.Not(Equal(S(0), S(1), call)));
            case "Less":
            case "LessOrEqual":
            case "Greater":
            case "GreaterOrEqual":
                return Compare(call.Overload.Name, S(0), S(1), call);
            case "Add":
            case "Subtract":
            case "Multiply":
                {
                    var a = Number(Arg(0), args[0]);
                    var b = Number(Arg(1), args[1]);
                    string op = call.Overload.Name switch { "Add" => "+", "Subtract" => "-", _ => "*" };
                    if (a.Kind == ValueKind.Int && b.Kind == ValueKind.Int)
                        throw new NotLowerable(call.Syntax, "Integer arithmetic (the engine's overflow to null is not encoded)");
                    return target.Arithmetic(op, a, b);
                }
            case "Negate":
                return target.Negate(Number(Arg(0), args[0]), call);
            case "Upper":
            case "Lower":
                {
                    var x = S(0);
                    if (x.Kind != ValueKind.Text) throw new NotLowerable(args[0].Syntax, "text functions of a value that is not text");
                    return target.Case(x, call.Overload.Name == "Upper");
                }
            case "In" when args.Length == 2 || IsNullLiteral(args[2]):
                return In(S(0), Arg(1), call);
            case "In":
                throw new NotLowerable(call.Syntax, "membership at a precision (date intervals are not lowered)");
            case "InCodeList":
                {
                    var x = S(0);
                    var list = Arg(1);
                    if (x.Kind != ValueKind.Text) throw new NotLowerable(call.Syntax, "membership of a Code or Concept in a code list");
                    if (list is not CodeListSym codes) throw new NotLowerable(call.Syntax, "a code list that is not declared by the protocol");
                    return Boolean(target.InCodeList(x, codes));
                }
            case "Exists":
                return Arg(0) is RecordsSym exists ? Boolean(target.Exists(exists, Fused(args[0])))
                    : throw new NotLowerable(call.Syntax, "exists of a list that is not a domain's records");
            case "Count":
                return Arg(0) is RecordsSym counted ? target.Count(counted)
                    : throw new NotLowerable(call.Syntax, "Count of a list that is not a domain's records");
            case "First":
            case "Last":
                return Arg(0) is RecordsSym records ? new PickSym(records, call.Overload.Name == "Last")
                    : throw new NotLowerable(call.Syntax, $"{call.Overload.Name} of a list that is not a domain's records");
            default:
                throw new NotLowerable(call.Syntax, $"{call.Overload.Name} ({call.Overload.Key})");
        }
    }

    private static ScalarSym Boolean(string text) => new(text, ValueKind.Bool);

    /// <summary>A query exists reads as it runs, stopping at the first record that passes, as the native backend does.</summary>
    private static bool Fused(BoundExpression argument) =>
        argument is BoundQuery { Aggregate: null, Return: null, ReturnDistinct: false, SingularSource: false } q && q.Sort.IsEmpty;

    /// <summary>A precision argument left out (null): membership at the values' own precision.</summary>
    private static bool IsNullLiteral(BoundExpression e) => e switch
    {
        BoundConversion c => IsNullLiteral(c.Operand),
        BoundLiteral { Value: null } => true,
        _ => false,
    };

    private ScalarSym IsNull(Sym value, BoundCall call) => value switch
    {
        ScalarSym { Kind: ValueKind.Bool } b => Boolean(target.IsUnknown(b.Text)),
        ScalarSym s => Boolean(target.IsNull(s)),
        PickSym pick => Boolean(target.IsNull(pick)),
        RowSym { IsSubject: true } row => Boolean(target.IsNull(row)),
        _ => throw new NotLowerable(call.Syntax, "is null of a list"),
    };

    private ScalarSym Coalesce(List<ScalarSym> values, BoundCall call)
    {
        var kinds = values.Select(v => v.Kind).Distinct().ToList();
        if (kinds is [ValueKind.Bool]) return Boolean(target.CoalesceBooleans(values));
        ValueKind kind = kinds switch
        {
            [var only] => only,
            _ when kinds.All(k => k is ValueKind.Num or ValueKind.Int) => ValueKind.Num,
            _ => throw new NotLowerable(call.Syntax, "Coalesce of values of different types"),
        };
        return target.Coalesce(values, kind);
    }

    private ScalarSym Compare(string name, ScalarSym a, ScalarSym b, BoundCall call)
    {
        if (a.Kind is not (ValueKind.Num or ValueKind.Int) || b.Kind is not (ValueKind.Num or ValueKind.Int))
            throw new NotLowerable(call.Syntax, $"{name} of {a.Kind} values (text order depends on {target.TextOrderDependsOn}; dates are not lowered)");
        return Boolean(target.Compare(name, a, b));
    }

    private ScalarSym In(ScalarSym x, Sym container, BoundCall call)
    {
        switch (container)
        {
            case ListSym list:
                if (list.Elements.Any(e => e.Kind == ValueKind.Bool) || x.Kind == ValueKind.Bool) throw new NotLowerable(call.Syntax, "membership of Booleans");
                target.CheckListMembership(x, list, call);
                return Boolean(list.Elements.IsEmpty ? "0" : target.InList(x, list));
            case IntervalSym interval when ConstantBounds(call.Arguments[1]):
                if (x.Kind is not (ValueKind.Num or ValueKind.Int)) throw new NotLowerable(call.Syntax, "membership in an interval of values that are not numbers");
                return Boolean(target.InInterval(x, interval));
            case IntervalSym:
                throw new NotLowerable(call.Syntax, "membership in an interval whose bounds are computed (a null bound reads as unbounded)");
            default:
                throw new NotLowerable(call.Syntax, "membership in anything but a list or an interval of constant numbers");
        }
    }

    /// <summary>An interval whose bounds are number literals (a bound computed per subject could be null, which the engine reads as unbounded).</summary>
    private static bool ConstantBounds(BoundExpression e) => e switch
    {
        BoundConversion c => ConstantBounds(c.Operand),
        BoundInterval i => IsNumberLiteral(i.Low) && IsNumberLiteral(i.High),
        _ => false,
    };

    private static bool IsNumberLiteral(BoundExpression e) => e switch
    {
        BoundConversion c => IsNumberLiteral(c.Operand),
        BoundLiteral { Value: int or long or decimal } => true,
        _ => false,
    };
}
