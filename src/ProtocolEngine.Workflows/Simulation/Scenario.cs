using System.Globalization;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace ProtocolEngine.Workflows.Simulation;

/// <summary>
/// A scenario: events on a virtual clock for <c>protocol simulate</c>. JSON; times are <c>t0</c>, <c>t0+3d</c>,
/// <c>t0+20d4h</c> (days, hours, minutes, seconds after <see cref="Start"/>) or ISO instants. See docs/workflows.md.
/// </summary>
public sealed class Scenario
{
    /// <summary>The instant t0.</summary>
    public string Start { get; set; } = "2025-01-06T08:00:00Z";
    /// <summary>The time zone instances count calendar days in (overrides the definition's).</summary>
    public string? TimeZone { get; set; }
    /// <summary>Where the simulation stops: after the last event and every timer up to this time (default: last event + 60 days).</summary>
    public string? Until { get; set; }
    /// <summary>Arms for randomisation.</summary>
    public List<string> Arms { get; set; } = ["A", "B"];
    /// <summary>
    /// Safety rule name to condition (<c>A.AESER = 'Y' and A.AESDTH = 'Y'</c>), compiled in the scope of the instance's
    /// record, for workflows without a protocol (a protocol's own safety rules take their place).
    /// </summary>
    public Dictionary<string, string> SafetyRules { get; set; } = [];
    /// <summary>
    /// Values stated for conditions, by their exact text: "true", "false" or "unknown". They take precedence over
    /// evaluating the compiled condition over the instance's record values.
    /// </summary>
    public Dictionary<string, string> Conditions { get; set; } = [];
    /// <summary>Per subject: the criteria outcome per phase ("all" for all criteria) at t0.</summary>
    public Dictionary<string, ScenarioSubject> Subjects { get; set; } = [];
    /// <summary>People who act: id, printed name, roles and signing password.</summary>
    public List<ScenarioUser> Users { get; set; } = [];
    /// <summary>The events, in any order (sorted by time, stable).</summary>
    public List<ScenarioEvent> Events { get; set; } = [];
    /// <summary>Expected final states: subject or key, then workflow to state.</summary>
    public Dictionary<string, Dictionary<string, string>> Expect { get; set; } = [];

    /// <summary>Reads a scenario; throws <see cref="FormatException"/> naming the file, line and problem.</summary>
    /// <param name="json">The scenario text.</param>
    /// <param name="source">The file, for messages.</param>
    /// <param name="limits">How big a scenario may be (<see cref="ScenarioLimits.Default"/> when null).</param>
    public static Scenario Parse(string json, string source, ScenarioLimits? limits = null)
    {
        limits ??= ScenarioLimits.Default;
        var s = UserJson.Read<Scenario>(json, source, "the scenario");
        if (s.Events.Count > limits.MaxEvents)
            throw new FormatException($"{source}: the scenario has {s.Events.Count:N0} events; at most {limits.MaxEvents:N0} are simulated in one run (split the scenario).");
        var t0 = s.StartInstant(source);
        for (int i = 0; i < s.Events.Count; i++)
        {
            var e = s.Events[i];
            e.Number = i + 1;
            try { e.Time = ParseTime(e.At, t0, limits); }
            catch (FormatException ex) { throw new FormatException($"{source}: event {i + 1}: {ex.Message}", ex); }
            if (!ScenarioEvent.Types.Contains(e.Type))
                throw new FormatException($"{source}: event {i + 1}: unknown type \"{e.Type}\"; expected one of {string.Join(", ", ScenarioEvent.Types)}.");
        }
        if (s.TimeZone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(s.TimeZone) is null)
            throw new FormatException($"{source}: unknown time zone \"{s.TimeZone}\" (expected an IANA name such as Europe/Berlin).");
        if (s.Until is not null)
        {
            try { s.UntilInstant = ParseTime(s.Until, t0, limits); }
            catch (FormatException ex) { throw new FormatException($"{source}: until: {ex.Message}", ex); }
            if (s.UntilInstant < t0) throw new FormatException($"{source}: until \"{s.Until}\" is before the start (t0).");
        }
        return s;
    }

    internal Instant? UntilInstant { get; private set; }

    internal Instant StartInstant(string source)
    {
        var r = InstantPattern.ExtendedIso.Parse(Start);
        if (!r.Success) throw new FormatException($"{source}: start \"{Start}\" is not an ISO instant such as 2025-01-06T08:00:00Z.");
        return r.Value;
    }

