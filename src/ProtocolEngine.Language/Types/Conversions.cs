namespace ProtocolEngine.Language.Types;

/// <summary>The implicit conversions of CQL 1.5 (section 2.8) that the binder inserts, cheapest first.</summary>
public enum ConversionKind
{
    /// <summary>No conversion.</summary>
    Identity,
    /// <summary>Seen as a more general type (to Any or to a choice): no change to the value.</summary>
    Widen,
    /// <summary>A value typed Any (or a choice) narrowed to a specific type: null when it is not of that type.</summary>
    Narrow,
    /// <summary>Integer to Long.</summary>
    IntegerToLong,
    /// <summary>Integer to Decimal.</summary>
    IntegerToDecimal,
    /// <summary>Long to Decimal.</summary>
    LongToDecimal,
    /// <summary>Integer to Quantity with unit '1'.</summary>
    IntegerToQuantity,
    /// <summary>Decimal to Quantity with unit '1'.</summary>
    DecimalToQuantity,
    /// <summary>Date to DateTime of the same precision.</summary>
    DateToDateTime,
    /// <summary>Code to a Concept holding that code.</summary>
    CodeToConcept,
    /// <summary>Each element of a list converted.</summary>
    ListElements,
    /// <summary>Both bounds of an interval converted.</summary>
    IntervalPoints,
}

/// <summary>An implicit conversion from one type to another, and what it costs in overload resolution.</summary>
/// <param name="Kind">What the conversion does.</param>
/// <param name="From">The source type.</param>
/// <param name="To">The target type.</param>
/// <param name="Cost">Lower is preferred; identity costs 0.</param>
/// <param name="Element">For list and interval conversions, the conversion of each element or bound.</param>
public sealed record Conversion(ConversionKind Kind, ProtocolType From, ProtocolType To, int Cost, Conversion? Element = null)
{
    /// <summary>True when the value does not change (identity or widening).</summary>
    public bool IsNoOp => Kind is ConversionKind.Identity or ConversionKind.Widen ||
                          (Kind is ConversionKind.ListElements or ConversionKind.IntervalPoints && Element!.IsNoOp);
}

/// <summary>Finds implicit conversions and common types.</summary>
internal static class Conversions
{
    /// <summary>The implicit conversion from <paramref name="from"/> to <paramref name="to"/>, or null when there is none.</summary>
    public static Conversion? Find(ProtocolType from, ProtocolType to)
    {
        if (from.Equals(to)) return new Conversion(ConversionKind.Identity, from, to, 0);
        if (to.IsAny) return new Conversion(ConversionKind.Widen, from, to, 6);
        if (from.IsAny) return new Conversion(ConversionKind.Narrow, from, to, 1);
        if (to is ChoiceType choice && choice.Options.Any(o => Find(from, o) is { Kind: ConversionKind.Identity }))
            return new Conversion(ConversionKind.Widen, from, to, 2);
        if (from is ChoiceType fromChoice && fromChoice.Options.Any(o => o.Equals(to)))
            return new Conversion(ConversionKind.Narrow, from, to, 5);

        if (from == ProtocolType.Integer)
        {
            if (to == ProtocolType.Long) return new Conversion(ConversionKind.IntegerToLong, from, to, 2);
            if (to == ProtocolType.Decimal) return new Conversion(ConversionKind.IntegerToDecimal, from, to, 3);
            if (to == ProtocolType.Quantity) return new Conversion(ConversionKind.IntegerToQuantity, from, to, 5);
        }
        if (from == ProtocolType.Long && to == ProtocolType.Decimal) return new Conversion(ConversionKind.LongToDecimal, from, to, 2);
        if (from == ProtocolType.Decimal && to == ProtocolType.Quantity) return new Conversion(ConversionKind.DecimalToQuantity, from, to, 4);
        if (from == ProtocolType.Date && to == ProtocolType.DateTime) return new Conversion(ConversionKind.DateToDateTime, from, to, 3);
        if (from == ProtocolType.Code && to == ProtocolType.Concept) return new Conversion(ConversionKind.CodeToConcept, from, to, 3);

        if (from is ListType fl && to is ListType tl && Find(fl.ElementType, tl.ElementType) is { } element)
            return new Conversion(ConversionKind.ListElements, from, to, element.Cost, element);
        // Interval[null, null] (points typed Any) takes any point type; other narrowing of points is not implicit.
        if (from is IntervalType fi && to is IntervalType ti && Find(fi.PointType, ti.PointType) is { } point && (point.Kind != ConversionKind.Narrow || fi.PointType.IsAny))
            return new Conversion(ConversionKind.IntervalPoints, from, to, point.Cost, point);
        // Tuples convert element by element (a null element typed Any takes the other side's type).
        if (from is TupleType ft && to is TupleType tt && ft.Elements.Length == tt.Elements.Length)
        {
            int cost = 0;
            foreach (var e in ft.Elements)
            {
                if (tt.Find(e.Name) is not { } target || Find(e.Type, target.Type) is not { } c || c.Kind == ConversionKind.Narrow && !e.Type.IsAny) return null;
                cost += c.Cost;
            }
            return new Conversion(ConversionKind.Widen, from, to, cost + 1);
        }
        return null;
    }

    /// <summary>
    /// The type every one of <paramref name="types"/> converts to at the least cost (Any when nothing better),
    /// ignoring Any operands (nulls) unless all are Any.
    /// </summary>
    public static ProtocolType CommonType(IEnumerable<ProtocolType> types)
    {
        var distinct = types.Where(t => !t.IsAny).Distinct().ToList();
        if (distinct.Count == 0) return ProtocolType.Any;
        if (distinct.Count == 1) return distinct[0];
        ProtocolType? best = null;
        int bestCost = int.MaxValue;
        foreach (var candidate in distinct)
        {
            int cost = 0;
            foreach (var t in distinct)
            {
                var c = Find(t, candidate);
                if (c is null || c.Kind == ConversionKind.Narrow || c.Kind == ConversionKind.Widen && !c.To.Equals(t)) { cost = int.MaxValue; break; }
                cost += c.Cost;
            }
            if (cost < bestCost)
            {
                best = candidate;
                bestCost = cost;
            }
        }
        if (best is not null) return best;
        // Lists of lists, intervals of mixed points: try the element level.
        if (distinct.All(t => t is ListType))
            return new ListType(CommonType(distinct.Cast<ListType>().Select(l => l.ElementType)));
        if (distinct.All(t => t is TupleType) && distinct.Cast<TupleType>().Select(t => string.Join(",", t.Elements.Select(e => e.Name).Order(StringComparer.Ordinal))).Distinct().Count() == 1)
        {
            var first = (TupleType)distinct[0];
            return new TupleType([.. first.Elements.Select(e => new TupleElement(e.Name, CommonType(distinct.Cast<TupleType>().Select(t => t.Find(e.Name)!.Type))))]);
        }
        if (distinct.All(t => t is IntervalType))
        {
            var point = CommonType(distinct.Cast<IntervalType>().Select(i => i.PointType));
            if (!point.IsAny) return new IntervalType(point);
        }
        return new ChoiceType([.. distinct]);
    }
}
