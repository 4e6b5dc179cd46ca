using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Checks.Queries;

/// <summary>
/// The workflow a data query follows, one definition per role a check routes its queries to
/// (<c>DataQuery.DataManager</c>, ...):
/// <code>
/// state Open initial task AnswerQuery "Answer the data query" for ROLE decisions corrected, explained
/// state Answered
/// state Closed final
/// Open     -> Closed   when event FindingResolved
/// Open     -> Answered when AnswerQuery completed
/// Answered -> Closed   when event FindingResolved
/// Answered -> Open     when event FindingPersists
/// </code>
/// A re-run of the checks closes a query (FindingResolved, with the evidence of the fix) and sends an answered
/// query whose finding is still there back to its role (FindingPersists). Its scope names no SDTM domain, so
/// no subject or data event ever starts one: only a finding does.
/// </summary>
internal static class DataQueryWorkflow
{
    /// <summary>The prefix of the workflow names.</summary>
    public const string Prefix = "DataQuery.";

    /// <summary>The task the role answers.</summary>
    public const string Task = "AnswerQuery";

    /// <summary>The event a re-run sends when the finding no longer holds.</summary>
    public const string Resolved = "FindingResolved";

    /// <summary>The event a re-run sends to an answered query whose finding still holds.</summary>
    public const string Persists = "FindingPersists";

    /// <summary>The decisions a person records when answering.</summary>
    public static readonly IReadOnlyList<string> Decisions = ["corrected", "explained"];

    /// <summary>The workflow name for a role.</summary>
    public static string NameFor(string role) => Prefix + role;

    /// <summary>The definition for a role.</summary>
    public static WorkflowDefinition For(string role) => new(
        NameFor(role),
        $"Data query for {role}",
        new WorkflowScope(Domain: "DATAQUERY"),
        [
            new StateDefinition("Open", IsInitial: true,
                Tasks: [new TaskDefinition(Task, "Answer the data query", TaskKind.Task, [role], Decisions: Decisions)]),
            new StateDefinition("Answered"),
            new StateDefinition("Closed", IsFinal: true),
        ],
        [
            new TransitionDefinition("Open", "Closed", new EventGuard(Resolved)),
            new TransitionDefinition("Open", "Answered", new TaskGuard(Task, TaskOutcome.Completed)),
            new TransitionDefinition("Answered", "Closed", new EventGuard(Resolved)),
            new TransitionDefinition("Answered", "Open", new EventGuard(Persists)),
        ]);
}
