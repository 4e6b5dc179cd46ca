using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Types;
using ProtocolEngine.Verification.Solving;

namespace ProtocolEngine.Verification.Lowering;

internal sealed partial class SmtLowering
{
    private const string HasLower = "(re.++ re.all (re.range \"a\" \"z\") re.all)";
    private const string HasUpper = "(re.++ re.all (re.range \"A\" \"Z\") re.all)";
    private readonly Dictionary<string, string> _caseFolds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _preferred = new(StringComparer.Ordinal);

    private Sym LowerCall(BoundCall call, Env env)
    {
        var name = call.Overload.Name;
        var args = call.Arguments;
        switch (name)
        {
            case "And":
            case "Or":
            case "Xor":
            case "Implies":
                {
                    var a = AsBool(Lower(args[0], env), args[0]);
                    var b = AsBool(Lower(args[1], env), args[1]);
                    return name switch
                    {
                        "And" => new BoolSym(Smt.And(a.T, b.T), Smt.Or(a.F, b.F)),
                        "Or" => new BoolSym(Smt.Or(a.T, b.T), Smt.And(a.F, b.F)),
                        "Implies" => new BoolSym(Smt.Or(a.F, b.T), Smt.And(a.T, b.F)),
                        _ => new BoolSym(Smt.Or(Smt.And(a.T, b.F), Smt.And(a.F, b.T)), Smt.Or(Smt.And(a.T, b.T), Smt.And(a.F, b.F))),
                    };
                }
            case "Not":
                {
                    var a = AsBool(Lower(args[0], env), args[0]);
                    return new BoolSym(a.F, a.T);
                }
            case "IsNull":
                {
                    var n = NullOf(Lower(args[0], env), args[0]);
                    return new BoolSym(n, Smt.Not(n));
                }
            case "IsTrue":
                {
                    var a = AsBool(Lower(args[0], env), args[0]);
                    return new BoolSym(a.T, Smt.Not(a.T));
                }
            case "IsFalse":
                {
                    var a = AsBool(Lower(args[0], env), args[0]);
                    return new BoolSym(a.F, Smt.Not(a.F));
                }
            case "Coalesce":
                return LowerCoalesce(call, env);
            case "Equal":
            case "NotEqual":
                {
                    var eq = EqualSym(Lower(args[0], env), Lower(args[1], env), call, nullSafe: false);
                    return name == "Equal" ? eq : new BoolSym(eq.F, eq.T);
                }
            case "Equivalent":
            case "NotEquivalent":
                {
                    if (args[0].Type == ProtocolType.String) return NotCovered(call, "equivalence (~) of text, which ignores case and spacing");
                    var eq = EqualSym(Lower(args[0], env), Lower(args[1], env), call, nullSafe: true);
                    return name == "Equivalent" ? eq : new BoolSym(eq.F, eq.T);
                }
            case "Less":
            case "LessOrEqual":
            case "Greater":
            case "GreaterOrEqual":
                return Compare(name, Lower(args[0], env), Lower(args[1], env), call);
            case "Add":
            case "Subtract":
            case "Multiply":
            case "Divide":
                return Arithmetic(name, Lower(args[0], env), Lower(args[1], env), call);
            case "Negate":
                {
                    if (Lower(args[0], env) is not ScalarSym { Sort: SmtSort.Int or SmtSort.Real } a) return NotCovered(call, "negation of a value that is not a number");
                    return a with { V = $"(- {a.V})" };
                }
            case "Abs":
                {
                    if (Lower(args[0], env) is not ScalarSym { Sort: SmtSort.Int or SmtSort.Real } a) return NotCovered(call, "Abs of a value that is not a number");
                    string zero = a.Sort == SmtSort.Real ? "0.0" : "0";
                    return a with { V = $"(ite (< {a.V} {zero}) (- {a.V}) {a.V})" };
                }
            case "Before":
            case "After":
            case "SameOrBefore":
            case "SameOrAfter":
            case "SameAs":
                return Temporal(name, call, env);
            case "DurationBetween":
            case "DifferenceBetween":
                return Between(name, call, env);
            case "In":
            case "Contains":
                return Membership(name, call, env);
            case "InCodeList":
                return InCodeList(call, env);
            case "Exists":
                {
                    if (Lower(args[0], env) is not ListSym list) return NotCovered(call, "exists of a value that is not a list");
                    var any = Smt.Or(list.Elements.Select(Holds));
                    return new BoolSym(any, Smt.Not(any));
                }
            case "First":
            case "Last":
                {
                    if (Lower(args[0], env) is not ListSym list) return NotCovered(call, $"{name} of a value that is not a list");
                    return Pick(list, name == "Last", call);
                }
            case "Count":
            case "Sum":
            case "Min":
            case "Max":
                {
                    if (Lower(args[0], env) is not ListSym list) return NotCovered(call, $"{name} of a value that is not a list");
                    return Aggregate(name, list, call);
                }
            case "Upper":
            case "Lower":
                {
                    if (Lower(args[0], env) is not ScalarSym { Sort: SmtSort.String } s) return NotCovered(call, $"{name} of a value that is not text");
                    return s with { V = CaseFold(s.V, upper: name == "Upper") };
                }
            case "Length" when args[0].Type == ProtocolType.String:
                {
                    if (Lower(args[0], env) is not ScalarSym { Sort: SmtSort.String } s) return NotCovered(call, "Length of a value that is not text");
                    return new ScalarSym(SmtSort.Int, s.N, $"(str.len {s.V})");
                }
            case "StartsWith":
            case "EndsWith":
                {
                    if (Lower(args[0], env) is not ScalarSym { Sort: SmtSort.String } s || Lower(args[1], env) is not ScalarSym { Sort: SmtSort.String } p)
                        return NotCovered(call, $"{name} of values that are not text");
                    string n = Smt.Or(s.N, p.N);
                    string holds = name == "StartsWith" ? $"(str.prefixof {p.V} {s.V})" : $"(str.suffixof {p.V} {s.V})";
                    return new BoolSym(Smt.And(Smt.Not(n), holds), Smt.And(Smt.Not(n), Smt.Not(holds)));
                }
            case "Concatenate":
                {
                    if (Lower(args[0], env) is not ScalarSym { Sort: SmtSort.String } a || Lower(args[1], env) is not ScalarSym { Sort: SmtSort.String } b)
                        return NotCovered(call, "Concatenate of values that are not text");
                    return new ScalarSym(SmtSort.String, Smt.Or(a.N, b.N), $"(str.++ {a.V} {b.V})");
                }
            case "Today":
            case "Now":
                return new ScalarSym(SmtSort.Day, "false", Smt.Int(Today));
            case "Date" when args.Length == 3 && args.All(a => a is BoundLiteral { Value: int }):
                {
                    var parts = args.Select(a => (int)((BoundLiteral)a).Value!).ToArray();
                    try
                    {
                        return new ScalarSym(SmtSort.Day, "false", Smt.Int(new DateOnly(parts[0], parts[1], parts[2]).DayNumber));
                    }
                    catch (ArgumentOutOfRangeException)
                    {
                        return NotCovered(call, "a date that does not exist");
                    }
                }
            default:
                return NotCovered(call, $"{name} ({call.Overload.Key})");
        }
    }

