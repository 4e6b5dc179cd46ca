using System.Text.Json.Serialization;

namespace ProtocolEngine.Workflows.Definitions;

/// <summary>What one instance of a workflow follows (grammar: workflowScope).</summary>
/// <param name="Domain">Null for <c>per subject</c>; otherwise the domain of <c>per DOMAIN Alias</c> (one instance per record).</param>
/// <param name="Alias">The record alias.</param>
/// <param name="StartCondition">The <c>when</c> condition a record must meet to start an instance.</param>
public sealed record WorkflowScope(string? Domain = null, string? Alias = null, ConditionGuard? StartCondition = null)
{
    /// <summary>True for <c>per subject</c>.</summary>
    [JsonIgnore]
    public bool PerSubject => Domain is null;
}

/// <summary>Whether a definition may start instances.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DefinitionStatus>))]
public enum DefinitionStatus
{
    /// <summary>Saved for review; starts no instances.</summary>
    Draft,
    /// <summary>Starts instances; the newest published version of a name is the one used.</summary>
    Published,
}

/// <summary>
/// A workflow definition: one <c>workflow</c> block of a compiled protocol. Each grammar construct maps to one
/// record here. Its content hash covers everything but version and status, so the same text always hashes the same.
/// </summary>
/// <param name="Name">The workflow name.</param>
/// <param name="Title">The human title.</param>
/// <param name="Scope">Per subject or per record.</param>
/// <param name="States">The states, in declaration order.</param>
/// <param name="Transitions">The transitions, in declaration order.</param>
/// <param name="Clocks">The regulatory clocks <c>start clocks</c> may start.</param>
/// <param name="TimeZone">The IANA time zone calendar-day clocks count in (instances may override with data "timeZone").</param>
/// <param name="ProtocolHash">The content hash of the compiled protocol it came from, if any.</param>
public sealed record WorkflowDefinition(
    string Name,
    string? Title,
    WorkflowScope Scope,
    IReadOnlyList<StateDefinition> States,
    IReadOnlyList<TransitionDefinition> Transitions,
    IReadOnlyList<ClockDefinition>? Clocks = null,
    string TimeZone = "UTC",
    string? ProtocolHash = null)
{
    /// <summary>The initial state.</summary>
    [JsonIgnore]
    public StateDefinition Initial => States.First(s => s.IsInitial);

    /// <summary>The state of that name.</summary>
    public StateDefinition GetState(string name) =>
        States.FirstOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"Workflow {Name} has no state \"{name}\".");

    /// <summary>The SHA-256 of the canonical form (lower-case hex).</summary>
    public string ComputeContentHash() => DefinitionSerializer.ContentHash(this);

    /// <summary>Problems that make the definition unusable (unknown states, no initial state, ...); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in States)
            if (!names.Add(s.Name)) problems.Add($"State \"{s.Name}\" is declared twice.");
        int initials = States.Count(s => s.IsInitial);
        if (initials != 1) problems.Add($"A workflow needs exactly one initial state; {Name} has {initials}.");
        foreach (var t in Transitions)
        {
            if (!names.Contains(t.From)) problems.Add($"Transition {t.From} -> {t.To}: state \"{t.From}\" is not declared.");
            if (!names.Contains(t.To)) problems.Add($"Transition {t.From} -> {t.To}: state \"{t.To}\" is not declared.");
            foreach (var task in TaskGuards(t.Guard))
            {
                var from = States.FirstOrDefault(s => s.Name == t.From);
                if (from is not null && from.Task?.Name != task)
                    problems.Add($"Transition {t.From} -> {t.To}: state {t.From} holds no task or gate named \"{task}\".");
            }
            foreach (var clock in ClockGuards(t.Guard))
                if (Clocks?.Any(c => c.Name == clock) != true) problems.Add($"Transition {t.From} -> {t.To}: no clock named \"{clock}\".");
        }
        foreach (var s in States)
        {
            if (s.Deadline is { } d && !names.Contains(d.Target)) problems.Add($"State {s.Name}: deadline target \"{d.Target}\" is not declared.");
            if (s.IsFinal && Transitions.Any(t => t.From == s.Name)) problems.Add($"State {s.Name} is final but has outgoing transitions.");
        }
        foreach (var c in Clocks ?? [])
            if (c.FollowsClock is { } f && Clocks!.All(o => o.Name != f)) problems.Add($"Clock {c.Name} follows unknown clock \"{f}\".");
        if (NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone) is null) problems.Add($"Unknown time zone \"{TimeZone}\".");
        return problems;
    }

    private static IEnumerable<string> TaskGuards(Guard? g) => g switch
    {
        TaskGuard t => [t.Task],
        AndGuard a => TaskGuards(a.Left).Concat(TaskGuards(a.Right)),
        OrGuard o => TaskGuards(o.Left).Concat(TaskGuards(o.Right)),
        _ => [],
    };

    private static IEnumerable<string> ClockGuards(Guard? g) => g switch
    {
        ClockGuard c => [c.Clock],
        AndGuard a => ClockGuards(a.Left).Concat(ClockGuards(a.Right)),
        OrGuard o => ClockGuards(o.Left).Concat(ClockGuards(o.Right)),
        _ => [],
    };
}
