using System.Text.Json.Serialization;

namespace ProtocolEngine.Language.Workflows;

/// <summary>The unit of a <see cref="ClockDuration"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DurationUnit>))]
public enum DurationUnit
{
    /// <summary>Seconds (used by tests and short technical timers).</summary>
    Seconds,
    /// <summary>Minutes.</summary>
    Minutes,
    /// <summary>Hours: an exact elapsed time.</summary>
    Hours,
    /// <summary>Days.</summary>
    Days,
    /// <summary>Weeks (seven days).</summary>
    Weeks,
}

/// <summary>
/// A duration as the protocol states it (grammar: clockDuration), such as <c>24 hours</c> or <c>7 calendar days</c>:
/// the one model of a clock length, from the binder to the runtime. Months and years are not units here: they have no
/// exact length, and the compiler refuses them in clocks (PE2024). Calendar days count dates in a time zone (Day 0 is
/// the day of the anchor), not multiples of 24 hours; the workflow runtime does that counting.
/// </summary>
/// <param name="Amount">The number of units.</param>
/// <param name="Unit">The unit.</param>
/// <param name="Calendar">True for <c>calendar</c> days: the deadline is the end of the last calendar day in the clock's zone.</param>
[JsonConverter(typeof(ClockDurationJsonConverter))]
public sealed record ClockDuration(int Amount, DurationUnit Unit, bool Calendar = false)
{
    /// <summary>The duration as elapsed time (calendar days counted as 24 hours, weeks as 7 days).</summary>
    public TimeSpan ToTimeSpan() => Unit switch
    {
        DurationUnit.Seconds => TimeSpan.FromSeconds(Amount),
        DurationUnit.Minutes => TimeSpan.FromMinutes(Amount),
        DurationUnit.Hours => TimeSpan.FromHours(Amount),
        DurationUnit.Days => TimeSpan.FromDays(Amount),
        _ => TimeSpan.FromDays(7L * Amount),
    };

    /// <summary>The unit for a singular unit name of the language (second, minute, hour, day, week), or null for one a clock cannot count exactly.</summary>
    public static DurationUnit? UnitOf(string singular) => singular switch
    {
        "second" => DurationUnit.Seconds,
        "minute" => DurationUnit.Minutes,
        "hour" => DurationUnit.Hours,
        "day" => DurationUnit.Days,
        "week" => DurationUnit.Weeks,
        _ => null,
    };

    /// <summary>Protocol text, e.g. <c>7 calendar days</c>.</summary>
    public override string ToString()
    {
        string unit = Unit.ToString().ToLowerInvariant();
        if (Amount == 1) unit = unit.TrimEnd('s');
        return Calendar ? $"{Amount} calendar {unit}" : $"{Amount} {unit}";
    }

    /// <summary>Parses protocol text such as <c>24 hours</c>, <c>7 calendar days</c> or <c>3d</c>.</summary>
    /// <exception cref="FormatException">The text is not a duration.</exception>
    public static ClockDuration Parse(string text)
    {
        var t = text.Trim();
        var parts = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 1 && t.Length > 1)
        {
            // Compact forms: 3d, 12h, 30m, 10s, 2w.
            var (num, suffix) = (t[..^1], char.ToLowerInvariant(t[^1]));
            if (int.TryParse(num, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n))
            {
                DurationUnit? u = suffix switch { 'd' => DurationUnit.Days, 'h' => DurationUnit.Hours, 'm' => DurationUnit.Minutes, 's' => DurationUnit.Seconds, 'w' => DurationUnit.Weeks, _ => null };
                if (u is not null) return new ClockDuration(n, u.Value);
            }
        }
        else if (parts.Length is 2 or 3 && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int amount))
        {
            bool calendar = parts.Length == 3 && parts[1] == "calendar";
            if (parts.Length == 3 && !calendar) throw new FormatException($"Expected a duration such as '7 calendar days', found '{text}'.");
            if (UnitOf(parts[^1].ToLowerInvariant().TrimEnd('s')) is { } unit) return new ClockDuration(amount, unit, calendar);
        }
        throw new FormatException($"Expected a duration such as '24 hours', '7 calendar days' or '3d', found '{text}'.");
    }
}
