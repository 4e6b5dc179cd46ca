using NodaTime;
using NodaTime.Text;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Simulation;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Safety.Replays;

/// <summary>
/// How the people of a replay behave: when each task is done after it opens, what they decide, and when they work.
/// A replay's figures (clocks met and missed) hold under these assumptions only, so every report states them.
/// JSON (comments allowed); see docs/safety.md.
/// </summary>
public sealed class ReplayAssumptions
{
    /// <summary>The sites' time zone (IANA): awareness, working hours and calendar-day clocks count in it.</summary>
    public string TimeZone { get; set; } = "America/New_York";

    /// <summary>The time of day of awareness on a record's start date (Day 0): <c>09:00</c>.</summary>
    public string AwarenessTime { get; set; } = "09:00";

    /// <summary>True: people act on working days only (Monday to Friday, <see cref="WorkdayStart"/> to <see cref="WorkdayEnd"/>); a task due to be done outside them is done at the next start of a working day.</summary>
    public bool WorkingDaysOnly { get; set; }

    /// <summary>Start of the working day.</summary>
    public string WorkdayStart { get; set; } = "09:00";

    /// <summary>End of the working day.</summary>
    public string WorkdayEnd { get; set; } = "17:00";

    /// <summary>How long after the last record the replay runs on (every clock of every record ends well inside 60 days).</summary>
    public string RunOn { get; set; } = "60 days";

    /// <summary>Per task name: when it is done and what is decided.</summary>
    public Dictionary<string, TaskAssumption> Tasks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>For tasks not listed: done this long after opening, with the task's first decision.</summary>
    public TaskAssumption Default { get; set; } = new() { After = "1 day" };

    /// <summary>A short name for reports ("prompt", "working days").</summary>
    public string Name { get; set; } = "custom";

    /// <summary>
    /// The standard assumption for the std.expedited escalation workflow: every person acts promptly, 7 days a week; the
    /// investigator notifies the sponsor 4 hours after awareness, the medical monitor agrees with the rules one day
    /// after notification (an expedited report when a SUSAR clock runs, none otherwise), the safety physician drafts in
    /// a day, signs and submits the next day, sends the complete report of a fatal or life-threatening SUSAR 3 days
    /// later and the follow-up 3 days after that.
    /// </summary>
    public static ReplayAssumptions Prompt() => new()
    {
        Name = "prompt",
        Tasks = new(StringComparer.Ordinal)
        {
            ["ConfirmSeriousness"] = new() { After = "4 hours", Decision = "serious" },
            ["NotifySponsor"] = new() { After = "4 hours" },
            ["MedicalReview"] = new() { After = "1 day", Decision = "expedited", OnlyIfClockStarted = ["FatalSUSAR", "OtherSUSAR"], Otherwise = "notExpedited" },
            ["DraftReport"] = new() { After = "1 day" },
            ["SubmitReport"] = new() { After = "1 day" },
            ["SubmitCompleteReport"] = new() { After = "3 days" },
            ["SubmitFollowUp"] = new() { After = "3 days" },
            ["ConfirmAdverseEvent"] = new() { After = "2 days", Decision = "confirmed" },
        },
    };

    /// <summary>The same delays, but people act on working days only, 09:00 to 17:00.</summary>
    public static ReplayAssumptions WorkingDays()
    {
        var a = Prompt();
        a.Name = "working days";
        a.WorkingDaysOnly = true;
        return a;
    }

    /// <summary>Reads assumptions; throws <see cref="FormatException"/> naming the file, line and problem.</summary>
    public static ReplayAssumptions Parse(string json, string source)
    {
        var a = UserJson.Read<ReplayAssumptions>(json, source, "the assumptions file");
        try
        {
            a.Validate();
            a.Tasks = new Dictionary<string, TaskAssumption>(a.Tasks, StringComparer.Ordinal);
        }
        catch (FormatException ex) { throw new FormatException($"{source}: {ex.Message}", ex); }
        return a;
    }

