using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Types;
using ProtocolEngine.Verification.Solving;

namespace ProtocolEngine.Verification.Lowering;

internal sealed partial class SmtLowering
{
    private readonly Dictionary<string, string> _caseFolds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _preferred = new(StringComparer.Ordinal);
    private bool _usesFold;
    private readonly Dictionary<string, string> _coarse = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, string Value, string Name)> _pendingPrefixes = [];
    private readonly Dictionary<string, string> _prefixes = new(StringComparer.Ordinal);

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
                    return new BoolSym(any, Smt.And(Smt.Not(any), Smt.Not(list.Uncertain)));
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
            case "StartsWith":
            case "EndsWith":
            case "Concatenate":
                return NotCovered(call, $"{name} of text (text is lowered as literals and other values, without characters)");
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
        if (x.Sort == SmtSort.String) return NotCovered(at, "an ordering of text (text is lowered as literals and other values)");
        string holdsTerm = $"({op} {x.V} {y.V})";
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
                return day with { V = ShiftMonths(day.V, k) };
            case "year" or "years" or "a":
                return day with { V = ShiftMonths(day.V, 12 * k) };
            default:
                return NotCovered(at, $"a date moved by {unit}");
        }
    }

    private static string? Precision(BoundExpression e) => e is BoundLiteral { Value: string s } ? s : null;

    /// <summary>The days within which two dates may fall in one period of the precision (0 for days); null when not covered.</summary>
    private static int? Margin(string? precision) => precision switch
    {
        null or "day" => 0,
        "week" => 7,
        "month" => 31,
        "year" => 366,
        _ => null,
    };

    /// <summary>
    /// A comparison at a coarser precision than days: true where it surely holds, false where it surely does not, and a free
    /// choice in between (a sound over-approximation); a witness prefers to stay out of the in-between.
    /// </summary>
    private BoolSym Coarse(string known, string surelyTrue, string surelyFalse)
    {
        // One free choice per comparison, however often it is lowered: the same rule must decide alike each time.
        var key = surelyTrue + "|" + surelyFalse;
        if (!_coarse.TryGetValue(key, out var choice)) _coarse[key] = choice = Fresh("Bool", "coarse");
        else return new BoolSym(Smt.And(known, Smt.Or(surelyTrue, Smt.And(Smt.And(Smt.Not(surelyTrue), Smt.Not(surelyFalse)), choice))),
            Smt.And(known, Smt.Or(surelyFalse, Smt.And(Smt.And(Smt.Not(surelyTrue), Smt.Not(surelyFalse)), Smt.Not(choice)))));
        _preferences.Add(Smt.Or(surelyTrue, surelyFalse));
        string middle = Smt.And(Smt.Not(surelyTrue), Smt.Not(surelyFalse));
        return new BoolSym(Smt.And(known, Smt.Or(surelyTrue, Smt.And(middle, choice))), Smt.And(known, Smt.Or(surelyFalse, Smt.And(middle, Smt.Not(choice)))));
    }

    private Sym Temporal(string name, BoundCall call, Env env)
    {
        var args = call.Arguments;
        if (args.Length != 3 || args[0].Type is IntervalType || args[1].Type is IntervalType)
            return NotCovered(call, $"{name} with an interval");
        var precision = Precision(args[2]);
        if (Margin(precision) is not { } margin) return NotCovered(call, $"{name} ... {precision} precision");
        if (Lower(args[0], env) is not ScalarSym { Sort: SmtSort.Day } a || Lower(args[1], env) is not ScalarSym { Sort: SmtSort.Day } b)
            return NotCovered(call, $"{name} of values that are not dates");
        string known = Smt.And(Smt.Not(a.N), Smt.Not(b.N));
        string d = $"(- {a.V} {b.V})";
        // At a coarser precision (week, month, year) two dates compare by their periods: exact when they are that far apart
        // or on the same side by days, free (either answer) in between.
        var (surelyTrue, surelyFalse) = name switch
        {
            "Before" => ($"(< {d} {-margin})", $"(>= {d} 0)"),
            "After" => ($"(> {d} {margin})", $"(<= {d} 0)"),
            "SameOrBefore" => ($"(<= {d} 0)", $"(> {d} {margin})"),
            "SameOrAfter" => ($"(>= {d} 0)", $"(< {d} {-margin})"),
            _ => margin == 0 ? ($"(= {d} 0)", $"(not (= {d} 0))") : ("false", $"(or (> {d} {margin}) (< {d} {-margin}))"),
        };
        if (margin == 0 && name != "SameAs") surelyFalse = Smt.Not(surelyTrue);
        if (margin == 0) return new BoolSym(Smt.And(known, surelyTrue), Smt.And(known, surelyFalse));
        return Coarse(known, surelyTrue, surelyFalse);
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
                return new ScalarSym(SmtSort.Int, n, WholePeriods(a.V, b.V, unit == "year"));
            case "year" or "month":
                {
                    // DifferenceBetween counts period boundaries crossed.
                    return new ScalarSym(SmtSort.Int, n, $"(- {Period(b.V, unit)} {Period(a.V, unit)})");
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
            if (Margin(precision) is not { } margin) return NotCovered(call, $"{name} ... {precision} precision");
            if (point is not ScalarSym p) return NotCovered(call, $"{name} of a {Describe(point)} in an interval");
            var (pp, low) = Unify(p, interval.Low);
            var (pp2, high) = Unify(pp, interval.High);
            string lowOk = interval.LowClosed ? $"(<= {low.V} {pp2.V})" : $"(< {low.V} {pp2.V})";
            string highOk = interval.HighClosed ? $"(<= {pp2.V} {high.V})" : $"(< {pp2.V} {high.V})";
            if (pp2.Sort == SmtSort.String) return NotCovered(call, "an interval of text");
            // CQL: a null point is null; a null bound leaves the answer open unless the known bound already excludes the point.
            string t = Smt.And(Smt.Not(pp2.N), Smt.Not(low.N), Smt.Not(high.N), lowOk, highOk);
            string f = Smt.And(Smt.Not(pp2.N), Smt.Or(Smt.And(Smt.Not(low.N), Smt.Not(lowOk)), Smt.And(Smt.Not(high.N), Smt.Not(highOk))));
            if (margin == 0 || pp2.Sort != SmtSort.Day) return new BoolSym(t, f);
            // At a coarser precision: inside by days is inside; farther out than a period is outside; in between is free.
            string farLow = $"(< {pp2.V} (- {low.V} {margin}))", farHigh = $"(> {pp2.V} (+ {high.V} {margin}))";
            string far = Smt.And(Smt.Not(pp2.N), Smt.Or(Smt.And(Smt.Not(low.N), farLow), Smt.And(Smt.Not(high.N), farHigh)));
            return Coarse("true", t, far);
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
        // Codes match exactly; displays ignoring case (as the engine's code lists do): their upper- and lower-case forms are literals too.
        var terms = codes.CodeList.Codes.SelectMany(c => c.Display is null ? [c.Code] : new[] { c.Code, c.Display, c.Display.ToUpperInvariant(), c.Display.ToLowerInvariant() })
            .Distinct(StringComparer.Ordinal).ToList();
        var matches = terms.Select(t => $"(= {p.V} {Smt.Int(Strings.Code(t))})").ToList();
        // ATC is hierarchical: a code starting with a class code on the list is on the list (as the runtime's code lists say).
        if (string.Equals(codes.CodeList.CodeSystem, "ATC", StringComparison.OrdinalIgnoreCase))
            matches.AddRange(codes.CodeList.Codes.Select(c => StartsWithCode(c.Code, p.V)));
        string member = Smt.Or(matches);
        return new BoolSym(Smt.And(Smt.Not(p.N), member), Smt.And(Smt.Not(p.N), Smt.Not(member)));
    }

    /// <summary>
    /// Upper or Lower of text: a fresh code whose meaning is fixed when the table of literals is complete
    /// (<see cref="FinishText"/>): a literal's code maps to its upper- or lower-case literal; other text maps to any value,
    /// and FoldElimination rewrites every comparison of the result with a literal into the text's own codes.
    /// </summary>
    private string CaseFold(string value, bool upper)
    {
        var key = (upper ? "U:" : "L:") + value;
        if (_caseFolds.TryGetValue(key, out var folded)) return folded;
        // One function per case, defined on every literal's code in FinishText; other text (negative) maps to any value.
        var result = $"({(upper ? "fold_upper" : "fold_lower")} {value})";
        _usesFold = true;
        if (_preferred.Add(key))
        {
            // Text that is none of the protocol's literals folds to text that is none of them either (an assumption of the
            // model, docs/verification.md): else the solver picks text the engine would fold to something else.
            _axioms.Add($"(=> (< {value} 0) (< {result} 0))");
        }
        _caseFolds[key] = result;
        return result;
    }

    /// <summary>Whether text starts with a prefix: exact for literals, a free choice for other text; fixed in <see cref="FinishText"/>.</summary>
    private string StartsWithCode(string prefix, string value)
    {
        var key = prefix + "\u0000" + value;
        if (_prefixes.TryGetValue(key, out var name)) return name;
        name = Fresh("Bool", "prefix");
        _pendingPrefixes.Add((prefix, value, name));
        _prefixes[key] = name;
        return name;
    }

    /// <summary>The facts about Upper, Lower and prefixes, once every literal has its code.</summary>
    public IEnumerable<string> FinishText()
    {
        if (_usesFold)
        {
            for (int k = 0; k < Strings.Count; k++)
            {
                var text = Strings.Texts[k];
                yield return $"(= (fold_upper {k}) {Strings.Code(text.ToUpperInvariant())})";
                yield return $"(= (fold_lower {k}) {Strings.Code(text.ToLowerInvariant())})";
            }
        }
        foreach (var (prefix, value, name) in _pendingPrefixes)
        {
            var literals = Enumerable.Range(0, Strings.Count).Where(k => Strings.Texts[k].StartsWith(prefix, StringComparison.Ordinal)).Select(k => $"(= {value} {k})");
            yield return $"(=> (>= {value} 0) (= {name} {Smt.Or(literals)}))";
        }
    }
}
