using System.Collections.Immutable;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Language.Binding;

internal sealed partial class Binder
{
    // ---------------------------------------------------------------- overload resolution

    /// <summary>Binds a call of a builtin: picks the cheapest overload, inserting implicit conversions.</summary>
    private BoundExpression Call(SyntaxNode syntax, string name, ImmutableArray<BoundExpression> args)
    {
        // An operand that already failed to bind has been reported; do not cascade.
        if (args.Any(a => a is BoundError)) return new BoundError(syntax);
        var overloads = BuiltinCatalog.Lookup(name);
        BuiltinOverload? best = null;
        ProtocolType? bestT = null;
        int bestCost = int.MaxValue;
        foreach (var overload in overloads)
        {
            if (overload.Parameters.Length != args.Length) continue;
            ProtocolType? t = null;
            if (overload.IsGeneric && !TryInferT(overload, args, out t)) continue;
            int cost = 0;
            for (int i = 0; i < args.Length && cost != int.MaxValue; i++)
            {
                var parameter = Substitute(overload.Parameters[i], t);
                var conversion = args[i] is BoundError ? null : Conversions.Find(args[i].Type, parameter);
                cost = args[i] is BoundError ? cost : conversion is null ? int.MaxValue : cost + conversion.Cost;
            }
            if (cost < bestCost)
            {
                best = overload;
                bestT = t;
                bestCost = cost;
            }
        }

        if (best is null)
        {
            if (args.Any(a => a is BoundError)) return new BoundError(syntax);
            var arity = overloads.Where(o => o.Parameters.Length == args.Length).ToList();
            if (overloads.Length > 0 && arity.Count == 0)
            {
                Report(DiagnosticCatalog.WrongArgumentCount(syntax.Span, name, overloads[0].Parameters.Length, args.Length));
                return new BoundError(syntax);
            }
            var candidates = string.Join("; ", (arity.Count > 0 ? arity : overloads.ToList()).Take(8)
                .Select(o => "(" + string.Join(", ", o.Parameters.Select(p => p.Name)) + ")"));
            Report(DiagnosticCatalog.NoMatchingOverload(syntax.Span, DisplayName(name), string.Join(", ", args.Select(a => a.Type.Name)), candidates));
            return new BoundError(syntax);
        }

        var converted = ImmutableArray.CreateBuilder<BoundExpression>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            var parameter = Substitute(best.Parameters[i], bestT);
            converted.Add(ConvertQuiet(args[i], parameter) ?? args[i]);
        }
        var arguments = converted.MoveToImmutable();
        CheckUnits(syntax, name, arguments);
        CheckConstantDivisor(name, arguments);
        return new BoundCall(syntax, Substitute(best.ReturnType, bestT), best, arguments);
    }

    private static string DisplayName(string builtin) => builtin switch
    {
        "Add" => "Operator +",
        "Subtract" => "Operator -",
        "Multiply" => "Operator *",
        "Divide" => "Operator /",
        "Equal" => "Operator =",
        "NotEqual" => "Operator !=",
        "Equivalent" => "Operator ~",
        "Less" => "Operator <",
        "LessOrEqual" => "Operator <=",
        "Greater" => "Operator >",
        "GreaterOrEqual" => "Operator >=",
        "And" => "Operator and",
        "Or" => "Operator or",
        "Not" => "Operator not",
        _ => builtin,
    };

    private static bool TryInferT(BuiltinOverload overload, ImmutableArray<BoundExpression> args, out ProtocolType? t)
    {
        var candidates = new List<ProtocolType>();
        for (int i = 0; i < args.Length; i++)
        {
            if (Extract(overload.Parameters[i], args[i].Type) is { } c && !c.IsAny) candidates.Add(c);
        }
        t = Conversions.CommonType(candidates);
        // Two different types that share no common type (Integer and String) make no valid T.
        if (t is ChoiceType && candidates.Distinct().Count() > 1 && !candidates.Any(c => c is ChoiceType)) return false;
        return true;
    }

    private static ProtocolType? Extract(ProtocolType pattern, ProtocolType actual) => pattern switch
    {
        TypeParameter => actual,
        ListType pl when actual is ListType al => Extract(pl.ElementType, al.ElementType),
        IntervalType pi when actual is IntervalType ai => Extract(pi.PointType, ai.PointType),
        _ => null,
    };

    private static ProtocolType Substitute(ProtocolType type, ProtocolType? t) => type switch
    {
        TypeParameter => t ?? ProtocolType.Any,
        ListType l => new ListType(Substitute(l.ElementType, t)),
        IntervalType i => new IntervalType(Substitute(i.PointType, t)),
        _ => type,
    };

    // ---------------------------------------------------------------- units

    private static readonly HashSet<string> SameUnitOperators = new(StringComparer.Ordinal)
    {
        "Add", "Subtract", "Equal", "NotEqual", "Equivalent", "NotEquivalent", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Modulo",
    };

    private void CheckUnits(SyntaxNode syntax, string name, ImmutableArray<BoundExpression> args)
    {
        if (!SameUnitOperators.Contains(name) || args.Length != 2) return;
        if (args[0].Type != ProtocolType.Quantity || args[1].Type != ProtocolType.Quantity) return;
        if (StaticUnit(args[0]) is not { } left || StaticUnit(args[1]) is not { } right) return;
        var ld = UnitDimensions.Dimension(left);
        var rd = UnitDimensions.Dimension(right);
        if (ld is null || rd is null || ld == rd) return;
        Report(DiagnosticCatalog.IncompatibleUnits(syntax.Span, left, UnitDimensions.Describe(ld), right, UnitDimensions.Describe(rd)));
    }

    // Units found so far: in a chain `q1 + q2 + q3 ...` each sum asks for the unit of the sum before it, which is then
    // one lookup instead of a walk down the whole chain.
    private readonly Dictionary<BoundExpression, string?> _staticUnits = new(ReferenceEqualityComparer.Instance);

    /// <summary>The unit of a quantity expression when it is known at compile time.</summary>
    private string? StaticUnit(BoundExpression e)
    {
        var start = e;
        string? unit = null;
        // Follows the operand that carries the unit, in a loop; definitions and parameters lead on to their values.
        for (int steps = 0; steps < 100_000; steps++)
        {
            if (_staticUnits.TryGetValue(e, out unit)) break;
            BoundExpression? next = e switch
            {
                BoundCall { Overload.Name: "Negate" or "Abs" or "Add" or "Subtract" or "Successor" or "Predecessor" } c => c.Arguments[0],
                BoundDefineReference d => d.Define.Body,
                BoundParameterReference p => p.Parameter.Value,
                _ => null,
            };
            if (next is null)
            {
                unit = e switch
                {
                    BoundQuantityLiteral q => q.Unit,
                    BoundConversion { Conversion.Kind: ConversionKind.IntegerToQuantity or ConversionKind.DecimalToQuantity } => "1",
                    BoundCall { Overload.Name: "ConvertQuantity", Arguments: [_, BoundLiteral { Value: string u }] } => u,
                    _ => null,
                };
                break;
            }
            e = next;
        }
        _staticUnits[start] = unit;
        return unit;
    }

    // ---------------------------------------------------------------- unary and binary operators

    private BoundExpression BindUnary(UnaryExpressionSyntax u, Scope scope)
    {
        var operand = BindExpression(u.Operand, scope);
        switch (u.Operator)
        {
            case UnaryOperator.Not:
                return Call(u, "Not", [operand]);
            case UnaryOperator.Exists:
                // `exists X` of a single value means it is present.
                if (operand.Type is not ListType && !operand.Type.IsAny) return Call(u, "Not", [Call(u, "IsNull", [operand])]);
                return Call(u, "Exists", [operand]);
            case UnaryOperator.Negate:
                return Call(u, "Negate", [operand]);
            case UnaryOperator.Plus:
                return operand;
            case UnaryOperator.Distinct:
                return Call(u, "Distinct", [operand]);
            case UnaryOperator.Flatten:
                return Call(u, "Flatten", [operand]);
            case UnaryOperator.Successor:
                return Call(u, "Successor", [operand]);
            case UnaryOperator.Predecessor:
                return Call(u, "Predecessor", [operand]);
            case UnaryOperator.Singleton:
                return Call(u, "SingletonFrom", [operand]);
            case UnaryOperator.Point:
                return Call(u, "PointFrom", [operand]);
            case UnaryOperator.Width:
                return Call(u, "Width", [operand]);
            case UnaryOperator.Start:
                return Call(u, "Start", [operand]);
            default:
                return Call(u, "End", [operand]);
        }
    }

    private BoundExpression BindBinary(BinaryExpressionSyntax b, Scope scope)
    {
        if (b.Left is not BinaryExpressionSyntax) return BindBinary(b, BindExpression(b.Left, scope), BindExpression(b.Right, scope));
        // A chain of infix operators is left-deep (`a or b or c` is (a or b) or c): bind it in a loop from its
        // innermost left operand outwards, so its length never becomes recursion depth.
        var chain = new List<BinaryExpressionSyntax>();
        ExpressionSyntax current = b;
        while (current is BinaryExpressionSyntax link)
        {
            chain.Add(link);
            current = link.Left;
        }
        var result = BindExpression(current, scope);
        for (int i = chain.Count - 1; i >= 0; i--) result = BindBinary(chain[i], result, BindExpression(chain[i].Right, scope));
        return result;
    }

    private BoundExpression BindBinary(BinaryExpressionSyntax b, BoundExpression left, BoundExpression right)
    {
        switch (b.Operator)
        {
            case BinaryOperator.And: return Call(b, "And", [left, right]);
            case BinaryOperator.Or: return Call(b, "Or", [left, right]);
            case BinaryOperator.Xor: return Call(b, "Xor", [left, right]);
            case BinaryOperator.Implies: return Call(b, "Implies", [left, right]);
            case BinaryOperator.Equal:
                CheckControlledValue(left, right);
                return Call(b, "Equal", [left, right]);
            case BinaryOperator.NotEqual:
                CheckControlledValue(left, right);
                return Call(b, "NotEqual", [left, right]);
            case BinaryOperator.Equivalent: return Call(b, "Equivalent", [left, right]);
            case BinaryOperator.NotEquivalent: return Call(b, "NotEquivalent", [left, right]);
            case BinaryOperator.Less: return Call(b, "Less", [left, right]);
            case BinaryOperator.LessOrEqual: return Call(b, "LessOrEqual", [left, right]);
            case BinaryOperator.Greater: return Call(b, "Greater", [left, right]);
            case BinaryOperator.GreaterOrEqual: return Call(b, "GreaterOrEqual", [left, right]);
            case BinaryOperator.Add:
                return left.Type == ProtocolType.String || right.Type == ProtocolType.String
                    ? Call(b, "Concatenate", [left, right])
                    : Call(b, "Add", [left, right]);
            case BinaryOperator.Subtract: return Call(b, "Subtract", [left, right]);
            case BinaryOperator.Multiply: return Call(b, "Multiply", [left, right]);
            case BinaryOperator.Divide: return Call(b, "Divide", [left, right]);
            case BinaryOperator.TruncatedDivide: return Call(b, "TruncatedDivide", [left, right]);
            case BinaryOperator.Modulo: return Call(b, "Modulo", [left, right]);
            case BinaryOperator.Power: return Power(b, left, right);
            case BinaryOperator.Concatenate: return Call(b, "ConcatenateOrEmpty", [left, right]);
            case BinaryOperator.Union: return Call(b, "Union", [left, right]);
            case BinaryOperator.Intersect: return Call(b, "Intersect", [left, right]);
            case BinaryOperator.Except: return Call(b, "Except", [left, right]);
            case BinaryOperator.In: return Membership(b, element: left, container: right, b.Precision, contains: false);
            default: return Membership(b, element: right, container: left, b.Precision, contains: true);
        }
    }

    /// <summary>An integer raised to a negative integer is a fraction: bind it as Decimal (Power(10, -8) is 0.00000001).</summary>
    private BoundExpression Power(SyntaxNode syntax, BoundExpression left, BoundExpression right)
    {
        if (left.Type == ProtocolType.Integer && right is BoundLiteral { Value: int exponent } && exponent < 0)
            return Call(syntax, "Power", [ConvertQuiet(left, ProtocolType.Decimal)!, ConvertQuiet(right, ProtocolType.Decimal)!]);
        return Call(syntax, "Power", [left, right]);
    }

    private BoundExpression Membership(SyntaxNode syntax, BoundExpression element, BoundExpression container, string? precision, bool contains)
    {
        if (container.Type == ProtocolType.CodeList) return Call(syntax, "InCodeList", [element, container]);
        if (container.Type is IntervalType)
        {
            var p = PrecisionArgument(syntax, precision);
            return contains ? Call(syntax, "Contains", [container, element, p]) : Call(syntax, "In", [element, container, p]);
        }
        // `null in {1, 2}` and friends: with an untyped container pick the list form.
        return contains ? Call(syntax, "Contains", [container, element]) : Call(syntax, "In", [element, container]);
    }

    private static BoundLiteral PrecisionArgument(SyntaxNode syntax, string? precision) => new(syntax, ProtocolType.String, precision);

    // Controlled terminology the binder knows by heart, to warn about comparisons that can never hold.
    private static readonly Dictionary<string, string[]> KnownCodeLists = new(StringComparer.Ordinal)
    {
        ["NY"] = ["Y", "N", "U", "NA"],
        ["SEX"] = ["M", "F", "U", "UNDIFFERENTIATED"],
    };

    private void CheckControlledValue(BoundExpression left, BoundExpression right)
    {
        void Check(BoundExpression variable, BoundExpression literal)
        {
            if (variable is BoundVariableAccess { Variable.CodeList: { } list } v && KnownCodeLists.TryGetValue(list, out var terms) &&
                literal is BoundLiteral { Value: string value } && !terms.Contains(value, StringComparer.Ordinal))
                Report(DiagnosticCatalog.ValueNotInCodeList(literal.Syntax.Span, value, v.Variable.Name, list));
        }
        Check(left, right);
        Check(right, left);
    }

    // ---------------------------------------------------------------- timing phrases

    private BoundExpression BindTiming(TimingExpressionSyntax tm, Scope scope)
    {
        var phrase = tm.Phrase;
        var left = BindExpression(tm.Left, scope);
        var right = BindExpression(tm.Right, scope);
        if (left is BoundError || right is BoundError) return new BoundError(tm);

        // Anchors pick a boundary of an interval operand: `starts`/`ends` on the left, `start`/`end` on the right.
        left = phrase.Anchor switch
        {
            "starts" when left.Type is IntervalType => Call(tm, "Start", [left]),
            "ends" when left.Type is IntervalType => Call(tm, "End", [left]),
            _ => left,
        };
        right = phrase.Target switch
        {
            "start" when right.Type is IntervalType => Call(tm, "Start", [right]),
            "end" when right.Type is IntervalType => Call(tm, "End", [right]),
            _ => right,
        };
        var precision = PrecisionArgument(tm, phrase.Precision);

        switch (phrase.Kind)
        {
            case TimingKind.Same:
            {
                var op = phrase.IsBefore switch { true => "SameOrBefore", false => "SameOrAfter", null => "SameAs" };
                return PointOrIntervalCall(tm, op, left, right, precision);
            }
            case TimingKind.Includes:
                if (left.Type is ListType && right.Type.IsAny) return Call(tm, phrase.Properly ? "ProperIncludes" : "Includes", [left, right]);
                if (right.Type is IntervalType || right.Type is ListType)
                    return Call(tm, phrase.Properly ? "ProperIncludes" : "Includes", left.Type is ListType || left.Type.IsAny && right.Type is ListType ? [left, right] : [left, right, precision]);
                return left.Type is ListType
                    ? Call(tm, phrase.Properly ? "ProperContains" : "Contains", [left, right])
                    : Call(tm, phrase.Properly ? "ProperContains" : "Contains", [left, right, precision]);
            case TimingKind.IncludedIn:
                // A null on the left is an element (null included in {...}), not a list.
                if (left.Type.IsAny && right.Type is ListType rl) return Call(tm, phrase.Properly ? "ProperIncludedIn" : "IncludedIn", [ConvertQuiet(left, rl.ElementType) ?? left, right]);
                if (left.Type is IntervalType || left.Type is ListType)
                    return Call(tm, phrase.Properly ? "ProperIncludedIn" : "IncludedIn", right.Type is ListType ? [left, right] : [left, right, precision]);
                return right.Type is ListType
                    ? Call(tm, phrase.Properly ? "ProperIn" : "In", [left, right])
                    : Call(tm, phrase.Properly ? "ProperIn" : "In", [left, right, precision]);
            case TimingKind.BeforeOrAfter:
                return BindBeforeOrAfter(tm, phrase, left, right, precision);
            case TimingKind.Within:
                return BindWithin(tm, phrase, left, right);
            case TimingKind.Meets:
                return PointOrIntervalCall(tm, phrase.IsBefore switch { true => "MeetsBefore", false => "MeetsAfter", null => "Meets" }, left, right, precision);
            case TimingKind.Overlaps:
                return PointOrIntervalCall(tm, phrase.IsBefore switch { true => "OverlapsBefore", false => "OverlapsAfter", null => "Overlaps" }, left, right, precision);
            case TimingKind.Starts:
                return Call(tm, "Starts", [left, right, precision]);
            default:
                return Call(tm, "Ends", [left, right, precision]);
        }
    }

    // Temporal points and intervals have precision-aware operators; other ordered points compare directly.
    private BoundExpression PointOrIntervalCall(SyntaxNode syntax, string op, BoundExpression left, BoundExpression right, BoundLiteral precision)
    {
        bool pointsOnly = left.Type is not IntervalType && right.Type is not IntervalType;
        if (pointsOnly && !IsTemporalType(left.Type) && !IsTemporalType(right.Type))
        {
            return op switch
            {
                "Before" => Call(syntax, "Less", [left, right]),
                "After" => Call(syntax, "Greater", [left, right]),
                "SameOrBefore" => Call(syntax, "LessOrEqual", [left, right]),
                "SameOrAfter" => Call(syntax, "GreaterOrEqual", [left, right]),
                "SameAs" => Call(syntax, "Equal", [left, right]),
                _ => Call(syntax, op, [left, right, precision]),
            };
        }
        return Call(syntax, op, [left, right, precision]);
    }

    private static bool IsTemporalType(ProtocolType t) => t.IsTemporal || t.IsAny;

    /// <summary>
    /// <c>A [offset] before|after B</c>. Interval operands are reduced to the boundary the phrase is about
    /// (before: the end of A against the start of B; after: the start of A against the end of B). With an
    /// offset Q: exactly Q before means A is at B - Q; "Q or more" means at or before B - Q; "Q or less"
    /// means within [B - Q, B); "less than Q" means within (B - Q, B); "more than Q" means before B - Q.
    /// </summary>
    private BoundExpression BindBeforeOrAfter(SyntaxNode syntax, TimingPhrase phrase, BoundExpression left, BoundExpression right, BoundLiteral precision)
    {
        bool before = phrase.IsBefore ?? true;
        if (phrase.Offset is null)
        {
            var op = phrase.OrOn ? (before ? "SameOrBefore" : "SameOrAfter") : (before ? "Before" : "After");
            return PointOrIntervalCall(syntax, op, left, right, precision);
        }

        var a = left.Type is IntervalType ? Call(syntax, before ? "End" : "Start", [left]) : left;
        var b = right.Type is IntervalType ? Call(syntax, before ? "Start" : "End", [right]) : right;
        var quantity = BindQuantity(phrase.Offset);
        var unitPrecision = new BoundLiteral(syntax, ProtocolType.String, phrase.Precision ?? SingularPrecision(phrase.Offset.Unit) switch
        {
            "year" or "month" or "week" or "day" or "hour" or "minute" or "second" or "millisecond" => SingularPrecision(phrase.Offset.Unit),
            _ => null,
        });
        var shifted = Call(syntax, before ? "Subtract" : "Add", [b, quantity]);
        switch (phrase.Qualifier)
        {
            case OffsetQualifier.OrMore:
                return PointOrIntervalCall(syntax, before ? "SameOrBefore" : "SameOrAfter", a, shifted, unitPrecision);
            case OffsetQualifier.MoreThan:
                return PointOrIntervalCall(syntax, before ? "Before" : "After", a, shifted, unitPrecision);
            case OffsetQualifier.OrLess:
            case OffsetQualifier.LessThan:
            {
                bool closedAtShift = phrase.Qualifier == OffsetQualifier.OrLess;
                bool closedAtB = phrase.OrOn;
                var pointType = Conversions.CommonType([shifted.Type, b.Type]);
                var interval = before
                    ? new BoundInterval(syntax, new IntervalType(pointType), ConvertQuiet(shifted, pointType) ?? shifted, closedAtShift, ConvertQuiet(b, pointType) ?? b, closedAtB)
                    : new BoundInterval(syntax, new IntervalType(pointType), ConvertQuiet(b, pointType) ?? b, closedAtB, ConvertQuiet(shifted, pointType) ?? shifted, closedAtShift);
                return Call(syntax, "In", [a, interval, unitPrecision]);
            }
            default:
                return PointOrIntervalCall(syntax, "SameAs", a, shifted, unitPrecision);
        }
    }

    /// <summary><c>A within Q of B</c>: A lies in [B - Q, B + Q] (open with <c>properly</c>); for an interval B, around its start and end.</summary>
    private BoundExpression BindWithin(SyntaxNode syntax, TimingPhrase phrase, BoundExpression left, BoundExpression right)
    {
        if (phrase.Offset is null) return new BoundError(syntax);
        var quantity = BindQuantity(phrase.Offset);
        var a = left.Type is IntervalType ? Call(syntax, "Start", [left]) : left;
        var low = right.Type is IntervalType ? Call(syntax, "Start", [right]) : right;
        var high = right.Type is IntervalType ? Call(syntax, "End", [right]) : right;
        var lowBound = Call(syntax, "Subtract", [low, quantity]);
        var highBound = Call(syntax, "Add", [high, quantity]);
        var pointType = Conversions.CommonType([lowBound.Type, highBound.Type]);
        var interval = new BoundInterval(syntax, new IntervalType(pointType), ConvertQuiet(lowBound, pointType) ?? lowBound, !phrase.Properly,
            ConvertQuiet(highBound, pointType) ?? highBound, !phrase.Properly);
        return Call(syntax, "In", [a, interval, PrecisionArgument(syntax, null)]);
    }
}
