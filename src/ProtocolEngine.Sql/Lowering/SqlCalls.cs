using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Sql.Lowering;

/// <summary>The builtins the SQL backend lowers, each to the native backend's semantics (see <see cref="SqlLowering"/>).</summary>
internal sealed class SqlCalls(SqlLowering lowering, SqlSyntax sql)
{
    public Sym Lower(BoundCall call, Env env, Func<BoundExpression, Env, Sym> lower)
    {
        var args = call.Arguments;
        Sym Arg(int i) => lower(args[i], env);
        ScalarSym S(int i) => lowering.Scalar(Arg(i), args[i]);
        string B(int i) => lowering.Bool(Arg(i), args[i]);
        switch (call.Overload.Name)
        {
            case "And":
                return Bool(sql.Least(B(0), B(1)));
            case "Or":
                return Bool(sql.Greatest(B(0), B(1)));
            case "Implies":
                return Bool(sql.Greatest($"2 - {B(0)}", B(1)));
            case "Xor":
                {
                    string a = B(0), b = B(1);
                    return Bool($"(CASE WHEN {a} = 1 OR {b} = 1 THEN 1 WHEN {a} = {b} THEN 0 ELSE 2 END)");
                }
            case "Not":
                return Bool($"(2 - {B(0)})");
            case "IsTrue":
                return Bool($"(CASE WHEN {B(0)} = 2 THEN 2 ELSE 0 END)");
            case "IsFalse":
                return Bool($"(CASE WHEN {B(0)} = 0 THEN 2 ELSE 0 END)");
            case "IsNull":
                return IsNull(Arg(0), call);
            case "Coalesce" when args.Length >= 2:
                return Coalesce([.. args.Select((_, i) => S(i))], call);
            case "Equal":
                return Bool(lowering.Equal(S(0), S(1), call));
            case "NotEqual":
                return Bool($"(2 - {lowering.Equal(S(0), S(1), call)})");
            case "Less":
            case "LessOrEqual":
            case "Greater":
            case "GreaterOrEqual":
                return Compare(call.Overload.Name, S(0), S(1), call);
            case "Add":
            case "Subtract":
            case "Multiply":
                {
                    var a = lowering.Number(Arg(0), args[0]);
                    var b = lowering.Number(Arg(1), args[1]);
                    string op = call.Overload.Name switch { "Add" => "+", "Subtract" => "-", _ => "*" };
                    if (a.Kind == SqlKind.Int && b.Kind == SqlKind.Int)
                        throw new NotPushable(call.Syntax, "Integer arithmetic (the engine's overflow to null is not encoded)");
                    return new ScalarSym($"({a.Sql} {op} {b.Sql})", SqlKind.Num);
                }
            case "Negate":
                {
                    var a = lowering.Number(Arg(0), args[0]);
                    // Parenthesised: -(-1) written as --1 would be a SQL comment swallowing the rest of the line.
                    return new ScalarSym($"(-({a.Sql}))", a.Kind);
                }
            case "Upper":
                return new ScalarSym(sql.Upper(Text(S(0), args[0])), SqlKind.Text);
            case "Lower":
                return new ScalarSym(sql.Lower(Text(S(0), args[0])), SqlKind.Text);
            case "In" when args.Length == 2 || IsNullLiteral(args[2]):
                return In(S(0), Arg(1), call);
            case "In":
                throw new NotPushable(call.Syntax, "membership at a precision (date intervals are not lowered)");
            case "InCodeList":
                return InCodeList(S(0), Arg(1), call);
            case "Exists":
                return Exists(Arg(0), call);
            case "Count":
                return Count(Arg(0), call);
            case "First":
            case "Last":
                {
                    if (Arg(0) is not RelSym rel) throw new NotPushable(call.Syntax, $"{call.Overload.Name} of a list that is not a domain's records");
                    return new PickSym(rel, call.Overload.Name == "Last");
                }
            default:
                throw new NotPushable(call.Syntax, $"{call.Overload.Name} ({call.Overload.Key})");
        }
    }

    private static ScalarSym Bool(string text) => new(text, SqlKind.Bool);

    /// <summary>A precision argument left out (null): membership at the values' own precision.</summary>
    private static bool IsNullLiteral(BoundExpression e) => e switch
    {
        BoundConversion c => IsNullLiteral(c.Operand),
        BoundLiteral { Value: null } => true,
        _ => false,
    };

    private static string Text(ScalarSym s, BoundExpression at) =>
        s.Kind == SqlKind.Text ? s.Sql : throw new NotPushable(at.Syntax, "text functions of a value that is not text");

    private ScalarSym IsNull(Sym value, BoundCall call) => value switch
    {
        ScalarSym { Kind: SqlKind.Bool } b => Bool($"(CASE WHEN {b.Sql} = 1 THEN 2 ELSE 0 END)"),
        ScalarSym s => Bool($"(CASE WHEN {s.Sql} IS NULL THEN 2 ELSE 0 END)"),
        PickSym { Rel.Missing: true } => Bool("2"),
        PickSym pick => Bool($"(CASE WHEN {lowering.Aggregate(AggregateKind.Pick, pick.Rel, pick.Last).Name}.PE_U IS NULL THEN 2 ELSE 0 END)"),
        SubjectRowSym { Missing: true } => Bool("2"),
        SubjectRowSym row => Bool($"(CASE WHEN {row.Alias}.{sql.Quote(SqlLowering.RowColumn)} IS NULL THEN 2 ELSE 0 END)"),
        _ => throw new NotPushable(call.Syntax, "is null of a list"),
    };