    private string NullOf(Sym sym, BoundExpression at) => sym switch
    {
        BoolSym b => b.IsNull,
        ScalarSym s => s.N,
        RecordSym r => r.N,
        ListSym => "false",
        IntervalSym => "false",
        QuantitySym => "false",
        CodeListSym => "false",
        _ => AsBool(NotCovered(at, "is null of this value"), at).T,
    };

    private Sym LowerCoalesce(BoundCall call, Env env)
    {
        if (call.Arguments.Length == 1) return NotCovered(call, "Coalesce of a list");
        var values = call.Arguments.Select(a => Lower(a, env)).ToList();
        if (values.All(v => v is BoolSym))
        {
            var bools = values.Cast<BoolSym>().ToList();
            string t = "false", f = "false";
            for (int i = bools.Count - 1; i >= 0; i--)
            {
                t = Smt.Ite(bools[i].IsNull, t, bools[i].T);
                f = Smt.Ite(bools[i].IsNull, f, bools[i].F);
            }
            return new BoolSym(t, f);
        }
        if (values.All(v => v is ScalarSym))
        {
            var scalars = values.Cast<ScalarSym>().ToList();
            if (scalars.Any(s => s.Sort == SmtSort.Real)) scalars = scalars.Select(ToReal).ToList();
            if (scalars.Select(s => s.Sort).Distinct().Count() > 1) return NotCovered(call, "Coalesce of values of different types");
            string n = Smt.And(scalars.Select(s => s.N));
            string v = scalars[^1].V;
            for (int i = scalars.Count - 2; i >= 0; i--) v = Smt.Ite(Smt.Not(scalars[i].N), scalars[i].V, v);
            return new ScalarSym(scalars[0].Sort, n, v);
        }
        if (values.All(v => v is RecordSym r && r.Domain == ((RecordSym)values[0]).Domain))
        {
            var records = values.Cast<RecordSym>().ToList();
            var choices = new List<(string, RecordSlot)>();
            string earlierNull = "true";
            foreach (var r in records)
            {
                choices.AddRange(r.Choices.Select(c => (Smt.And(earlierNull, c.Sel), c.Slot)));
                earlierNull = Smt.And(earlierNull, r.N);
            }
            return new RecordSym(records[0].Domain, choices);
        }
        return NotCovered(call, "Coalesce of structured values");
    }

