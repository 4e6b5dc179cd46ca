using ProtocolEngine.Language.Binding;

namespace ProtocolEngine.Interop.RulesEngine.Lowering;

/// <summary>The builtins the RulesEngine backend lowers, each to the native backend's semantics (see <see cref="RuleLowering"/>).</summary>
internal sealed class RuleCalls(RuleLowering lowering)
{
    public RuleSym Lower(BoundCall call, Env env, Func<BoundExpression, Env, RuleSym> lower)
    {
        _ = lowering;
        var args = call.Arguments;
        RuleSym Arg(int i) => lower(args[i], env);
        ScalarRule S(int i) => RuleLowering.Scalar(Arg(i), args[i]);
        string B(int i) => RuleLowering.Bool(Arg(i), args[i]);
        switch (call.Overload.Name)
        {
            case "And":
                return Bool($"Math.Min({B(0)}, {B(1)})");
            case "Or":
                return Bool($"Math.Max({B(0)}, {B(1)})");
            case "Implies":
                return Bool($"Math.Max(2 - {B(0)}, {B(1)})");
            case "Xor":
                {
                    string a = B(0), b = B(1);
                    return Bool($"({a} == 1 || {b} == 1 ? 1 : ({a} == {b} ? 0 : 2))");
                }
            case "Not":
                return Bool($"(2 - {B(0)})");
            case "IsTrue":
                return Bool($"({B(0)} == 2 ? 2 : 0)");
            case "IsFalse":
                return Bool($"({B(0)} == 0 ? 2 : 0)");
            case "IsNull":
                return IsNull(Arg(0), call);
            case "Coalesce" when args.Length >= 2:
                return Coalesce([.. args.Select((_, i) => S(i))], call);
            case "Equal":
                return Bool(RuleLowering.Equal(S(0), S(1), call));
            case "NotEqual":
                return Bool($"(2 - {RuleLowering.Equal(S(0), S(1), call)})");
            case "Less":
            case "LessOrEqual":
            case "Greater":
            case "GreaterOrEqual":
                return Compare(call.Overload.Name, S(0), S(1), call);
            case "Add":
            case "Subtract":
            case "Multiply":
                {
                    var a = RuleLowering.NumberOf(Arg(0), args[0]);
                    var b = RuleLowering.NumberOf(Arg(1), args[1]);
                    string op = call.Overload.Name switch { "Add" => "+", "Subtract" => "-", _ => "*" };
                    if (a.Kind == RuleKind.Int && b.Kind == RuleKind.Int)
                        throw new NotExpressible(call.Syntax, "Integer arithmetic (the engine's overflow to null is not encoded)");
                    // decimal? arithmetic is lifted: null when either operand is.
                    return new ScalarRule($"({a.Text} {op} {b.Text})", RuleKind.Num, a.NonNull && b.NonNull);
                }
            case "Negate":
                {
                    var a = RuleLowering.NumberOf(Arg(0), args[0]);
                    if (a.Kind == RuleKind.Int) throw new NotExpressible(call.Syntax, "Integer arithmetic (the engine's overflow to null is not encoded)");
                    return new ScalarRule($"(-{a.Text})", a.Kind, a.NonNull);
                }
            case "Upper":
            case "Lower":
                {
                    var x = S(0);
                    Text(x, args[0]);
                    string method = call.Overload.Name == "Upper" ? "ToUpperInvariant" : "ToLowerInvariant";
                    return new ScalarRule($"({x.IsNullText} ? string(null) : {x.Text}.{method}())", RuleKind.Text, x.NonNull);
                }
            case "In" when args.Length == 2 || IsNullLiteral(args[2]):
                return In(S(0), Arg(1), call);
            case "In":
                throw new NotExpressible(call.Syntax, "membership at a precision (date intervals are not lowered)");
            case "InCodeList":
                return InCodeList(S(0), Arg(1), call);
            case "Exists":
                return Exists(Arg(0), call);
            case "Count":
                return Count(Arg(0), call);
            case "First":
            case "Last":
                {
                    if (Arg(0) is not RecordsRule rel) throw new NotExpressible(call.Syntax, $"{call.Overload.Name} of a list that is not a domain's records");
                    return new PickRule(rel, call.Overload.Name == "Last");
                }
            default:
                throw new NotExpressible(call.Syntax, $"{call.Overload.Name} ({call.Overload.Key})");
        }
    }

    private static ScalarRule Bool(string text) => new(text, RuleKind.Bool);

    /// <summary>A precision argument left out (null): membership at the values' own precision.</summary>
    private static bool IsNullLiteral(BoundExpression e) => e switch
    {
        BoundConversion c => IsNullLiteral(c.Operand),
        BoundLiteral { Value: null } => true,
        _ => false,
    };

    private static string Text(ScalarRule s, BoundExpression at) =>
        s.Kind == RuleKind.Text ? s.Text : throw new NotExpressible(at.Syntax, "text functions of a value that is not text");

    private static ScalarRule IsNull(RuleSym value, BoundCall call) => value switch
    {
        ScalarRule { Kind: RuleKind.Bool } b => Bool($"({b.Text} == 1 ? 2 : 0)"),
        ScalarRule s => Bool($"({s.IsNullText} ? 2 : 0)"),
        PickRule pick => Bool($"({RuleLowering.Chain(pick.Records)}.Any() ? 0 : 2)"),
        RowRule { IsDemographics: true } => Bool("(s.HasDM ? 0 : 2)"),
        _ => throw new NotExpressible(call.Syntax, "is null of a list"),
    };

