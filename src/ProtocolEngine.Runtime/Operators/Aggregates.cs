using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>Aggregate functions of CQL 1.5: nulls are ignored; an empty (or all-null) list gives null, except Count, AllTrue and AnyTrue.</summary>
internal static class Aggregates
{
    private static List<object> Values(IReadOnlyList<object?>? list) => list is null ? [] : list.Where(x => x is not null).Cast<object>().ToList();

    /// <summary>True when no element is false.</summary>
    public static bool? AllTrue(IReadOnlyList<object?>? list) => Values(list).All(x => x is true);

    /// <summary>True when an element is true.</summary>
    public static bool? AnyTrue(IReadOnlyList<object?>? list) => Values(list).Any(x => x is true);

    /// <summary>Sum of integers.</summary>
    public static int? SumInteger(IReadOnlyList<object?>? list) => Values(list) is { Count: > 0 } v ? v.Aggregate<object, int?>(0, (a, x) => Arithmetic.Add(a, (int)x)) : null;
    /// <summary>Sum of longs.</summary>
    public static long? SumLong(IReadOnlyList<object?>? list) => Values(list) is { Count: > 0 } v ? v.Aggregate<object, long?>(0L, (a, x) => Arithmetic.Add(a, (long)x)) : null;
    /// <summary>Sum of decimals.</summary>
    public static decimal? SumDecimal(IReadOnlyList<object?>? list) => Values(list) is { Count: > 0 } v ? v.Aggregate<object, decimal?>(0m, (a, x) => Arithmetic.Add(a, (decimal)x)) : null;
    /// <summary>Sum of quantities (in the first's unit).</summary>
    public static CqlQuantity? SumQuantity(IReadOnlyList<object?>? list) => Values(list) is { Count: > 0 } v ? v.Cast<CqlQuantity>().Aggregate((a, x) => Arithmetic.Add(a, x)!) : null;

    /// <summary>Product of integers.</summary>
    public static int? ProductInteger(IReadOnlyList<object?>? list) => Values(list) is { Count: > 0 } v ? v.Aggregate<object, int?>(1, (a, x) => Arithmetic.Multiply(a, (int)x)) : null;
    /// <summary>Product of longs.</summary>
    public static long? ProductLong(IReadOnlyList<object?>? list) => Values(list) is { Count: > 0 } v ? v.Aggregate<object, long?>(1L, (a, x) => Arithmetic.Multiply(a, (long)x)) : null;
    /// <summary>Product of decimals.</summary>
    public static decimal? ProductDecimal(IReadOnlyList<object?>? list) => Values(list) is { Count: > 0 } v ? v.Aggregate<object, decimal?>(1m, (a, x) => Arithmetic.Multiply(a, (decimal)x)) : null;
    /// <summary>Product of quantities.</summary>
    public static CqlQuantity? ProductQuantity(IReadOnlyList<object?>? list) => Values(list) is { Count: > 0 } v ? v.Cast<CqlQuantity>().Aggregate((a, x) => Arithmetic.Multiply(a, x)!) : null;

    /// <summary>Mean of decimals.</summary>
    public static decimal? AvgDecimal(IReadOnlyList<object?>? list) => Values(list) is { Count: > 0 } v ? Arithmetic.Eight(v.Sum(x => (decimal)x) / v.Count) : null;
    /// <summary>Mean of quantities.</summary>
    public static CqlQuantity? AvgQuantity(IReadOnlyList<object?>? list) =>
        SumQuantity(list) is { } sum ? new CqlQuantity(sum.Value / Values(list).Count, sum.Unit) : null;

