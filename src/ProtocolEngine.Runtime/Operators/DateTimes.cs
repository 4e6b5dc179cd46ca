using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>Date and time constructors, component extraction, durations and the clock functions.</summary>
internal static class DateTimes
{
    private static CqlRuntimeException Invalid(string what, Exception inner) => new($"{what} is not a valid date or time: {inner.Message}");

    /// <summary>Date(y[, m[, d]]): precision stops at the first missing component.</summary>
    public static CqlDate? Date(int? year, int? month = null, int? day = null)
    {
        if (year is null) return null;
        var precision = month is null ? DateTimePrecision.Year : day is null ? DateTimePrecision.Month : DateTimePrecision.Day;
        try
        {
            return new CqlDate(year.Value, month ?? 1, day ?? 1, precision);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw Invalid($"Date({year}, {month}, {day})", e);
        }
    }

    /// <summary>Date(y).</summary>
    public static CqlDate? Date1(int? y) => Date(y);
    /// <summary>Date(y, m).</summary>
    public static CqlDate? Date2(int? y, int? m) => Date(y, m);
    /// <summary>Date(y, m, d).</summary>
    public static CqlDate? Date3(int? y, int? m, int? d) => Date(y, m, d);

    /// <summary>DateTime(y, m, d, h, mi, s, ms, offset hours): precision stops at the first missing component.</summary>
    public static CqlDateTime? DateTime(int? year, int? month, int? day, int? hour, int? minute, int? second, int? millisecond, decimal? offsetHours, bool offsetGiven)
    {
        if (year is null) return null;
        int?[] parts = [year, month, day, hour, minute, second, millisecond];
        int last = 0;
        while (last + 1 < parts.Length && parts[last + 1] is not null) last++;
        try
        {
            int? offset = offsetGiven ? (int?)(offsetHours is null ? null : (int)decimal.Round(offsetHours.Value * 60m)) : null;
            return new CqlDateTime(year.Value, month ?? 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0, millisecond ?? 0, (DateTimePrecision)last, offset);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw Invalid("DateTime(...)", e);
        }
    }

    /// <summary>DateTime(y).</summary>
    public static CqlDateTime? DateTime1(int? y) => DateTime(y, null, null, null, null, null, null, null, false);
    /// <summary>DateTime(y, m).</summary>
    public static CqlDateTime? DateTime2(int? y, int? m) => DateTime(y, m, null, null, null, null, null, null, false);
    /// <summary>DateTime(y, m, d).</summary>
    public static CqlDateTime? DateTime3(int? y, int? m, int? d) => DateTime(y, m, d, null, null, null, null, null, false);
    /// <summary>DateTime(y, m, d, h).</summary>
    public static CqlDateTime? DateTime4(int? y, int? m, int? d, int? h) => DateTime(y, m, d, h, null, null, null, null, false);
    /// <summary>DateTime(y, m, d, h, mi).</summary>
    public static CqlDateTime? DateTime5(int? y, int? m, int? d, int? h, int? mi) => DateTime(y, m, d, h, mi, null, null, null, false);
    /// <summary>DateTime(y, m, d, h, mi, s).</summary>
    public static CqlDateTime? DateTime6(int? y, int? m, int? d, int? h, int? mi, int? s) => DateTime(y, m, d, h, mi, s, null, null, false);
    /// <summary>DateTime(y, m, d, h, mi, s, ms).</summary>
    public static CqlDateTime? DateTime7(int? y, int? m, int? d, int? h, int? mi, int? s, int? ms) => DateTime(y, m, d, h, mi, s, ms, null, false);
    /// <summary>DateTime(y, m, d, h, mi, s, ms, offset).</summary>
    public static CqlDateTime? DateTime8(int? y, int? m, int? d, int? h, int? mi, int? s, int? ms, decimal? offset) => DateTime(y, m, d, h, mi, s, ms, offset, true);

