using System.Text.Json.Serialization;
using NodaTime;

namespace ProtocolEngine.Workflows.Definitions;

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
/// A duration as the protocol states it (grammar: clockDuration), such as <c>24 hours</c> or <c>7 calendar days</c>.
/// Calendar days count dates in a time zone (Day 0 is the day of the anchor), not multiples of 24 hours.
/// </summary>
/// <param name="Amount">The number of units.</param>
/// <param name="Unit">The unit.</param>
/// <param name="Calendar">True for <c>calendar</c> days: the deadline is the end of the last calendar day in the clock's zone.</param>
[JsonConverter(typeof(ClockDurationJsonConverter))]
public sealed record ClockDuration(int Amount, DurationUnit Unit, bool Calendar = false)
{
    /// <summary>The duration as exact elapsed time (calendar days are treated as 24-hour days here).</summary>
    public Duration ToDuration() => Unit switch
    {
        DurationUnit.Seconds => Duration.FromSeconds(Amount),
        DurationUnit.Minutes => Duration.FromMinutes(Amount),
        DurationUnit.Hours => Duration.FromHours(Amount),
        DurationUnit.Days => Duration.FromDays(Amount),
        _ => Duration.FromDays(7L * Amount),
    };

    /// <summary>The time this duration after <paramref name="start"/>; calendar days end at midnight of the last day in <paramref name="zone"/>.</summary>
    public Instant After(Instant start, DateTimeZone zone)
    {
        if (!Calendar || Unit is not (DurationUnit.Days or DurationUnit.Weeks)) return start + ToDuration();
        int days = Unit == DurationUnit.Weeks ? Amount * 7 : Amount;
        // Day 0 is the anchor's local date; "within N calendar days" ends when day N ends in the stated zone.
        var lastDay = start.InZone(zone).Date.PlusDays(days);
        return lastDay.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
    }

    /// <summary>Protocol text, e.g. <c>7 calendar days</c>.</summary>
    public override string ToString()
    {
        string unit = Unit.ToString().ToLowerInvariant();
        if (Amount == 1) unit = unit.TrimEnd('s');
        return Calendar ? $"{Amount} calendar {unit}" : $"{Amount} {unit}";
    }

    /// <summary>Parses protocol text such as <c>24 hours</c>, <c>7 calendar days</c> or <c>3d</c>.</summary>
    public static ClockDuration Parse(string text)
    {
        var t = text.Trim();
        var parts = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 1)
        {
            // Compact forms: 3d, 12h, 30m, 10s, 2w.
            var (num, suffix) = (t[..^1], char.ToLowerInvariant(t[^1]));
            if (int.TryParse(num, out int n) && n >= 0)
            {
                DurationUnit? u = suffix switch { 'd' => DurationUnit.Days, 'h' => DurationUnit.Hours, 'm' => DurationUnit.Minutes, 's' => DurationUnit.Seconds, 'w' => DurationUnit.Weeks, _ => null };
                if (u is not null) return new ClockDuration(n, u.Value);
            }
        }
        else if (parts.Length is 2 or 3 && int.TryParse(parts[0], out int amount) && amount >= 0)
        {
            bool calendar = parts.Length == 3 && parts[1] == "calendar";
            if (parts.Length == 3 && !calendar) throw new FormatException($"Expected a duration such as '7 calendar days', found '{text}'.");
            var unitText = parts[^1].ToLowerInvariant().TrimEnd('s');
            DurationUnit? unit = unitText switch { "second" => DurationUnit.Seconds, "minute" => DurationUnit.Minutes, "hour" => DurationUnit.Hours, "day" => DurationUnit.Days, "week" => DurationUnit.Weeks, _ => null };
            if (unit is not null) return new ClockDuration(amount, unit.Value, calendar);
        }
        throw new FormatException($"Expected a duration such as '24 hours', '7 calendar days' or '3d', found '{text}'.");
    }
}