    /// <summary>Median of decimals.</summary>
    public static decimal? MedianDecimal(IReadOnlyList<object?>? list)
    {
        var v = Values(list).Select(x => (decimal)x).Order().ToList();
        if (v.Count == 0) return null;
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    /// <summary>Median of quantities.</summary>
    public static CqlQuantity? MedianQuantity(IReadOnlyList<object?>? list)
    {
        var q = Values(list).Cast<CqlQuantity>().ToList();
        if (q.Count == 0) return null;
        var unit = q[0].Unit;
        var m = MedianDecimal(q.Select(x => (object?)(Units.Convert(x, unit)?.Value ?? x.Value)).ToList());
        return m is null ? null : new CqlQuantity(m.Value, unit);
    }

    private static decimal? Variance(List<decimal> v, bool population)
    {
        if (v.Count == 0 || !population && v.Count < 2) return null;
        var mean = v.Sum() / v.Count;
        var ss = v.Sum(x => (x - mean) * (x - mean));
        return Arithmetic.Eight(ss / (population ? v.Count : v.Count - 1));
    }

    private static decimal Sqrt(decimal d) => Arithmetic.Eight((decimal)Math.Sqrt((double)d));

    private static List<decimal> Decimals(IReadOnlyList<object?>? list) => Values(list).Select(x => x is CqlQuantity q ? q.Value : (decimal)x).ToList();

    private static string? UnitOf(IReadOnlyList<object?>? list) => Values(list).OfType<CqlQuantity>().FirstOrDefault()?.Unit;

    /// <summary>Sample variance.</summary>
    public static decimal? VarianceDecimal(IReadOnlyList<object?>? list) => Variance(Decimals(list), false);
    /// <summary>Population variance.</summary>
    public static decimal? PopulationVarianceDecimal(IReadOnlyList<object?>? list) => Variance(Decimals(list), true);
    /// <summary>Sample standard deviation.</summary>
    public static decimal? StdDevDecimal(IReadOnlyList<object?>? list) => Variance(Decimals(list), false) is { } v ? Sqrt(v) : null;
    /// <summary>Population standard deviation.</summary>
    public static decimal? PopulationStdDevDecimal(IReadOnlyList<object?>? list) => Variance(Decimals(list), true) is { } v ? Sqrt(v) : null;
    /// <summary>Sample variance of quantities.</summary>
    public static CqlQuantity? VarianceQuantity(IReadOnlyList<object?>? list) => VarianceDecimal(list) is { } v ? new CqlQuantity(v, UnitOf(list)) : null;
    /// <summary>Population variance of quantities.</summary>
    public static CqlQuantity? PopulationVarianceQuantity(IReadOnlyList<object?>? list) => PopulationVarianceDecimal(list) is { } v ? new CqlQuantity(v, UnitOf(list)) : null;
    /// <summary>Sample standard deviation of quantities.</summary>
    public static CqlQuantity? StdDevQuantity(IReadOnlyList<object?>? list) => StdDevDecimal(list) is { } v ? new CqlQuantity(v, UnitOf(list)) : null;
    /// <summary>Population standard deviation of quantities.</summary>
    public static CqlQuantity? PopulationStdDevQuantity(IReadOnlyList<object?>? list) => PopulationStdDevDecimal(list) is { } v ? new CqlQuantity(v, UnitOf(list)) : null;

    /// <summary>Geometric mean.</summary>
    public static decimal? GeometricMean(IReadOnlyList<object?>? list)
    {
        var v = Decimals(list);
        if (v.Count == 0) return null;
        var logSum = v.Sum(x => Math.Log((double)x));
        return Arithmetic.Eight((decimal)Math.Exp(logSum / v.Count));
    }

    /// <summary>The least element (null for an empty list; uncomparable elements keep the earlier).</summary>
    public static object? Min(IReadOnlyList<object?>? list)
    {
        object? best = null;
        foreach (var x in Values(list))
            if (best is null || Cql.Compare(x, best) is < 0) best = x;
        return best;
    }

    /// <summary>The greatest element.</summary>
    public static object? Max(IReadOnlyList<object?>? list)
    {
        object? best = null;
        foreach (var x in Values(list))
            if (best is null || Cql.Compare(x, best) is > 0) best = x;
        return best;
    }

    /// <summary>The most frequent element (the first of the most frequent on ties).</summary>
    public static object? Mode(IReadOnlyList<object?>? list)
    {
        var v = Values(list);
        object? best = null;
        int bestCount = 0;
        foreach (var x in v)
        {
            int count = v.Count(y => Cql.Equal(x, y) == true);
            if (count > bestCount)
            {
                best = x;
                bestCount = count;
            }
        }
        return best;
    }
}