    /// <summary>Time(h[, m[, s[, ms]]]).</summary>
    public static CqlTime? Time(int? hour, int? minute, int? second, int? millisecond)
    {
        if (hour is null) return null;
        var precision = minute is null ? DateTimePrecision.Hour : second is null ? DateTimePrecision.Minute : millisecond is null ? DateTimePrecision.Second : DateTimePrecision.Millisecond;
        try
        {
            return new CqlTime(hour.Value, minute ?? 0, second ?? 0, millisecond ?? 0, precision);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw Invalid("Time(...)", e);
        }
    }

    /// <summary>Time(h).</summary>
    public static CqlTime? Time1(int? h) => Time(h, null, null, null);
    /// <summary>Time(h, m).</summary>
    public static CqlTime? Time2(int? h, int? m) => Time(h, m, null, null);
    /// <summary>Time(h, m, s).</summary>
    public static CqlTime? Time3(int? h, int? m, int? s) => Time(h, m, s, null);
    /// <summary>Time(h, m, s, ms).</summary>
    public static CqlTime? Time4(int? h, int? m, int? s, int? ms) => Time(h, m, s, ms);

    /// <summary>The evaluation's "now" (fixed for a run).</summary>
    public static CqlDateTime? Now(EvaluationContext ctx) => ctx.Now;

    /// <summary>The date of the evaluation's "now".</summary>
    public static CqlDate? Today(EvaluationContext ctx) => new(ctx.Now.Year, ctx.Now.Month, ctx.Now.Day, DateTimePrecision.Day);

    /// <summary>The time of the evaluation's "now".</summary>
    public static CqlTime? TimeOfDay(EvaluationContext ctx) =>
        new(ctx.Now.Hour, ctx.Now.Minute, ctx.Now.Second, ctx.Now.Millisecond, DateTimePrecision.Millisecond);

    /// <summary>The date part of a date-time.</summary>
    public static CqlDate? DateFrom(CqlDateTime? v) => v?.Date;

    /// <summary>The time part of a date-time (null when it has no hour).</summary>
    public static CqlTime? TimeFrom(CqlDateTime? v) =>
        v is null || v.Precision < DateTimePrecision.Hour ? null : new CqlTime(v.Hour, v.Minute, v.Second, v.Millisecond, v.Precision);

    /// <summary>The offset in hours (null when the value carries none).</summary>
    public static decimal? TimezoneOffsetFrom(CqlDateTime? v) => v?.OffsetHours;

    /// <summary>A component (year, month, ..., millisecond) or null when not that precise.</summary>
    public static int? ComponentFrom(CqlDate? v, string component) => v?.Component(Temporal.ParsePrecision(component)!.Value);
    /// <summary>A component of a date-time.</summary>
    public static int? ComponentFrom(CqlDateTime? v, string component) => v?.Component(Temporal.ParsePrecision(component)!.Value);
    /// <summary>A component of a time.</summary>
    public static int? ComponentFrom(CqlTime? v, string component) => v?.Component(Temporal.ParsePrecision(component)!.Value);

    /// <summary>Whole units between two dates (null when uncertain).</summary>
    public static int? DurationBetween(object? a, object? b, string precision) => Duration(a, b, precision, difference: false);

    /// <summary>Unit boundaries crossed between two dates.</summary>
    public static int? DifferenceBetween(object? a, object? b, string precision) => Duration(a, b, precision, difference: true);

    private static int? Duration(object? a, object? b, string precision, bool difference)
    {
        if (a is null || b is null) return null;
        var p = Temporal.ParsePrecision(precision)!.Value;
        bool weeks = precision is "week" or "weeks";
        ICqlTemporal x = a switch { CqlDate d when b is CqlDateTime => d.ToDateTime(), _ => (ICqlTemporal)a };
        ICqlTemporal y = b switch { CqlDate d when a is CqlDateTime => d.ToDateTime(), _ => (ICqlTemporal)b };
        if (weeks)
        {
            var days = difference ? Temporal.DifferenceBetween(x, y, DateTimePrecision.Day) : Temporal.DurationBetween(x, y, DateTimePrecision.Day);
            return days / 7;
        }
        return difference ? Temporal.DifferenceBetween(x, y, p) : Temporal.DurationBetween(x, y, p);
    }
}
