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
    public static Scenario Parse(string json, string source)
    {
        var s = UserJson.Read<Scenario>(json, source, "the scenario");
        var t0 = s.StartInstant(source);
        for (int i = 0; i < s.Events.Count; i++)
        {
            var e = s.Events[i];
            try { e.Time = ParseTime(e.At, t0); }
            catch (FormatException ex) { throw new FormatException($"{source}: event {i + 1}: {ex.Message}", ex); }
            if (!ScenarioEvent.Types.Contains(e.Type))
                throw new FormatException($"{source}: event {i + 1}: unknown type \"{e.Type}\"; expected one of {string.Join(", ", ScenarioEvent.Types)}.");
        }
        if (s.TimeZone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(s.TimeZone) is null)
            throw new FormatException($"{source}: unknown time zone \"{s.TimeZone}\" (expected an IANA name such as Europe/Berlin).");
        if (s.Until is not null) s.UntilInstant = ParseTime(s.Until, t0);
        return s;
    }

    internal Instant? UntilInstant { get; private set; }

    internal Instant StartInstant(string source)
    {
        var r = InstantPattern.ExtendedIso.Parse(Start);
        if (!r.Success) throw new FormatException($"{source}: start \"{Start}\" is not an ISO instant such as 2025-01-06T08:00:00Z.");
        return r.Value;
    }

    /// <summary>Parses <c>t0</c>, <c>t0+3d</c>, <c>t0+1d12h30m</c> or an ISO instant.</summary>
    public static Instant ParseTime(string text, Instant t0)
    {
        var t = text.Trim();
        if (!t.StartsWith("t0", StringComparison.Ordinal))
        {
            var iso = InstantPattern.ExtendedIso.Parse(t);
            if (iso.Success) return iso.Value;
            throw new FormatException($"time \"{text}\" is neither t0+... nor an ISO instant.");
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
            long n = long.Parse(rest[i..j], CultureInfo.InvariantCulture);
            total += rest[j] switch
            {
                'd' => Duration.FromDays(n),
                'h' => Duration.FromHours(n),
                'm' => Duration.FromMinutes(n),
                's' => Duration.FromSeconds(n),
                _ => throw new FormatException($"time \"{text}\": unit '{rest[j]}' is not d, h, m or s."),
            };
            i = j + 1;
        }
        return t0 + total;
    }
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
    public static readonly string[] Types = ["subjectCreated", "criteria", "data", "event", "claimTask", "completeTask", "reassignTask", "stopClock"];

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
}
