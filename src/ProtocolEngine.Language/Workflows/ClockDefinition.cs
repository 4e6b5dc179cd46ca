using System.Text.Json.Serialization;

namespace ProtocolEngine.Language.Workflows;

/// <summary>The kind of safety obligation a clock measures (grammar: obligation).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ClockKind>))]
public enum ClockKind
{
    /// <summary><c>notify Party within D of awareness</c>.</summary>
    Notify,
    /// <summary><c>report to Party within D of awareness</c>.</summary>
    Report,
    /// <summary><c>complete report within D more</c>: counted from the previous clock's deadline.</summary>
    CompleteReport,
    /// <summary><c>follow up within D</c>: counted from awareness.</summary>
    FollowUp,
}

/// <summary>A regional override of a clock length (grammar: regionOverride).</summary>
/// <param name="Region">The region code.</param>
/// <param name="Within">The length in that region.</param>
public sealed record RegionOverride(string Region, ClockDuration Within);

/// <summary>A regulatory clock from a safety rule's obligation.</summary>
/// <param name="Name">The clock name used by <c>stop clock</c> and <c>clock X met|missed</c>.</param>
/// <param name="SafetyRule">The safety rule that owns the obligation; the host says which rules apply to an instance. Null: always applies.</param>
/// <param name="Kind">The obligation kind.</param>
/// <param name="Party">Who is notified or reported to, if named.</param>
/// <param name="Within">The clock length.</param>
/// <param name="RegionOverrides">Lengths for named regions.</param>
/// <param name="RemindBefore">Reminders before the deadline; empty takes <see cref="DefaultReminders"/>.</param>
/// <param name="FollowsClock">For <see cref="ClockKind.CompleteReport"/>, the clock whose deadline it continues.</param>
public sealed record ClockDefinition(
    string Name,
    string? SafetyRule,
    ClockKind Kind,
    string? Party,
    ClockDuration Within,
    IReadOnlyList<RegionOverride>? RegionOverrides = null,
    IReadOnlyList<ClockDuration>? RemindBefore = null,
    string? FollowsClock = null)
{
    /// <summary>The length that applies in <paramref name="region"/>.</summary>
    public ClockDuration WithinFor(string? region) =>
        RegionOverrides?.FirstOrDefault(r => string.Equals(r.Region, region, StringComparison.OrdinalIgnoreCase))?.Within ?? Within;

    /// <summary>Reminders when the protocol names none: half-way and one unit before (hours for hour clocks, days for day clocks).</summary>
    public IReadOnlyList<ClockDuration> DefaultReminders(ClockDuration within)
    {
        if (RemindBefore is { Count: > 0 } r) return r;
        if (within.Amount < 2) return [];
        var list = new List<ClockDuration> { new(within.Amount / 2, within.Unit) };
        if (within.Amount / 2 != 1) list.Add(new ClockDuration(1, within.Unit));
        return list;
    }
}