    /// <summary>Equality with CQL's nulls (null when either side is null), or equivalence (null-safe) when asked.</summary>
    private BoolSym EqualSym(Sym left, Sym right, BoundExpression at, bool nullSafe)
    {
        if (left is BoolSym a && right is BoolSym b)
        {
            string bothKnown = Smt.And(Smt.Not(a.IsNull), Smt.Not(b.IsNull));
            string same = $"(= {a.T} {b.T})";
            if (nullSafe)
            {
                var eq = Smt.Or(Smt.And(a.IsNull, b.IsNull), Smt.And(bothKnown, same));
                return new BoolSym(eq, Smt.Not(eq));
            }
            return new BoolSym(Smt.And(bothKnown, same), Smt.And(bothKnown, Smt.Not(same)));
        }
        if (left is ScalarSym x && right is ScalarSym y)
        {
            (x, y) = Unify(x, y);
            if (x.Sort != y.Sort && !(x.Sort is SmtSort.Int or SmtSort.Day && y.Sort is SmtSort.Int or SmtSort.Day))
                return (BoolSym)NotCovered(at, "a comparison of values of different types");
            string known = Smt.And(Smt.Not(x.N), Smt.Not(y.N));
            string same = x.V == y.V ? "true" : $"(= {x.V} {y.V})";
            if (nullSafe)
            {
                var eq = Smt.Or(Smt.And(x.N, y.N), Smt.And(known, same));
                return new BoolSym(eq, Smt.Not(eq));
            }
            return new BoolSym(Smt.And(known, same), Smt.And(known, Smt.Not(same)));
        }
        return (BoolSym)NotCovered(at, $"equality of a {Describe(left)} and a {Describe(right)}");
    }

