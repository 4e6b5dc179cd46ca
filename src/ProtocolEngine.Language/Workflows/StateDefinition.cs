using System.Text.Json.Serialization;

namespace ProtocolEngine.Language.Workflows;

/// <summary>A workflow state (grammar: stateMember with its stateClauses).</summary>
/// <param name="Name">The state name.</param>
/// <param name="IsInitial">True for the initial state.</param>
/// <param name="IsFinal">True for a final state.</param>
/// <param name="EntryActions">Actions run on entry, in order.</param>
/// <param name="Tasks">The human tasks and gates the state holds, each with its own name (null or empty: none). All of
/// them open when the state is entered, each is decided on its own, and those still open are cancelled when it is left.</param>
/// <param name="Deadline">The state deadline, if any.</param>
public sealed record StateDefinition(
    string Name,
    bool IsInitial = false,
    bool IsFinal = false,
    IReadOnlyList<ActionDefinition>? EntryActions = null,
    IReadOnlyList<TaskDefinition>? Tasks = null,
    DeadlineDefinition? Deadline = null)
{
    /// <summary>The task or gate of that name this state holds, or null.</summary>
    public TaskDefinition? FindTask(string name) => Tasks?.FirstOrDefault(t => t.Name == name);

    /// <summary>True when the state holds a task or gate.</summary>
    [JsonIgnore]
    public bool HasTasks => Tasks is { Count: > 0 };
}

/// <summary>A transition (grammar: transitionMember). Transitions from one state are tried in declaration order.</summary>
/// <param name="From">The source state.</param>
/// <param name="To">The target state.</param>
/// <param name="Guard">The guard, or null for an automatic transition.</param>
/// <param name="Actions">Actions run after the transition (<c>then ...</c>).</param>
public sealed record TransitionDefinition(string From, string To, Guard? Guard = null, IReadOnlyList<ActionDefinition>? Actions = null);
