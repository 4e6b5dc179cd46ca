using System.Collections;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>
/// The type-general semantics every operator builds on: CQL equality (three-valued), equivalence (never
/// null) and ordering (null when uncertain or incomparable), over any runtime value.
/// </summary>
internal static class Cql
{
    // ---------------------------------------------------------------- equality

    /// <summary>CQL <c>=</c>: null when either side is null or the answer is uncertain.</summary>
    public static bool? Equal(object? a, object? b)
    {
        if (a is null || b is null) return null;
        switch (a)
        {
            case bool x when b is bool y: return x == y;
            case string x when b is string y: return string.Equals(x, y, StringComparison.Ordinal);
            case int or long or decimal when IsNumber(b): return ToDecimal(a) == ToDecimal(b);
            case CqlDateTime or CqlDate or CqlTime: return TemporalEqual(a, b);
            case CqlQuantity x when b is CqlQuantity y: return QuantityEqual(x, y);
            case CqlRatio x when b is CqlRatio y: return And(QuantityEqual(x.Numerator, y.Numerator), QuantityEqual(x.Denominator, y.Denominator));
            case CqlCode x when b is CqlCode y: return x.Code == y.Code && x.System == y.System && x.Version == y.Version;
            case CqlConcept x when b is CqlConcept y: return SequenceEqual(x.Codes, y.Codes);
            case CqlInterval x when b is CqlInterval y: return IntervalEqual(x, y);
            case CqlTuple x when b is CqlTuple y: return TupleEqual(x, y);
            case IReadOnlyList<object?> x when b is IReadOnlyList<object?> y: return ListEqual(x, y);
            case DomainRecord x when b is DomainRecord y: return x.Equals(y);
            default: return a.Equals(b);
        }
    }

    private static bool? TemporalEqual(object a, object b) => (a, b) switch
    {
        (CqlDate x, CqlDateTime y) => Temporal.Equal(x.ToDateTime(), y),
        (CqlDateTime x, CqlDate y) => Temporal.Equal(x, y.ToDateTime()),
        (ICqlTemporal x, ICqlTemporal y) when x.GetType() == y.GetType() => Temporal.Equal(x, y),
        _ => false,
    };

    private static bool? And(bool? a, bool? b) => a == false || b == false ? false : a is null || b is null ? null : true;

