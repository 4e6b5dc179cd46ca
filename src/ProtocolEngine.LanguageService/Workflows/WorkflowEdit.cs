namespace ProtocolEngine.LanguageService.Workflows;

/// <summary>An edit of a workflow graph, applied to the text as a minimal text edit (<see cref="WorkflowEditor"/>).</summary>
public abstract record WorkflowEdit;

/// <summary>Adds a state after the last state; with <paramref name="From"/>, also a transition into it.</summary>
/// <param name="Name">The new state's name.</param>
/// <param name="IsFinal">True to mark it <c>final</c>.</param>
/// <param name="From">A state to add a transition from, or null.</param>
/// <param name="Guard">That transition's condition, or null.</param>
public sealed record AddState(string Name, bool IsFinal = false, string? From = null, string? Guard = null) : WorkflowEdit;

/// <summary>Renames a state everywhere the workflow names it (its declaration, transitions, deadlines).</summary>
/// <param name="Name">The state's name.</param>
/// <param name="NewName">Its new name.</param>
public sealed record RenameState(string Name, string NewName) : WorkflowEdit;

/// <summary>Deletes a state with the transitions into and out of it and the deadlines that lead to it.</summary>
/// <param name="Name">The state's name.</param>
public sealed record DeleteState(string Name) : WorkflowEdit;

/// <summary>Adds a transition after the last transition.</summary>
/// <param name="From">The state it leaves.</param>
/// <param name="To">The state it enters.</param>
/// <param name="Guard">Its condition, or null.</param>
public sealed record AddTransition(string From, string To, string? Guard = null) : WorkflowEdit;

/// <summary>Deletes a transition.</summary>
/// <param name="From">The state it leaves.</param>
/// <param name="To">The state it enters.</param>
/// <param name="Ordinal">Which of the transitions between these states (1 for the first).</param>
public sealed record DeleteTransition(string From, string To, int Ordinal = 1) : WorkflowEdit;

/// <summary>Sets, replaces or (with null) removes a transition's condition, typed as text and checked by the compiler.</summary>
/// <param name="From">The state it leaves.</param>
/// <param name="To">The state it enters.</param>
/// <param name="Guard">The condition as the language writes it, or null for none.</param>
/// <param name="Ordinal">Which of the transitions between these states (1 for the first).</param>
public sealed record SetGuard(string From, string To, string? Guard, int Ordinal = 1) : WorkflowEdit;

/// <summary>Sets the roles that may do a task or decide a gate.</summary>
/// <param name="Task">The task or gate.</param>
/// <param name="Roles">The roles (at least one).</param>
public sealed record SetTaskRoles(string Task, IReadOnlyList<string> Roles) : WorkflowEdit;

/// <summary>Sets, replaces or (with null) removes when a task is due.</summary>
/// <param name="Task">The task or gate.</param>
/// <param name="Due">A duration (<c>14 days</c>, <c>24 hours</c>, a parameter) or null.</param>
public sealed record SetTaskDue(string Task, string? Due) : WorkflowEdit;

/// <summary>Adds an escalation to a task.</summary>
/// <param name="Task">The task or gate.</param>
/// <param name="Role">Who is told.</param>
/// <param name="After">After how long (a duration), or null for when the task is overdue.</param>
public sealed record AddEscalation(string Task, string Role, string? After = null) : WorkflowEdit;