    private ScalarSym Coalesce(List<ScalarSym> values, BoundCall call)
    {
        var kinds = values.Select(v => v.Kind).Distinct().ToList();
        if (kinds is [SqlKind.Bool])
        {
            // Booleans are never NULL here: the first that is not unknown.
            var text = values[^1].Sql;
            for (int i = values.Count - 2; i >= 0; i--) text = $"(CASE WHEN {values[i].Sql} = 1 THEN {text} ELSE {values[i].Sql} END)";
            return Bool(text);
        }
        SqlKind kind = kinds switch
        {
            [var only] => only,
            _ when kinds.All(k => k is SqlKind.Num or SqlKind.Int) => SqlKind.Num,
            _ => throw new NotPushable(call.Syntax, "Coalesce of values of different types"),
        };
        return new ScalarSym($"COALESCE({string.Join(", ", values.Select(v => v.Kind == kind ? v.Sql : $"CAST({v.Sql} AS {sql.TypeName(kind)})"))})", kind);
    }

    private ScalarSym Compare(string name, ScalarSym a, ScalarSym b, BoundCall call)
    {
        if (a.Kind is not (SqlKind.Num or SqlKind.Int) || b.Kind is not (SqlKind.Num or SqlKind.Int))
            throw new NotPushable(call.Syntax, $"{name} of {a.Kind} values (text order depends on the database's collation; dates are not lowered)");
        var (less, equal, greater) = name switch
        {
            "Less" => (2, 0, 0),
            "LessOrEqual" => (2, 2, 0),
            "Greater" => (0, 0, 2),
            _ => (0, 2, 2),
        };
        return Bool(sql.Compare(a.Sql, b.Sql, less, equal, greater));
    }

    private ScalarSym In(ScalarSym x, Sym container, BoundCall call)
    {
        switch (container)
        {
            case ListSym list:
                {
                    if (list.Elements.Any(e => e.Kind == SqlKind.Bool) || x.Kind == SqlKind.Bool) throw new NotPushable(call.Syntax, "membership of Booleans");
                    if (list.Elements.IsEmpty) return Bool("0");
                    // The engine: a null value is in the list when the list holds a null; otherwise an element equal to it (a null element never is).
                    var anyNull = string.Join(" OR ", list.Elements.Select(e => $"{e.Sql} IS NULL"));
                    var equal = string.Join(" ", list.Elements.Select(e => $"WHEN {x.Sql} = {e.Sql} THEN 2"));
                    return Bool($"(CASE WHEN {x.Sql} IS NULL THEN (CASE WHEN {anyNull} THEN 2 ELSE 0 END) {equal} ELSE 0 END)");
                }
            case IntervalSym interval when call.Arguments[1] is var bound && ConstantBounds(bound):
                {
                    if (x.Kind is not (SqlKind.Num or SqlKind.Int)) throw new NotPushable(call.Syntax, "membership in an interval of values that are not numbers");
                    string low = interval.LowClosed ? ">=" : ">", high = interval.HighClosed ? "<=" : "<";
                    return Bool($"(CASE WHEN {x.Sql} IS NULL THEN 1 WHEN {x.Sql} {low} {interval.Low.Sql} AND {x.Sql} {high} {interval.High.Sql} THEN 2 ELSE 0 END)");
                }
            case IntervalSym:
                throw new NotPushable(call.Syntax, "membership in an interval whose bounds are computed (a null bound reads as unbounded)");
            default:
                throw new NotPushable(call.Syntax, "membership in anything but a list or an interval of constant numbers");
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

    private ScalarSym InCodeList(ScalarSym x, Sym list, BoundCall call)
    {
        if (x.Kind != SqlKind.Text) throw new NotPushable(call.Syntax, "membership of a Code or Concept in a code list");
        if (list is not CodeListSym codes) throw new NotPushable(call.Syntax, "a code list that is not declared by the protocol");
        var parts = new List<string> { $"WHEN {x.Sql} IS NULL THEN 1" };
        if (!codes.Codes.IsEmpty) parts.Add($"WHEN {x.Sql} IN ({string.Join(", ", codes.Codes.Select(sql.Text))}) THEN 2");
        if (!codes.Displays.IsEmpty)
            parts.Add($"WHEN {sql.Upper(x.Sql)} IN ({string.Join(", ", codes.Displays.Select(d => sql.Text(d.ToUpperInvariant())))}) THEN 2");
        return Bool($"(CASE {string.Join(" ", parts)} ELSE 0 END)");
    }

    private ScalarSym Exists(Sym list, BoundCall call)
    {
        if (list is not RelSym rel) throw new NotPushable(call.Syntax, "exists of a list that is not a domain's records");
        if (rel.Missing) return Bool("1");
        // A subject without records has no row in the aggregate: unknown (absence of records is not evidence of absence).
        return Bool($"COALESCE({lowering.Aggregate(AggregateKind.Exists, rel).Name}.PE_V, 1)");
    }

    private ScalarSym Count(Sym list, BoundCall call)
    {
        if (list is not RelSym rel) throw new NotPushable(call.Syntax, "Count of a list that is not a domain's records");
        if (rel.Missing) return new ScalarSym(sql.NullOf(SqlKind.Int), SqlKind.Int);
        return new ScalarSym($"{lowering.Aggregate(AggregateKind.Count, rel).Name}.PE_V", SqlKind.Int);
    }
}
