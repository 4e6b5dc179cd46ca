using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>
/// Date, DateTime and Time semantics of CQL 1.5: precision-aware comparison (uncertain results are null),
/// calendar arithmetic, durations and differences, boundaries.
/// </summary>
internal static class Temporal
{
    private const int MillisecondIndex = 6;

    /// <summary>
    /// Compares two values of the same kind down to <paramref name="precision"/> (or as far as both go).
    /// Returns the sign of a - b, or null when one value stops before the other at an equal prefix.
    /// DateTimes are compared in UTC when they carry hours. Milliseconds are a precision of their own: 10:00:00
    /// against 10:00:00.001 is uncertain.
    /// </summary>
    public static int? Compare(ICqlTemporal a, ICqlTemporal b, DateTimePrecision? precision = null)
    {
        if (a is CqlDateTime da && b is CqlDateTime db) (a, b) = NormalizePair(da, db);
        int first = a.FirstComponent;
        int last = precision is { } p ? (int)p : MillisecondIndex;
        for (int i = first; i <= last; i++)
        {
            bool aHas = i <= a.LastComponent, bHas = i <= b.LastComponent;
            if (!aHas && !bHas) return 0;
            if (!aHas || !bHas) return null;
            int c = a.GetComponent(i).CompareTo(b.GetComponent(i));
            if (c != 0) return c < 0 ? -1 : 1;
        }
        return 0;
    }

    private static (CqlDateTime, CqlDateTime) NormalizePair(CqlDateTime a, CqlDateTime b)
    {
        // Values without an offset are taken to be in the evaluation's offset (UTC), as CQL specifies.
        int ao = a.OffsetMinutes ?? 0, bo = b.OffsetMinutes ?? 0;
        if (ao == bo) return (a, b);
        return (ToUtc(a), ToUtc(b));
    }

    private static CqlDateTime ToUtc(CqlDateTime v) =>
        v.Precision >= DateTimePrecision.Hour && (v.OffsetMinutes ?? 0) != 0 ? v.WithOffset(0) : v;

    /// <summary>Equality with uncertainty: null when the values are equal as far as both go but one goes further.</summary>
    public static bool? Equal(ICqlTemporal? a, ICqlTemporal? b) => a is null || b is null ? null : Compare(a, b) is int c ? c == 0 : null;