    private Sym Compare(string name, Sym left, Sym right, BoundExpression at)
    {
        if (left is QuantitySym qa && right is QuantitySym qb && qa.Unit == qb.Unit)
        {
            bool holds = name switch { "Less" => qa.Value < qb.Value, "LessOrEqual" => qa.Value <= qb.Value, "Greater" => qa.Value > qb.Value, _ => qa.Value >= qb.Value };
            return holds ? new BoolSym("true", "false") : new BoolSym("false", "true");
        }
        if (left is not ScalarSym x || right is not ScalarSym y) return NotCovered(at, $"a comparison of a {Describe(left)} and a {Describe(right)}");
        (x, y) = Unify(x, y);
        string op = name switch { "Less" => "<", "LessOrEqual" => "<=", "Greater" => ">", _ => ">=" };
        string holdsTerm;
        if (x.Sort == SmtSort.String)
        {
            holdsTerm = name switch
            {
                "Less" => $"(str.< {x.V} {y.V})",
                "LessOrEqual" => $"(str.<= {x.V} {y.V})",
                "Greater" => $"(str.< {y.V} {x.V})",
                _ => $"(str.<= {y.V} {x.V})",
            };
        }
        else holdsTerm = $"({op} {x.V} {y.V})";
        string known = Smt.And(Smt.Not(x.N), Smt.Not(y.N));
        return new BoolSym(Smt.And(known, holdsTerm), Smt.And(known, Smt.Not(holdsTerm)));
    }

    private Sym Arithmetic(string name, Sym left, Sym right, BoundExpression at)
    {
        if (left is ScalarSym { Sort: SmtSort.Day } day && right is QuantitySym q)
            return DateShift(day, name == "Subtract" ? -q.Value : q.Value, q.Unit, at);
        if (left is not ScalarSym x || right is not ScalarSym y || x.Sort is SmtSort.String or SmtSort.Day || y.Sort is SmtSort.String or SmtSort.Day)
            return NotCovered(at, $"{name} of a {Describe(left)} and a {Describe(right)}");
        (x, y) = Unify(x, y);
        string n = Smt.Or(x.N, y.N);
        switch (name)
        {
            case "Add": return new ScalarSym(x.Sort, n, $"(+ {x.V} {y.V})");
            case "Subtract": return new ScalarSym(x.Sort, n, $"(- {x.V} {y.V})");
            case "Multiply": return new ScalarSym(x.Sort, n, $"(* {x.V} {y.V})");
            default:
                {
                    // CQL: division by zero is null.
                    x = ToReal(x);
                    y = ToReal(y);
                    return new ScalarSym(SmtSort.Real, Smt.Or(n, $"(= {y.V} 0.0)"), $"(/ {x.V} {y.V})");
                }
        }
    }

    /// <summary>A date moved by a calendar duration: days and weeks exactly; months and years within their possible lengths.</summary>
    private Sym DateShift(ScalarSym day, decimal amount, string unit, BoundExpression at)
    {
        if (decimal.Truncate(amount) != amount) return NotCovered(at, $"a date moved by a fraction of a {unit}");
        long k = (long)amount;
        switch (unit.ToLowerInvariant())
        {
            case "day" or "days" or "d":
                return day with { V = $"(+ {day.V} {Smt.Int(k)})" };
            case "week" or "weeks" or "wk":
                return day with { V = $"(+ {day.V} {Smt.Int(7 * k)})" };
            case "month" or "months" or "mo":
            case "year" or "years" or "a":
                {
                    bool months = unit.StartsWith('m');
                    long shortest = months ? 28 * k : 365 * k, longest = months ? 31 * k : 366 * k;
                    if (k < 0) (shortest, longest) = (longest, shortest);
                    var moved = Fresh("Int", "shift");
                    _axioms.Add($"(and (<= (+ {day.V} {Smt.Int(shortest)}) {moved}) (<= {moved} (+ {day.V} {Smt.Int(longest)})))");
                    Bounded.Add((Owner, $"a date moved by {amount} {unit} (month and year lengths vary: the shift is within its possible lengths)"));
                    return day with { V = moved };
                }
            default:
                return NotCovered(at, $"a date moved by {unit}");
        }
    }

    private static string? Precision(BoundExpression e) => e is BoundLiteral { Value: string s } ? s : null;

