namespace ProtocolEngine.Benchmarks.Screening;

/// <summary>
/// Three-valued logic (named Both, Either, AtLeast...: and, or, ge, eq are Dynamic LINQ keywords) and partial-date comparison as CQL defines them, for the hand-written C# and the RulesEngine
/// versions of the eight rules (RulesEngine reaches it as a custom type). Outcome codes: 1 met, 2 not met, 3 unknown.
/// </summary>
public static class Tri
{
    public static bool? Both(bool? a, bool? b) => a == false || b == false ? false : a == true && b == true ? true : null;

    public static bool? Either(bool? a, bool? b) => a == true || b == true ? true : a == false && b == false ? false : null;

    public static bool? Negate(bool? a) => a is bool v ? !v : null;

    public static bool? Matches(string? a, string b) => a is null ? null : a == b;

    /// <summary>CQL exists over a subject's records under the screening rule: true on a match; null when none matched but one could not be checked, or there were no records.</summary>
    public static bool? Exists(IEnumerable<bool?> conditions)
    {
        bool any = false, uncertain = false;
        foreach (var c in conditions)
        {
            any = true;
            if (c == true) return true;
            if (c is null) uncertain = true;
        }
        return !any || uncertain ? null : false;
    }

    public static int Code(bool? value) => value switch { true => 1, false => 2, null => 3 };

    public static bool? AtLeast(double? a, double b) => a is double v ? v >= b : null;

    public static bool? AtMost(double? a, double b) => a is double v ? v <= b : null;

    public static double? Times(double factor, double? value) => value * factor;

    public static bool? Above(double? a, double? b) => a is double x && b is double y ? x > y : null;

    /// <summary>CQL comparison of an ISO date that may be partial (2021, 2021-03) with another: component by component, null once a component is missing on one side only.</summary>
    public static int? Compare(PartialDate a, PartialDate b)
    {
        if (!a.Known || !b.Known) return null;
        if (a.Year != b.Year) return a.Year.CompareTo(b.Year);
        if (a.Month is null || b.Month is null) return a.Month is null && b.Month is null ? 0 : null;
        if (a.Month != b.Month) return a.Month.Value.CompareTo(b.Month.Value);
        if (a.Day is null || b.Day is null) return a.Day is null && b.Day is null ? 0 : null;
        return a.Day.Value.CompareTo(b.Day.Value);
    }

    /// <summary>a on or after b.</summary>
    public static bool? SameOrAfter(PartialDate a, PartialDate b) => Compare(a, b) is int c ? c >= 0 : null;

    /// <summary>a 180 days or less before b: a in [b - days, b) at day precision.</summary>
    public static bool? WithinDaysBefore(PartialDate a, PartialDate b, int days)
    {
        if (!b.Known || b.Day is null) return null;
        var low = PartialDate.Of(b.Value.AddDays(-days));
        return Both(Compare(a, low) is int lo ? lo >= 0 : null, Compare(a, b) is int hi ? hi < 0 : null);
    }
}

/// <summary>An ISO 8601 date with year, month or day precision, or unknown.</summary>
public readonly record struct PartialDate(int Year, int? Month, int? Day)
{
    public bool Known => Year > 0;

    public DateTime Value => new(Year, Month ?? 1, Day ?? 1);

    public static PartialDate Unknown => default;

    public static PartialDate Of(DateTime d) => new(d.Year, d.Month, d.Day);

    public static PartialDate Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length < 4 || !int.TryParse(text.AsSpan(0, 4), out int y)) return Unknown;
        int? m = text.Length >= 7 && int.TryParse(text.AsSpan(5, 2), out int mm) ? mm : null;
        int? d = m is not null && text.Length >= 10 && int.TryParse(text.AsSpan(8, 2), out int dd) ? dd : null;
        return new PartialDate(y, m, d);
    }
}