    /// <summary>Equivalence: equal at the same precision; values of different precision are not equivalent.</summary>
    public static bool Equivalent(ICqlTemporal? a, ICqlTemporal? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a.LastComponent != b.LastComponent) return false;
        return Compare(a, b) == 0;
    }

    /// <summary>Parses a precision name as the syntax gives it (<c>day</c>, <c>month</c>), or null for none.</summary>
    public static DateTimePrecision? ParsePrecision(string? name) => name switch
    {
        null or "" => null,
        "year" or "years" => DateTimePrecision.Year,
        "month" or "months" => DateTimePrecision.Month,
        "week" or "weeks" or "day" or "days" => DateTimePrecision.Day,
        "hour" or "hours" => DateTimePrecision.Hour,
        "minute" or "minutes" => DateTimePrecision.Minute,
        "second" or "seconds" => DateTimePrecision.Second,
        "millisecond" or "milliseconds" => DateTimePrecision.Millisecond,
        _ => throw new CqlRuntimeException($"Unknown date/time precision '{name}'."),
    };

    // ---------------------------------------------------------------- arithmetic

    /// <summary>DateTime plus a time quantity, clamping the day at month ends, at the value's own precision.</summary>
    public static CqlDateTime? Add(CqlDateTime? value, CqlQuantity? quantity, int sign = 1)
    {
        if (value is null || quantity is null) return null;
        var (unit, amount) = TimeAmount(quantity, value.Precision, sign);
        var dt = value.ToDateTime();
        try
        {
            dt = unit switch
            {
                "year" => dt.AddYears(checked((int)amount)),
                "month" => dt.AddMonths(checked((int)amount)),
                "day" => dt.AddDays((double)amount),
                "hour" => dt.AddHours((double)amount),
                "minute" => dt.AddMinutes((double)amount),
                "second" => dt.AddSeconds((double)amount),
                _ => dt.AddMilliseconds((double)amount),
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new CqlRuntimeException($"{value} plus {quantity} is outside the range of DateTime (years 1 to 9999).");
        }
        catch (OverflowException)
        {
            throw new CqlRuntimeException($"{value} plus {quantity} is outside the range of DateTime (years 1 to 9999).");
        }
        return CqlDateTime.FromDateTime(dt, value.Precision, value.OffsetMinutes);
    }

    /// <summary>Date plus a time quantity.</summary>
    public static CqlDate? Add(CqlDate? value, CqlQuantity? quantity, int sign = 1)
    {
        if (value is null || quantity is null) return null;
        var (unit, _) = TimeAmount(quantity, value.Precision, sign);
        if (unit is "hour" or "minute" or "second" or "millisecond")
        {
            // A Date has no time: finer units are converted to whole days first (CQL truncates).
            var days = decimal.Truncate(quantity.Value * (Units.Factor(quantity.Unit, "day") ?? 0));
            quantity = new CqlQuantity(days, "day");
        }
        var result = Add(value.ToDateTime(), quantity, sign)!;
        return new CqlDate(result.Year, result.Month, result.Day, value.Precision);
    }

    /// <summary>Time plus a time quantity, wrapping around midnight.</summary>
    public static CqlTime? Add(CqlTime? value, CqlQuantity? quantity, int sign = 1)
    {
        if (value is null || quantity is null) return null;
        var (unit, amount) = TimeAmount(quantity, value.Precision, sign);
        if (unit is "year" or "month" or "day") throw new CqlRuntimeException($"A Time cannot be shifted by {quantity}.");
        decimal ms = unit switch { "hour" => amount * 3_600_000m, "minute" => amount * 60_000m, "second" => amount * 1000m, _ => amount };
        long total = (value.TotalMilliseconds + (long)ms) % 86_400_000L;
        if (total < 0) total += 86_400_000L;
        return new CqlTime((int)(total / 3_600_000), (int)(total / 60_000 % 60), (int)(total / 1000 % 60), (int)(total % 1000), value.Precision);
    }

    /// <summary>
    /// The unit and signed amount to add: calendar or UCUM time units, with weeks as 7 days, and amounts in units
    /// finer than the value's precision converted to that precision and truncated (CQL 1.5 section 22.2).
    /// </summary>
    private static (string Unit, decimal Amount) TimeAmount(CqlQuantity quantity, DateTimePrecision valuePrecision, int sign)
    {
        var unit = quantity.Unit switch
        {
            "year" or "a" => "year",
            "month" or "mo" => "month",
            "week" or "wk" => "week",
            "day" or "d" => "day",
            "hour" or "h" => "hour",
            "minute" or "min" => "minute",
            "second" or "s" => "second",
            "millisecond" or "ms" => "millisecond",
            _ => throw new CqlRuntimeException($"{quantity} is not a duration; dates can only be shifted by time units."),
        };
        decimal amount = quantity.Value * sign;
        if (unit == "week")
        {
            unit = "day";
            amount *= 7;
        }
        var unitPrecision = Units.PrecisionOf(unit)!.Value;
        if (unitPrecision > valuePrecision)
        {
            // Express the amount in the value's precision: e.g. 25 months on a year-precise value is 2 years.
            var target = valuePrecision switch
            {
                DateTimePrecision.Year => "year",
                DateTimePrecision.Month => "month",
                DateTimePrecision.Day => "day",
                DateTimePrecision.Hour => "hour",
                DateTimePrecision.Minute => "minute",
                _ => "second",
            };
            amount = decimal.Truncate(ConvertToCoarser(amount, unit, target));
            unit = target;
        }
        else if (unit is "year" or "month" && amount != decimal.Truncate(amount))
        {
            amount = decimal.Truncate(amount);
        }
        return (unit, amount);
    }

    private static decimal ConvertToCoarser(decimal amount, string from, string to)
    {
        // Calendar approximations used only when a value is less precise than the amount added; dividing (not
        // multiplying by a rounded reciprocal) keeps 24 months exactly 2 years.
        static decimal Milliseconds(string u) => u switch
        {
            "year" => 365m * 86_400_000m, "month" => 30m * 86_400_000m, "day" => 86_400_000m, "hour" => 3_600_000m, "minute" => 60_000m, "second" => 1000m, _ => 1m,
        };
        if (from == "month" && to == "year") return amount / 12m;
        return amount * Milliseconds(from) / Milliseconds(to);
    }

    // ---------------------------------------------------------------- durations and differences

    /// <summary>
    /// Whole units of <paramref name="precision"/> between two values (CQL "duration in ... between", "years between").
    /// Null when a value is null or the answer is uncertain because a value is not precise enough.
    /// </summary>
    public static int? DurationBetween(ICqlTemporal? a, ICqlTemporal? b, DateTimePrecision precision)
    {
        if (a is null || b is null) return null;
        if (a is CqlDateTime da && b is CqlDateTime db) (a, b) = NormalizePair(da, db);
        // Unknown components finer than the unit (finer than a day, for years and months) do not decide whole
        // units: they are set alike in both values. Unknown components above that make the answer uncertain (null).
        int cutoff = Math.Max((int)precision, (int)DateTimePrecision.Day);
        var low = Bounds(a, lowest: true, cutoff);
        var high = Bounds(a, lowest: false, cutoff);
        var other = Bounds(b, lowest: true, cutoff);
        var otherHigh = Bounds(b, lowest: false, cutoff);
        int? first = WholeUnits(low, otherHigh, precision);
        int? second = WholeUnits(high, other, precision);
        if (first is null || second is null) return null;
        return first == second ? first : null;
    }

    /// <summary>
    /// The number of <paramref name="precision"/> boundaries crossed between two values (CQL "difference in ... between").
    /// Null when a value is null or not precise to <paramref name="precision"/>.
    /// </summary>
    public static int? DifferenceBetween(ICqlTemporal? a, ICqlTemporal? b, DateTimePrecision precision, bool weeks = false)
    {
        if (a is null || b is null) return null;
        if (a is CqlDateTime da && b is CqlDateTime db) (a, b) = NormalizePair(da, db);
        if ((int)precision > a.LastComponent || (int)precision > b.LastComponent)
        {
            if (a.LastComponent != b.LastComponent || (int)precision < a.FirstComponent) return null;
        }
        var x = Truncate(Bounds(a, lowest: true), precision);
        var y = Truncate(Bounds(b, lowest: true), precision);
        if (weeks) return (int)Math.Floor((y - x).TotalDays / 7);
        return WholeUnits(x, y, precision, truncated: true);
    }

    private static DateTime Truncate(DateTime v, DateTimePrecision p) => p switch
    {
        DateTimePrecision.Year => new DateTime(v.Year, 1, 1),
        DateTimePrecision.Month => new DateTime(v.Year, v.Month, 1),
        DateTimePrecision.Day => v.Date,
        DateTimePrecision.Hour => new DateTime(v.Year, v.Month, v.Day, v.Hour, 0, 0),
        DateTimePrecision.Minute => new DateTime(v.Year, v.Month, v.Day, v.Hour, v.Minute, 0),
        DateTimePrecision.Second => new DateTime(v.Year, v.Month, v.Day, v.Hour, v.Minute, v.Second),
        _ => v,
    };

    /// <summary>The earliest or latest moment a partial value could denote; unknown components after <paramref name="cutoff"/> are taken at their lowest.</summary>
    private static DateTime Bounds(ICqlTemporal v, bool lowest, int cutoff = MillisecondIndex)
    {
        // Known components are kept; unknown ones up to the cutoff span their range, finer unknown ones are taken at their lowest.
        int Part(int i, int min, int max) => i <= v.LastComponent ? v.GetComponent(i) : lowest || i > cutoff ? min : max;
        if (v is CqlTime)
        {
            return new DateTime(2000, 1, 1, Part(3, 0, 23), Part(4, 0, 59), Part(5, 0, 59), Part(6, 0, 999));
        }
        int year = v.GetComponent(0);
        int month = Part(1, 1, 12);
        int day = Part(2, 1, DateTime.DaysInMonth(year, month));
        return new DateTime(year, month, day, Part(3, 0, 23), Part(4, 0, 59), Part(5, 0, 59), Part(6, 0, 999));
    }

    private static int? WholeUnits(DateTime from, DateTime to, DateTimePrecision precision, bool truncated = false)
    {
        switch (precision)
        {
            case DateTimePrecision.Year:
            case DateTimePrecision.Month:
            {
                int months = (to.Year - from.Year) * 12 + to.Month - from.Month;
                if (!truncated)
                {
                    // A month is complete only when the day-and-time part has been reached.
                    var fromRest = from.AddMonths(months);
                    if (months > 0 && fromRest > to) months--;
                    else if (months < 0 && fromRest < to) months++;
                }
                return precision == DateTimePrecision.Year ? months / 12 : months;
            }
            case DateTimePrecision.Day:
                return truncated ? (int)(to.Date - from.Date).TotalDays : (int)Math.Truncate((to - from).TotalDays);
            case DateTimePrecision.Hour:
                return (int)Math.Truncate((to - from).TotalHours);
            case DateTimePrecision.Minute:
                return (int)Math.Truncate((to - from).TotalMinutes);
            case DateTimePrecision.Second:
                return (int)Math.Truncate((to - from).TotalSeconds);
            default:
                double ms = (to - from).TotalMilliseconds;
                return ms > int.MaxValue || ms < int.MinValue ? null : (int)Math.Truncate(ms);
        }
    }

    // ---------------------------------------------------------------- boundaries, successor, predecessor

    /// <summary>The value one unit of its precision later (error at the end of the range).</summary>
    public static CqlDateTime Successor(CqlDateTime v, int step = 1)
    {
        var q = new CqlQuantity(step, PrecisionUnit(v.Precision));
        return Add(v, q) ?? throw new CqlRuntimeException("No successor.");
    }

    /// <summary>The value one unit of its precision later.</summary>
    public static CqlDate Successor(CqlDate v, int step = 1) => Add(v, new CqlQuantity(step, PrecisionUnit(v.Precision)))!;

    /// <summary>The time one unit of its precision later (error after 23:59:59.999).</summary>
    public static CqlTime Successor(CqlTime v, int step = 1)
    {
        long unitMs = v.Precision switch { DateTimePrecision.Hour => 3_600_000, DateTimePrecision.Minute => 60_000, DateTimePrecision.Second => 1000, _ => 1 };
        long total = v.TotalMilliseconds + step * unitMs;
        if (total < 0 || total >= 86_400_000) throw new CqlRuntimeException($"{v} has no {(step > 0 ? "successor" : "predecessor")}.");
        return new CqlTime((int)(total / 3_600_000), (int)(total / 60_000 % 60), (int)(total / 1000 % 60), (int)(total % 1000), v.Precision);
    }

    private static string PrecisionUnit(DateTimePrecision p) => p switch
    {
        DateTimePrecision.Year => "year",
        DateTimePrecision.Month => "month",
        DateTimePrecision.Day => "day",
        DateTimePrecision.Hour => "hour",
        DateTimePrecision.Minute => "minute",
        DateTimePrecision.Second => "second",
        _ => "millisecond",
    };

    /// <summary>The precision digits count CQL's Precision() reports: 4 year ... 17 millisecond for date-times.</summary>
    public static int PrecisionDigits(ICqlTemporal v) => v switch
    {
        CqlTime t => t.Precision switch { DateTimePrecision.Hour => 2, DateTimePrecision.Minute => 4, DateTimePrecision.Second => 6, _ => 9 },
        _ => v.LastComponent switch { 0 => 4, 1 => 6, 2 => 8, 3 => 10, 4 => 12, 5 => 14, _ => 17 },
    };

    /// <summary>The precision that a CQL precision-digit count denotes, or null for an invalid count.</summary>
    public static DateTimePrecision? FromDigits(int digits, bool time) => time
        ? digits switch { 2 => DateTimePrecision.Hour, 4 => DateTimePrecision.Minute, 6 => DateTimePrecision.Second, 9 => DateTimePrecision.Millisecond, _ => null }
        : digits switch
        {
            4 => DateTimePrecision.Year, 6 => DateTimePrecision.Month, 8 => DateTimePrecision.Day, 10 => DateTimePrecision.Hour,
            12 => DateTimePrecision.Minute, 14 => DateTimePrecision.Second, 17 => DateTimePrecision.Millisecond, _ => null,
        };

    /// <summary>The earliest (low) or latest (high) value of the given precision that the value could denote.</summary>
    public static CqlDateTime Boundary(CqlDateTime v, DateTimePrecision precision, bool high)
    {
        var b = Bounds(v, lowest: !high);
        return CqlDateTime.FromDateTime(b, precision, v.OffsetMinutes);
    }

    /// <summary>The earliest or latest date of the given precision the date could denote.</summary>
    public static CqlDate Boundary(CqlDate v, DateTimePrecision precision, bool high)
    {
        var b = Bounds(v, lowest: !high);
        return new CqlDate(b.Year, b.Month, b.Day, precision);
    }

    /// <summary>The earliest or latest time of the given precision the time could denote.</summary>
    public static CqlTime Boundary(CqlTime v, DateTimePrecision precision, bool high)
    {
        var b = Bounds(v, lowest: !high);
        return new CqlTime(b.Hour, b.Minute, b.Second, b.Millisecond, precision);
    }
}