    private Sym Temporal(string name, BoundCall call, Env env)
    {
        var args = call.Arguments;
        if (args.Length != 3 || args[0].Type is IntervalType || args[1].Type is IntervalType)
            return NotCovered(call, $"{name} with an interval");
        var precision = Precision(args[2]);
        if (precision is not (null or "day")) return NotCovered(call, $"{name} ... {precision} precision");
        if (Lower(args[0], env) is not ScalarSym { Sort: SmtSort.Day } a || Lower(args[1], env) is not ScalarSym { Sort: SmtSort.Day } b)
            return NotCovered(call, $"{name} of values that are not dates");
        string op = name switch { "Before" => "<", "After" => ">", "SameOrBefore" => "<=", "SameOrAfter" => ">=", _ => "=" };
        string holds = $"({op} {a.V} {b.V})";
        string known = Smt.And(Smt.Not(a.N), Smt.Not(b.N));
        return new BoolSym(Smt.And(known, holds), Smt.And(known, Smt.Not(holds)));
    }

    private Sym Between(string name, BoundCall call, Env env)
    {
        var args = call.Arguments;
        var unit = Precision(args[2]);
        if (Lower(args[0], env) is not ScalarSym { Sort: SmtSort.Day } a || Lower(args[1], env) is not ScalarSym { Sort: SmtSort.Day } b)
            return NotCovered(call, $"{name} of values that are not dates");
        string n = Smt.Or(a.N, b.N);
        string diff = $"(- {b.V} {a.V})";
        switch (unit)
        {
            case "day":
                return new ScalarSym(SmtSort.Int, n, diff);
            case "week" when name == "DurationBetween":
                return new ScalarSym(SmtSort.Int, n, $"(ite (>= {diff} 0) (div {diff} 7) (- (div (- {diff}) 7)))");
            case "year" or "month" when name == "DurationBetween":
                {
                    var count = Fresh("Int", unit == "year" ? "years" : "months");
                    int shortest = unit == "year" ? 365 : 28, longest = unit == "year" ? 366 : 31;
                    // Whole periods between the dates: at least `count` shortest periods fit, `count + 1` longest ones do not.
                    _axioms.Add($"(=> (>= {diff} 0) (and (>= {count} 0) (<= (* {shortest} {count}) {diff}) (< {diff} (* {longest} (+ {count} 1)))))");
                    _axioms.Add($"(=> (< {diff} 0) (and (<= {count} 0) (<= (* {shortest} (- {count})) (- {diff})) (< (- {diff}) (* {longest} (+ (- {count}) 1)))))");
                    Bounded.Add((Owner, $"{unit}s between two dates (within the possible lengths of a {unit})"));
                    return new ScalarSym(SmtSort.Int, n, count);
                }
            default:
                return NotCovered(call, $"{name} in {unit ?? "an unstated unit"}");
        }
    }

