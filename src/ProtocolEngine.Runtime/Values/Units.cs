using System.Collections.Concurrent;
using Fhir.Metrics;

namespace ProtocolEngine.Runtime.Values;

/// <summary>
/// Unit handling for quantities: calendar durations (CQL's <c>years</c>, <c>days</c>, ...) and UCUM units,
/// converted through Fhir.Metrics. Calendar weeks, days, hours, minutes, seconds and milliseconds equal their
/// UCUM counterparts; calendar years and months do not equal UCUM 'a' and 'mo' (which are averages) but are
/// equivalent to them, as CQL 1.5 specifies.
/// </summary>
public static class Units
{
    private const string UcumSystem = "http://unitsofmeasure.org";
    private static readonly ConcurrentDictionary<(string From, string To), decimal?> FactorCache = new();

    private static readonly Dictionary<string, string> CalendarWords = new(StringComparer.Ordinal)
    {
        ["year"] = "year", ["years"] = "year", ["month"] = "month", ["months"] = "month", ["week"] = "week", ["weeks"] = "week",
        ["day"] = "day", ["days"] = "day", ["hour"] = "hour", ["hours"] = "hour", ["minute"] = "minute", ["minutes"] = "minute",
        ["second"] = "second", ["seconds"] = "second", ["millisecond"] = "millisecond", ["milliseconds"] = "millisecond",
    };

    /// <summary>The UCUM code of each calendar unit.</summary>
    private static readonly Dictionary<string, string> CalendarToUcum = new(StringComparer.Ordinal)
    {
        ["year"] = "a", ["month"] = "mo", ["week"] = "wk", ["day"] = "d", ["hour"] = "h", ["minute"] = "min", ["second"] = "s", ["millisecond"] = "ms",
    };

    /// <summary>A unit in canonical spelling: calendar words singular, '1' for none.</summary>
    public static string Normalize(string? unit)
    {
        if (string.IsNullOrEmpty(unit)) return "1";
        return CalendarWords.TryGetValue(unit, out var word) ? word : unit;
    }

    /// <summary>True for a calendar duration word.</summary>
    public static bool IsCalendar(string unit) => CalendarToUcum.ContainsKey(unit);

    /// <summary>True for the calendar units of variable length (year, month).</summary>
    public static bool IsVariableCalendar(string unit) => unit is "year" or "month";

    /// <summary>The date-time precision a time unit stands for (days, 'd' -> Day), or null.</summary>
    public static DateTimePrecision? PrecisionOf(string unit) => Normalize(unit) switch
    {
        "year" or "a" => DateTimePrecision.Year,
        "month" or "mo" => DateTimePrecision.Month,
        "week" or "wk" => DateTimePrecision.Day,
        "day" or "d" => DateTimePrecision.Day,
        "hour" or "h" => DateTimePrecision.Hour,
        "minute" or "min" => DateTimePrecision.Minute,
        "second" or "s" => DateTimePrecision.Second,
        "millisecond" or "ms" => DateTimePrecision.Millisecond,
        _ => null,
    };

    /// <summary>The UCUM code for a unit (calendar words become their definite UCUM counterparts).</summary>
    public static string ToUcum(string unit) => CalendarToUcum.TryGetValue(unit, out var ucum) ? ucum : unit;

    /// <summary>
    /// The factor that converts a value in <paramref name="from"/> into <paramref name="to"/>, or null when the
    /// units measure different things (or are unknown).
    /// </summary>
    public static decimal? Factor(string from, string to)
    {
        from = Normalize(from);
        to = Normalize(to);
        if (from == to) return 1m;
        // Calendar years and months convert among themselves exactly.
        if (from == "year" && to == "month") return 12m;
        if (from == "month" && to == "year") return 1m / 12m;
        return FactorCache.GetOrAdd((from, to), static key => Compute(ToUcum(key.From), ToUcum(key.To)));
    }

    private static decimal? Compute(string from, string to)
    {
        if (from == to) return 1m;
        try
        {
            if (FhirMetricService.Instance.Value.TryConvertTo((1m, from, UcumSystem), to, out var result) && result is { } r)
                return r.Item1;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Fhir.Metrics throws on some malformed unit strings instead of answering false.
        }
        return null;
    }

    /// <summary>Converts a quantity to another unit, or null when the units are incompatible.</summary>
    public static CqlQuantity? Convert(CqlQuantity quantity, string unit)
    {
        var factor = Factor(quantity.Unit, unit);
        return factor is null ? null : new CqlQuantity(quantity.Value * factor.Value, unit);
    }

    /// <summary>True when the unit is known (calendar, dimensionless or parseable UCUM).</summary>
    public static bool IsKnown(string unit)
    {
        unit = Normalize(unit);
        return IsCalendar(unit) || unit == "1" || Dimensionable(unit);
    }

    private static bool Dimensionable(string unit)
    {
        try
        {
            return FhirMetricService.Instance.Value.TryCanonicalize((1m, unit, UcumSystem), out _);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>The unit of a product (<c>cm</c> x <c>cm</c> = <c>cm2</c>).</summary>
    public static string Multiply(string a, string b)
    {
        a = Normalize(a);
        b = Normalize(b);
        if (a == "1") return b;
        if (b == "1") return a;
        if (a == b && !a.Contains('.') && !a.Contains('/')) return a + "2";
        return $"{a}.{b}";
    }

    /// <summary>The unit of a quotient (<c>g</c> / <c>g</c> = <c>1</c>).</summary>
    public static string Divide(string a, string b)
    {
        a = Normalize(a);
        b = Normalize(b);
        if (b == "1") return a;
        if (a == b) return "1";
        if (a == "1") return "/" + b;
        return $"{a}/{b}";
    }
}