    private static bool? SequenceEqual<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
            if (Equal(a[i], b[i]) != true) return false;
        return true;
    }

    private static bool? ListEqual(IReadOnlyList<object?> a, IReadOnlyList<object?> b)
    {
        if (a.Count != b.Count) return false;
        bool? result = true;
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] is null && b[i] is null) continue;
            var e = Equal(a[i], b[i]);
            if (e == false) return false;
            if (e is null) result = null;
        }
        return result;
    }

    private static bool? TupleEqual(CqlTuple a, CqlTuple b)
    {
        if (a.Names.Count != b.Names.Count || a.Names.Any(n => !b.Has(n))) return false;
        // Element by element in order: both null counts as equal; the first element that is unknown or different decides.
        foreach (var name in a.Names)
        {
            var x = a.Get(name);
            var y = b.Get(name);
            if (x is null && y is null) continue;
            var e = Equal(x, y);
            if (e != true) return e;
        }
        return true;
    }

    private static bool? IntervalEqual(CqlInterval a, CqlInterval b)
    {
        if (a.LowClosed == b.LowClosed && a.HighClosed == b.HighClosed)
            return And(BoundEqual(a.Low, b.Low), BoundEqual(a.High, b.High));
        // Intervals of integers may be written with different closedness: [1, 5] = [1, 6).
        return And(Equal(Intervals.ClosedLow(a), Intervals.ClosedLow(b)), Equal(Intervals.ClosedHigh(a), Intervals.ClosedHigh(b)));
    }

    private static bool? BoundEqual(object? a, object? b) => a is null && b is null ? true : Equal(a, b);

    /// <summary>Quantity equality: units converted; calendar years and months never equal UCUM 'a' and 'mo' (null).</summary>
    public static bool? QuantityEqual(CqlQuantity? a, CqlQuantity? b)
    {
        if (a is null || b is null) return null;
        if (a.Unit == b.Unit) return a.Value == b.Value;
        if (MixesCalendarAndDefinite(a.Unit, b.Unit)) return null;
        var factor = Units.Factor(b.Unit, a.Unit);
        if (factor is null) return null;
        return a.Value == Round(b.Value * factor.Value);
    }

    private static bool MixesCalendarAndDefinite(string a, string b) =>
        Units.IsVariableCalendar(a) && !Units.IsCalendar(b) || Units.IsVariableCalendar(b) && !Units.IsCalendar(a);

    private static decimal Round(decimal d) => decimal.Round(d, 8);

    // ---------------------------------------------------------------- equivalence

    /// <summary>CQL <c>~</c>: like equality but never null: null ~ null is true, strings ignore case and spacing.</summary>
    public static bool Equivalent(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        switch (a)
        {
            case bool x when b is bool y: return x == y;
            case string x when b is string y: return NormalizeForEquivalence(x) == NormalizeForEquivalence(y);
            case decimal or int or long when IsNumber(b): return DecimalEquivalent(ToDecimal(a), ToDecimal(b));
            case CqlDate x when b is CqlDateTime y: return Temporal.Equivalent(x.ToDateTime(), y);
            case CqlDateTime x when b is CqlDate y: return Temporal.Equivalent(x, y.ToDateTime());
            case ICqlTemporal x when b is ICqlTemporal y && a.GetType() == b.GetType(): return Temporal.Equivalent(x, y);
            case CqlQuantity x when b is CqlQuantity y: return QuantityEquivalent(x, y);
            case CqlRatio x when b is CqlRatio y: return QuantityEquivalent(x.Numerator, y.Numerator) && QuantityEquivalent(x.Denominator, y.Denominator);
            case CqlCode x when b is CqlCode y: return x.Code == y.Code && x.System == y.System;
            case CqlConcept x when b is CqlConcept y: return x.Codes.Any(c => y.Codes.Any(d => Equivalent(c, d)));
            case CqlCode x when b is CqlConcept y: return y.Codes.Any(c => Equivalent(x, c));
            case CqlConcept x when b is CqlCode y: return x.Codes.Any(c => Equivalent(c, y));
            case CqlInterval x when b is CqlInterval y:
                return x.LowClosed == y.LowClosed && x.HighClosed == y.HighClosed && Equivalent(x.Low, y.Low) && Equivalent(x.High, y.High)
                       || Equivalent(Intervals.ClosedLow(x), Intervals.ClosedLow(y)) && Equivalent(Intervals.ClosedHigh(x), Intervals.ClosedHigh(y));
            case CqlTuple x when b is CqlTuple y:
                return x.Names.Count == y.Names.Count && x.Names.All(n => y.Has(n) && Equivalent(x.Get(n), y.Get(n)));
            case IReadOnlyList<object?> x when b is IReadOnlyList<object?> y:
                if (x.Count != y.Count) return false;
                for (int i = 0; i < x.Count; i++)
                    if (!Equivalent(x[i], y[i])) return false;
                return true;
            default:
                return a.Equals(b);
        }
    }

    private static string NormalizeForEquivalence(string s) =>
        string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    // Decimals are equivalent when equal at the precision of the less precise one.
    private static bool DecimalEquivalent(decimal a, decimal b)
    {
        int scale = Math.Min(a.Scale, b.Scale);
        return decimal.Round(a, scale, MidpointRounding.AwayFromZero) == decimal.Round(b, scale, MidpointRounding.AwayFromZero);
    }

    /// <summary>Quantity equivalence: equal, or equal under calendar approximations (a year is 12 months or 365 days, a month 30 days).</summary>
    public static bool QuantityEquivalent(CqlQuantity a, CqlQuantity b)
    {
        if (QuantityEqual(a, b) == true) return true;
        static string Calendar(string u) => u switch { "a" => "year", "mo" => "month", _ => u };
        var ua = Calendar(a.Unit);
        var ub = Calendar(b.Unit);
        bool approximate = Units.IsVariableCalendar(ua) != Units.IsVariableCalendar(ub);
        if (!approximate && Units.Factor(ub, ua) is { } f) return a.Value == Round(b.Value * f);
        static decimal? Days(CqlQuantity q, string unit) => unit switch
        {
            "year" => q.Value * 365m,
            "month" => q.Value * 30m,
            _ => Units.Factor(unit, "d") is { } d ? q.Value * d : null,
        };
        var da = Days(a, ua);
        var db = Days(b, ub);
        return da is not null && db is not null && da == db;
    }

    // ---------------------------------------------------------------- ordering

    /// <summary>The sign of a - b for ordered values; null when either is null, the order is uncertain or the values are not comparable.</summary>
    public static int? Compare(object? a, object? b, DateTimePrecision? precision = null)
    {
        if (a is null || b is null) return null;
        switch (a)
        {
            case int x when b is int y: return x.CompareTo(y);
            case long or int or decimal when IsNumber(b): return Math.Sign(ToDecimal(a).CompareTo(ToDecimal(b)));
            case string x when b is string y: return Math.Sign(string.CompareOrdinal(x, y));
            case CqlDateTime x when b is CqlDateTime y: return Temporal.Compare(x, y, precision);
            case CqlDate x when b is CqlDate y: return Temporal.Compare(x, y, precision);
            case CqlDate x when b is CqlDateTime y: return Temporal.Compare(x.ToDateTime(), y, precision);
            case CqlDateTime x when b is CqlDate y: return Temporal.Compare(x, y.ToDateTime(), precision);
            case CqlTime x when b is CqlTime y: return Temporal.Compare(x, y, precision);
            case CqlQuantity x when b is CqlQuantity y:
            {
                if (x.Unit == y.Unit) return Math.Sign(x.Value.CompareTo(y.Value));
                if (MixesCalendarAndDefinite(x.Unit, y.Unit)) return null;
                var f = Units.Factor(y.Unit, x.Unit);
                return f is null ? null : Math.Sign(x.Value.CompareTo(Round(y.Value * f.Value)));
            }
            case bool x when b is bool y: return x.CompareTo(y);
            default: return null;
        }
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>True for Integer, Long and Decimal runtime values.</summary>
    public static bool IsNumber(object? value) => value is int or long or decimal;

    /// <summary>A numeric value as decimal.</summary>
    public static decimal ToDecimal(object value) => value switch
    {
        int i => i,
        long l => l,
        decimal d => d,
        _ => throw new CqlRuntimeException($"{CqlFormatter.Format(value)} is not a number."),
    };

    /// <summary>True when a runtime value is a list (CQL List), as opposed to a string or other sequence.</summary>
    public static bool IsList(object? value) => value is IReadOnlyList<object?> && value is not string;

    /// <summary>The elements of a list value (empty for null).</summary>
    public static IReadOnlyList<object?> Elements(object? value) => value as IReadOnlyList<object?> ?? (value is IEnumerable e && value is not string ? e.Cast<object?>().ToList() : []);
}
