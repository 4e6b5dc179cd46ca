using ProtocolEngine.LanguageService.Workflows;
using ProtocolEngine.Server.Problems;

namespace ProtocolEngine.Server.Designer;

/// <summary>A text being edited.</summary>
/// <param name="Text">The whole .protocol text as the editor holds it.</param>
internal sealed record DesignerTextBody(string? Text);

/// <summary>A position in a text being edited.</summary>
/// <param name="Text">The whole text.</param>
/// <param name="Offset">The cursor, as a UTF-16 offset into the text.</param>
/// <param name="StudyId">A study whose values completion offers (LBTESTCD, QSTESTCD, ...), or null.</param>
internal sealed record DesignerPositionBody(string? Text, int? Offset, string? StudyId = null);

/// <summary>
/// A graph edit of one workflow of a text. <c>kind</c> says which, and which other fields it reads: addState (name, final,
/// from, guard), renameState (name, newName), deleteState (name), addTransition (from, to, guard), deleteTransition (from,
/// to, ordinal), setGuard (from, to, guard, ordinal; no guard removes it), setTaskRoles (task, roles), setTaskDue (task, due;
/// no due removes it), addEscalation (task, role, after).
/// </summary>
/// <param name="Text">The whole text.</param>
/// <param name="TextHash">The <c>textHash</c> of the graph the edit was made on: a text that changed since is refused (409).</param>
/// <param name="Kind">The edit.</param>
/// <param name="Name">A state's name.</param>
/// <param name="NewName">A state's new name.</param>
/// <param name="Final">True for a new final state.</param>
/// <param name="From">The state a transition leaves.</param>
/// <param name="To">The state a transition enters.</param>
/// <param name="Guard">A transition's condition, as the language writes it.</param>
/// <param name="Ordinal">Which transition between the same states (1 for the first).</param>
/// <param name="Task">A task or gate.</param>
/// <param name="Roles">The roles that may do a task.</param>
/// <param name="Due">When a task is due (a duration or a parameter).</param>
/// <param name="Role">The role an escalation tells.</param>
/// <param name="After">After how long an escalation fires (none: when the task is overdue).</param>
internal sealed record WorkflowEditBody(string? Text, string? TextHash, string? Kind, string? Name = null, string? NewName = null, bool? Final = null,
    string? From = null, string? To = null, string? Guard = null, int? Ordinal = null, string? Task = null, string[]? Roles = null, string? Due = null,
    string? Role = null, string? After = null)
{
    /// <summary>The edit the language service applies.</summary>
    /// <exception cref="ApiException">The kind is unknown or a field it needs is missing (400).</exception>
    public WorkflowEdit ToEdit()
    {
        string Need(string? value, string field) =>
            string.IsNullOrWhiteSpace(value) ? throw new ApiException(ApiErrors.BadRequest, $"A {Kind} edit needs \"{field}\".") : value;
        int ordinal = Ordinal ?? 1;
        if (ordinal < 1) throw new ApiException(ApiErrors.BadRequest, "ordinal is 1 or more.");
        return Kind switch
        {
            "addState" => new AddState(Need(Name, "name"), Final ?? false, Blank(From), Blank(Guard)),
            "renameState" => new RenameState(Need(Name, "name"), Need(NewName, "newName")),
            "deleteState" => new DeleteState(Need(Name, "name")),
            "addTransition" => new AddTransition(Need(From, "from"), Need(To, "to"), Blank(Guard)),
            "deleteTransition" => new DeleteTransition(Need(From, "from"), Need(To, "to"), ordinal),
            "setGuard" => new SetGuard(Need(From, "from"), Need(To, "to"), Blank(Guard), ordinal),
            "setTaskRoles" => new SetTaskRoles(Need(Task, "task"), Roles is { Length: > 0 } roles && roles.All(r => !string.IsNullOrWhiteSpace(r))
                ? roles : throw new ApiException(ApiErrors.BadRequest, "A setTaskRoles edit needs \"roles\": one role or more.")),
            "setTaskDue" => new SetTaskDue(Need(Task, "task"), Blank(Due)),
            "addEscalation" => new AddEscalation(Need(Task, "task"), Need(Role, "role"), Blank(After)),
            null => throw new ApiException(ApiErrors.BadRequest, "Name the edit as \"kind\": addState, renameState, deleteState, addTransition, deleteTransition, setGuard, setTaskRoles, setTaskDue or addEscalation."),
            _ => throw new ApiException(ApiErrors.BadRequest, $"No edit \"{Kind}\"; the kinds are addState, renameState, deleteState, addTransition, deleteTransition, setGuard, setTaskRoles, setTaskDue and addEscalation."),
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>A text whose criteria to preview over a study.</summary>
/// <param name="Text">The whole text.</param>
/// <param name="AsOf">The date the rules take as today (YYYY-MM-DD); today when not given.</param>
internal sealed record CriteriaPreviewBody(string? Text, string? AsOf = null);

/// <summary>A text to save as a draft version.</summary>
/// <param name="Text">The whole text.</param>
/// <param name="BaseVersion">The version it was edited from (NAME@N), or null for a protocol never saved.</param>
internal sealed record SaveDraftBody(string? Text, string? BaseVersion = null);