    /// <summary>Checks every value; throws <see cref="FormatException"/> with the first problem.</summary>
    public void Validate()
    {
        // JSON null is allowed by the serialiser for any member; here every member has a meaning, so null is a mistake.
        foreach (var (value, what) in new[] { (TimeZone, "timeZone"), (AwarenessTime, "awarenessTime"), (WorkdayStart, "workdayStart"), (WorkdayEnd, "workdayEnd"), (RunOn, "runOn") })
            if (value is null) throw new FormatException($"{what} is null; leave it out for the default or give a value.");
        if (Tasks is null) throw new FormatException("tasks is null; leave it out or give an object of task names.");
        if (Default is null) throw new FormatException("default is null; leave it out or give { \"after\": \"1 day\" }.");
        foreach (var (name, t) in Tasks)
            if (t is null) throw new FormatException($"tasks.{name} is null; give an object such as {{ \"after\": \"1 day\" }}.");
        foreach (var (field, t) in Tasks.Select(p => ($"tasks.{p.Key}", p.Value)).Append(("default", Default)))
            if (t.After is null) throw new FormatException($"{field}.after is null; give a duration such as 1 day.");
        _ = Zone;
        _ = Time(AwarenessTime, "awarenessTime");
        if (Time(WorkdayStart, "workdayStart") >= Time(WorkdayEnd, "workdayEnd")) throw new FormatException("workdayStart must come before workdayEnd.");
        _ = Length(RunOn, "runOn");
        foreach (var (field, t) in Tasks.Select(p => ($"tasks.{p.Key}", p.Value)).Append(("default", Default))) _ = Length(t.After, $"{field}.after");
    }

    internal DateTimeZone Zone => DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone) ?? throw new FormatException($"timeZone \"{TimeZone}\" is not an IANA time zone such as America/New_York.");

    internal static LocalTime Time(string text, string what)
    {
        var r = LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text);
        return r.Success ? r.Value : throw new FormatException($"{what} \"{text}\" is not a time of day such as 09:00.");
    }

    internal static ClockDuration Length(string text, string what)
    {
        try { return ClockDuration.Parse(text); }
        catch (FormatException) { throw new FormatException($"{what} \"{text}\" is not a duration such as 20 hours or 3 days."); }
    }

    internal TaskAssumption For(string task) => Tasks.TryGetValue(task, out var t) ? t : Default;

    /// <summary>When a person does what they planned for <paramref name="planned"/>: then, or at the next working time.</summary>
    internal Instant ActAt(Instant planned)
    {
        if (!WorkingDaysOnly) return planned;
        var zone = Zone;
        var start = Time(WorkdayStart, "workdayStart");
        var end = Time(WorkdayEnd, "workdayEnd");
        var local = planned.InZone(zone).LocalDateTime;
        var date = local.Date;
        if (local.TimeOfDay >= end) date = date.PlusDays(1);
        else if (local.TimeOfDay >= start && IsWorkday(date)) return planned;
        while (!IsWorkday(date)) date = date.PlusDays(1);
        var at = date.At(start);
        return at.InZoneLeniently(zone).ToInstant() < planned ? planned : at.InZoneLeniently(zone).ToInstant();
    }

    private static bool IsWorkday(LocalDate d) => d.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday);
}

/// <summary>What people do with one task.</summary>
public sealed class TaskAssumption
{
    /// <summary>How long after the task opens it is done (<c>20 hours</c>, <c>1 day</c>).</summary>
    public string After { get; set; } = "1 day";

    /// <summary>The decision (default: the task's first decision).</summary>
    public string? Decision { get; set; }

    /// <summary>Take <see cref="Decision"/> only when one of these clocks was started for the instance (the rules said so); else <see cref="Otherwise"/>.</summary>
    public List<string>? OnlyIfClockStarted { get; set; }

    /// <summary>The decision when none of <see cref="OnlyIfClockStarted"/> was started.</summary>
    public string? Otherwise { get; set; }
}
