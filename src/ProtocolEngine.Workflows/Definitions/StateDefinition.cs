namespace ProtocolEngine.Workflows.Definitions;

/// <summary>A workflow state (grammar: stateMember with its stateClauses).</summary>
/// <param name="Name">The state name.</param>
/// <param name="IsInitial">True for the initial state.</param>
/// <param name="IsFinal">True for a final state.</param>
/// <param name="EntryActions">Actions run on entry, in order.</param>
/// <param name="Task">The human task or gate the state holds, if any.</param>
/// <param name="Deadline">The state deadline, if any.</param>
public sealed record StateDefinition(
    string Name,
    bool IsInitial = false,
    bool IsFinal = false,
    IReadOnlyList<ActionDefinition>? EntryActions = null,
    TaskDefinition? Task = null,
    DeadlineDefinition? Deadline = null);

/// <summary>A transition (grammar: transitionMember). Transitions from one state are tried in declaration order.</summary>
/// <param name="From">The source state.</param>
/// <param name="To">The target state.</param>
/// <param name="Guard">The guard, or null for an automatic transition.</param>
/// <param name="Actions">Actions run after the transition (<c>then ...</c>).</param>
public sealed record TransitionDefinition(string From, string To, Guard? Guard = null, IReadOnlyList<ActionDefinition>? Actions = null);