    private static ScalarRule Coalesce(List<ScalarRule> values, BoundCall call)
    {
        var kinds = values.Select(v => v.Kind).Distinct().ToList();
        if (kinds is [RuleKind.Bool])
        {
            // Booleans are never null here: the first that is not unknown.
            var text = values[^1].Text;
            for (int i = values.Count - 2; i >= 0; i--) text = $"({values[i].Text} == 1 ? {text} : {values[i].Text})";
            return Bool(text);
        }
        RuleKind kind = kinds switch
        {
            [var only] => only,
            _ when kinds.All(k => k is RuleKind.Num or RuleKind.Int) => RuleKind.Num,
            _ => throw new NotExpressible(call.Syntax, "Coalesce of values of different types"),
        };
        return new ScalarRule($"({string.Join(" ?? ", values.Select(v => v.Text))})", kind);
    }

    private static ScalarRule Compare(string name, ScalarRule a, ScalarRule b, BoundCall call)
    {
        if (a.Kind is not (RuleKind.Num or RuleKind.Int) || b.Kind is not (RuleKind.Num or RuleKind.Int))
            throw new NotExpressible(call.Syntax, $"{name} of {a.Kind} values (text order depends on the culture; dates are not lowered)");
        string op = name switch { "Less" => "<", "LessOrEqual" => "<=", "Greater" => ">", _ => ">=" };
        return Bool($"({a.IsNullText} || {b.IsNullText} ? 1 : ({a.Text} {op} {b.Text} ? 2 : 0))");
    }

    private static ScalarRule In(ScalarRule x, RuleSym container, BoundCall call)
    {
        switch (container)
        {
            case ListRule list:
                {
                    if (list.Elements.Any(e => e.Kind == RuleKind.Bool) || x.Kind == RuleKind.Bool) throw new NotExpressible(call.Syntax, "membership of Booleans");
                    if (list.Elements.Any(e => e.Kind == RuleKind.Date) || x.Kind == RuleKind.Date) throw new NotExpressible(call.Syntax, "membership of dates");
                    if (list.Elements.IsEmpty) return Bool("0");
                    // The engine: a null value is in the list when the list holds a null; otherwise an element equal to it (a null element never is).
                    var anyNull = string.Join(" || ", list.Elements.Select(e => e.IsNullText));
                    var equal = string.Join(" || ", list.Elements.Select(e => $"{x.Text} == {e.Text}"));
                    return Bool($"({x.IsNullText} ? ({anyNull} ? 2 : 0) : ({equal} ? 2 : 0))");
                }
            case IntervalRule interval when call.Arguments[1] is var bound && ConstantBounds(bound):
                {
                    if (x.Kind is not (RuleKind.Num or RuleKind.Int)) throw new NotExpressible(call.Syntax, "membership in an interval of values that are not numbers");
                    string low = interval.LowClosed ? ">=" : ">", high = interval.HighClosed ? "<=" : "<";
                    return Bool($"({x.IsNullText} ? 1 : ({x.Text} {low} {interval.Low.Text} && {x.Text} {high} {interval.High.Text} ? 2 : 0))");
                }
            case IntervalRule:
                throw new NotExpressible(call.Syntax, "membership in an interval whose bounds are computed (a null bound reads as unbounded)");
            default:
                throw new NotExpressible(call.Syntax, "membership in anything but a list or an interval of constant numbers");
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

    private static ScalarRule InCodeList(ScalarRule x, RuleSym list, BoundCall call)
    {
        if (x.Kind != RuleKind.Text) throw new NotExpressible(call.Syntax, "membership of a Code or Concept in a code list");
        if (list is not CodeListRule codes) throw new NotExpressible(call.Syntax, "a code list that is not declared by the protocol");
        var tests = codes.Codes.Select(c => $"{x.Text} == {RuleLowering.Literal(c)}")
            .Concat(codes.Displays.Select(d => $"string.Equals({x.Text}, {RuleLowering.Literal(d)}, StringComparison.OrdinalIgnoreCase)"))
            .ToList();
        if (tests.Count == 0) return Bool($"({x.IsNullText} ? 1 : 0)");
        return Bool($"({x.IsNullText} ? 1 : ({string.Join(" || ", tests)} ? 2 : 0))");
    }

    private static ScalarRule Exists(RuleSym list, BoundCall call)
    {
        if (list is not RecordsRule rel) throw new NotExpressible(call.Syntax, "exists of a list that is not a domain's records");
        // No records: unknown (absence of records is not evidence of absence); otherwise the best filter outcome (2 a record
        // passes, 1 none does but one was undecidable, 0 none passes).
        return rel.Where is null
            ? Bool($"({rel.Source}.Count == 0 ? 1 : 2)")
            : Bool($"({rel.Source}.Count == 0 ? 1 : {rel.Source}.Max({rel.Param} => {rel.Where}))");
    }

    private static ScalarRule Count(RuleSym list, BoundCall call)
    {
        if (list is not RecordsRule rel) throw new NotExpressible(call.Syntax, "Count of a list that is not a domain's records");
        // A count that may be short for want of data (no records at all, or an undecidable filter) is null.
        return rel.Where is null
            ? new ScalarRule($"({rel.Source}.Count == 0 ? decimal?(null) : decimal?({rel.Source}.Count))", RuleKind.Int)
            : new ScalarRule($"({rel.Source}.Count == 0 || {rel.Source}.Any({rel.Param} => {rel.Where} == 1) ? decimal?(null) : decimal?({rel.Source}.Count({rel.Param} => {rel.Where} == 2)))", RuleKind.Int);
    }
}