    /// <summary>Parses <c>t0</c>, <c>t0+3d</c>, <c>t0+1d12h30m</c> or an ISO instant, within <see cref="ScenarioLimits.MaxSpan"/> of t0.</summary>
    /// <exception cref="FormatException">The text is not a time, or too far from t0.</exception>
    public static Instant ParseTime(string text, Instant t0, ScenarioLimits? limits = null)
    {
        limits ??= ScenarioLimits.Default;
        var t = text.Trim();
        if (!t.StartsWith("t0", StringComparison.Ordinal))
        {
            var iso = InstantPattern.ExtendedIso.Parse(t);
            if (!iso.Success) throw new FormatException($"time \"{text}\" is neither t0+... nor an ISO instant.");
            var offset = iso.Value - t0;
            if (offset > limits.MaxSpan || -offset > limits.MaxSpan) throw TooFar(text, limits);
            return iso.Value;
        }
        var rest = t[2..];
        if (rest.Length == 0) return t0;
        if (rest[0] != '+') throw new FormatException($"time \"{text}\": expected t0+<n>d<n>h<n>m<n>s.");
        var total = Duration.Zero;
        int i = 1;
        while (i < rest.Length)
        {
            int j = i;
            while (j < rest.Length && char.IsDigit(rest[j])) j++;
            if (j == i || j >= rest.Length) throw new FormatException($"time \"{text}\": expected t0+<n>d<n>h<n>m<n>s.");
            // Seconds in the limit fit a long many times over; more digits than that are too far whatever the unit.
            if (j - i > 12 || !long.TryParse(rest[i..j], NumberStyles.None, CultureInfo.InvariantCulture, out long n)) throw TooFar(text, limits);
            long seconds = rest[j] switch
            {
                'd' => n * 86_400,
                'h' => n * 3_600,
                'm' => n * 60,
                's' => n,
                _ => throw new FormatException($"time \"{text}\": unit '{rest[j]}' is not d, h, m or s."),
            };
            if (seconds > (long)limits.MaxSpan.TotalSeconds) throw TooFar(text, limits);
            total += Duration.FromSeconds(seconds);
            if (total > limits.MaxSpan) throw TooFar(text, limits);
            i = j + 1;
        }
        return t0 + total;
    }

    private static FormatException TooFar(string text, ScenarioLimits limits) =>
        new($"time \"{text}\" is more than {limits.MaxSpan.Days:N0} days from t0 (the limit of a scenario).");
}

/// <summary>A subject's starting facts.</summary>
public sealed class ScenarioSubject
{
    /// <summary>Criteria outcome per phase: met, notMet, unknown, attested ("all" for every criterion). Unstated phases are unknown.</summary>
    public Dictionary<string, string> Criteria { get; set; } = [];
    /// <summary>Values for the subject's instances (region, ...).</summary>
    public Dictionary<string, string> Values { get; set; } = [];
}

/// <summary>A person in a scenario.</summary>
public sealed class ScenarioUser
{
    /// <summary>The user id.</summary>
    public string Id { get; set; } = "";
    /// <summary>The printed name shown on signatures.</summary>
    public string Name { get; set; } = "";
    /// <summary>Roles.</summary>
    public List<string> Roles { get; set; } = [];
    /// <summary>The signing password.</summary>
    public string Password { get; set; } = "";
}

/// <summary>One scenario event.</summary>
public sealed class ScenarioEvent
{
    /// <summary>The event types.</summary>
    public static readonly IReadOnlyList<string> Types = ["subjectCreated", "criteria", "data", "event", "claimTask", "completeTask", "reassignTask", "stopClock"];

    /// <summary>When: t0+3d or an ISO instant.</summary>
    public string At { get; set; } = "t0";
    /// <summary>subjectCreated, criteria, data, event, claimTask, completeTask, reassignTask or stopClock.</summary>
    public string Type { get; set; } = "";
    /// <summary>The subject.</summary>
    public string Subject { get; set; } = "";
    /// <summary>For criteria: the phase ("all" for every criterion).</summary>
    public string? Phase { get; set; }
    /// <summary>For criteria: met, notMet, unknown or attested.</summary>
    public string? Outcome { get; set; }
    /// <summary>For data: the domain (AE, LB, ...).</summary>
    public string? Domain { get; set; }
    /// <summary>For data, task and clock events on per-record workflows: the record id.</summary>
    public string? Record { get; set; }
    /// <summary>For data and event: the values.</summary>
    public Dictionary<string, string>? Values { get; set; }
    /// <summary>For event: the event name.</summary>
    public string? Name { get; set; }
    /// <summary>For task events: the workflow (optional when only one workflow has the task).</summary>
    public string? Workflow { get; set; }
    /// <summary>For task events: the task name.</summary>
    public string? Task { get; set; }
    /// <summary>For task events: the user acting.</summary>
    public string? User { get; set; }
    /// <summary>For completeTask: the decision (default: the first allowed decision).</summary>
    public string? Decision { get; set; }
    /// <summary>For completeTask and reassignTask: the reason.</summary>
    public string? Reason { get; set; }
    /// <summary>For completeTask: the password given at signing (default: the user's).</summary>
    public string? Password { get; set; }
    /// <summary>For reassignTask: the new assignee.</summary>
    public string? To { get; set; }
    /// <summary>For stopClock: the clock name.</summary>
    public string? Clock { get; set; }

    [JsonIgnore]
    internal Instant Time { get; set; }

    // The event's 1-based position in the file, for messages.
    [JsonIgnore]
    internal int Number { get; set; }
}

/// <summary>
/// How big a scenario may be: the number of events and how far from t0 its times (and <c>until</c>) may lie. The
/// limits keep a mistyped scenario from running for hours or overflowing the calendar; docs/workflows.md lists them.
/// </summary>
/// <param name="MaxEvents">Events in one scenario.</param>
/// <param name="MaxSpan">How far from t0 an event or <c>until</c> may be.</param>
public sealed record ScenarioLimits(int MaxEvents, Duration MaxSpan)
{
    /// <summary>1,000,000 events within 100 years (36,525 days) of t0.</summary>
    public static ScenarioLimits Default { get; } = new(1_000_000, Duration.FromDays(36_525));
}
