using NodaTime;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Workflows.Definitions;

/// <summary>What the runtime adds to the workflow IR: its content hash, its check against the tz database, and clock arithmetic.</summary>
public static class WorkflowDefinitionExtensions
{
    /// <summary>The SHA-256 of the definition's canonical JSON (lower-case hex): the identity of a stored version.</summary>
    public static string ComputeContentHash(this WorkflowDefinition definition) => DefinitionSerializer.ContentHash(definition);

    /// <summary>
    /// Every problem that stops the runtime from running the definition, as diagnostics with the compiler's codes
    /// (<see cref="WorkflowValidator"/>), the time zone checked against NodaTime's tz database; empty when valid.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Validate(this WorkflowDefinition definition) =>
        WorkflowValidator.Validate(definition, zone => DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is not null);

    /// <summary>The duration as exact elapsed time (calendar days are treated as 24-hour days here).</summary>
    public static Duration ToDuration(this ClockDuration duration) => Duration.FromTimeSpan(duration.ToTimeSpan());

    /// <summary>The time this duration after <paramref name="start"/>; calendar days end at midnight of the last day in <paramref name="zone"/>.</summary>
    public static Instant After(this ClockDuration duration, Instant start, DateTimeZone zone)
    {
        if (!duration.Calendar || duration.Unit is not (DurationUnit.Days or DurationUnit.Weeks)) return start + duration.ToDuration();
        int days = duration.Unit == DurationUnit.Weeks ? duration.Amount * 7 : duration.Amount;
        // Day 0 is the anchor's local date; "within N calendar days" ends when day N ends in the stated zone.
        var lastDay = start.InZone(zone).Date.PlusDays(days);
        return lastDay.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
    }

    /// <summary>A guard in words, as the protocol says it ("criteria phase prescreen met", "ObtainConsent completed", ...; "automatic" for none).</summary>
    public static string Describe(this Guard? guard) => guard switch
    {
        null => "automatic",
        CriteriaGuard c => $"criteria{(c.Phase is null ? "" : " phase " + c.Phase)} {string.Join(" or ", c.Outcomes)}",
        TaskGuard t => $"{t.Task} {t.Outcome}{(t.Decision is null ? "" : " " + t.Decision)}",
        EventGuard e => $"event {e.Event}",
        ClockGuard k => $"clock {k.Clock} {(k.Missed ? "missed" : "met")}",
        ConditionGuard c => c.Text,
        AndGuard a => $"({a.Left.Describe()}) and ({a.Right.Describe()})",
        OrGuard o => $"({o.Left.Describe()}) or ({o.Right.Describe()})",
        _ => guard.GetType().Name,
    };
}
