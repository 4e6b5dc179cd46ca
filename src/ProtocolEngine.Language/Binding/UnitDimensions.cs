using System.Collections.Concurrent;
using Fhir.Metrics;

namespace ProtocolEngine.Language.Binding;

/// <summary>
/// What a unit measures, so the binder can reject mixing a mass with a length. UCUM units are reduced to
/// their canonical base units with Fhir.Metrics; calendar durations (days, years) measure time.
/// </summary>
internal static class UnitDimensions
{
    private const string UcumSystem = "http://unitsofmeasure.org";
    private static readonly ConcurrentDictionary<string, string?> Cache = new(StringComparer.Ordinal);

    private static readonly HashSet<string> CalendarUnits = new(StringComparer.Ordinal)
    {
        "year", "years", "month", "months", "week", "weeks", "day", "days",
        "hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds",
    };

    /// <summary>True for the calendar duration keywords CQL accepts as units.</summary>
    public static bool IsCalendarUnit(string unit) => CalendarUnits.Contains(unit);

    /// <summary>The canonical dimension of a unit ("" for dimensionless), or null when the unit is unknown.</summary>
    public static string? Dimension(string unit)
    {
        if (IsCalendarUnit(unit)) return "s";
        if (unit is "1" or "" or "%") return "";
        return Cache.GetOrAdd(unit, static u =>
        {
            try
            {
                if (!FhirMetricService.Instance.Value.TryCanonicalize((1m, u, UcumSystem), out var canonical) || canonical is null)
                    return null;
                var text = canonical.Value.Item2;
                return text is "1" ? "" : text;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Fhir.Metrics throws on some malformed unit strings instead of answering false.
                return null;
            }
        });
    }

    /// <summary>A plain-language name for a canonical dimension.</summary>
    public static string Describe(string dimension) => dimension switch
    {
        "" => "a plain number (no dimension)",
        "g" => "mass",
        "m" => "length",
        "s" => "time",
        "m2" => "area",
        "m3" => "volume",
        "g.m-3" => "mass concentration",
        "m-3" => "amount or count per volume",
        "K" => "temperature",
        "g.m-1.s-2" => "pressure",
        "s-1" or "1.s-1" => "rate (per time)",
        "m-3.s-1" => "catalytic activity per volume",
        "g.m-2" => "mass per area",
        _ => $"[{dimension}]",
    };
}
