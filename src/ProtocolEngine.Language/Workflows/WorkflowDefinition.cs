using System.Text.Json.Serialization;

namespace ProtocolEngine.Language.Workflows;

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

/// <summary>
/// A workflow definition: the immutable workflow IR the compiler lowers each <c>workflow</c> block to
/// (<see cref="Compilation.CompiledProtocol.WorkflowDefinitions"/>) and the workflow runtime executes. Each grammar
/// construct maps to one record here. JSON is only its serialisation, for storing versioned definitions; a definition
/// that did not come from the compiler (a <c>.workflow.json</c> file, one built in code) is checked by
/// <see cref="WorkflowValidator"/> with the compiler's own diagnostic codes.
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
}