    private Sym Membership(string name, BoundCall call, Env env)
    {
        var args = call.Arguments;
        var (pointExpr, containerExpr) = name == "In" ? (args[0], args[1]) : (args[1], args[0]);
        var container = Lower(containerExpr, env);
        var point = Lower(pointExpr, env);
        if (container is IntervalSym interval)
        {
            var precision = args.Length > 2 ? Precision(args[2]) : null;
            if (precision is not (null or "day")) return NotCovered(call, $"{name} ... {precision} precision");
            if (point is not ScalarSym p) return NotCovered(call, $"{name} of a {Describe(point)} in an interval");
            var (pp, low) = Unify(p, interval.Low);
            var (pp2, high) = Unify(pp, interval.High);
            string lowOk = interval.LowClosed ? $"(<= {low.V} {pp2.V})" : $"(< {low.V} {pp2.V})";
            string highOk = interval.HighClosed ? $"(<= {pp2.V} {high.V})" : $"(< {pp2.V} {high.V})";
            if (pp2.Sort == SmtSort.String)
            {
                lowOk = interval.LowClosed ? $"(str.<= {low.V} {pp2.V})" : $"(str.< {low.V} {pp2.V})";
                highOk = interval.HighClosed ? $"(str.<= {pp2.V} {high.V})" : $"(str.< {pp2.V} {high.V})";
            }
            // CQL: a null point is null; a null bound leaves the answer open unless the known bound already excludes the point.
            string t = Smt.And(Smt.Not(pp2.N), Smt.Not(low.N), Smt.Not(high.N), lowOk, highOk);
            string f = Smt.And(Smt.Not(pp2.N), Smt.Or(Smt.And(Smt.Not(low.N), Smt.Not(lowOk)), Smt.And(Smt.Not(high.N), Smt.Not(highOk))));
            return new BoolSym(t, f);
        }
        if (container is ListSym list)
        {
            if (point is not ScalarSym p || !list.Elements.All(x => x.Element is ScalarSym)) return NotCovered(call, $"{name} of a {Describe(point)} in a list");
            var equalities = list.Elements.Select(x => (x.Guard, Eq: EqualSym(p, x.Element, call, nullSafe: false))).ToList();
            string t = Smt.Or(equalities.Select(e => Smt.And(e.Guard, e.Eq.T)));
            string f = Smt.And(Smt.Not(p.N), Smt.And(equalities.Select(e => Smt.Implies(e.Guard, e.Eq.F))));
            return new BoolSym(t, f);
        }
        if (container is CodeListSym codes) return CodeListMembership(point, codes, call);
        return NotCovered(call, $"{name} of a {Describe(point)} in a {Describe(container)}");
    }

    private Sym InCodeList(BoundCall call, Env env)
    {
        var point = Lower(call.Arguments[0], env);
        if (Lower(call.Arguments[1], env) is not CodeListSym codes) return NotCovered(call, "membership in a code list that is not declared");
        return CodeListMembership(point, codes, call);
    }

    private Sym CodeListMembership(Sym point, CodeListSym codes, BoundExpression at)
    {
        if (point is not ScalarSym { Sort: SmtSort.String } p) return NotCovered(at, "code list membership of a value that is not text");
        var terms = codes.CodeList.Codes.SelectMany(c => c.Display is null ? [c.Code] : new[] { c.Code, c.Display }).Distinct(StringComparer.Ordinal).ToList();
        var matches = terms.Select(t => $"(= {p.V} {SExpression.Quote(t)})").ToList();
        // ATC is hierarchical: a code starting with a class code on the list is on the list (as the runtime's code lists say).
        if (string.Equals(codes.CodeList.CodeSystem, "ATC", StringComparison.OrdinalIgnoreCase))
            matches.AddRange(codes.CodeList.Codes.Select(c => $"(str.prefixof {SExpression.Quote(c.Code)} {p.V})"));
        string member = Smt.Or(matches);
        return new BoolSym(Smt.And(Smt.Not(p.N), member), Smt.And(Smt.Not(p.N), Smt.Not(member)));
    }

    /// <summary>
    /// Upper or Lower of text: SMT strings have no case mapping, so the result is a fresh string with the facts the lowering
    /// needs (same length, no letter of the other case, the text itself when it has none), and a witness prefers text
    /// already in that case (so the mapping is the identity there and the witness is exact).
    /// </summary>
    private string CaseFold(string value, bool upper)
    {
        var key = (upper ? "U:" : "L:") + value;
        if (_caseFolds.TryGetValue(key, out var folded)) return folded;
        var result = Fresh("String", upper ? "upper" : "lower");
        string other = upper ? HasLower : HasUpper;
        _axioms.Add($"(= (str.len {result}) (str.len {value}))");
        _axioms.Add($"(not (str.in_re {result} {other}))");
        _axioms.Add($"(=> (not (str.in_re {value} {other})) (= {result} {value}))");
        if (_preferred.Add(key)) _preferences.Add($"(not (str.in_re {value} {other}))");
        _caseFolds[key] = result;
        return result;
    }
}
