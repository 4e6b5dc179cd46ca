using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Language.Syntax;

namespace ProtocolEngine.Workflows.CrashHost;

/// <summary>The workflow the crash test runs: two timers, a task with a reminder and a due date, and a notification.</summary>
public static class CrashFlow
{
    public const string Name = "CrashFlow";

    public static WorkflowDefinition Definition() => new(
        Name, "Crash test", new WorkflowScope(),
        [
            new StateDefinition("Created", IsInitial: true),
            new StateDefinition("Waiting", Deadline: new DeadlineDefinition(ClockDuration.Parse("2 seconds"), "Review", "first timer")),
            new StateDefinition("Review", Tasks: [new TaskDefinition("Approve", "Approve", TaskKind.Task, ["Reviewer"], Due: ClockDuration.Parse("1 hour"),
                Reminders: [new ReminderDefinition(ClockDuration.Parse("1 second"))])]),
            new StateDefinition("Cooling", Deadline: new DeadlineDefinition(ClockDuration.Parse("1 second"), "Done", "second timer")),
            new StateDefinition("Done", IsFinal: true, EntryActions: [new NotifyAction(Recipient.Role("Sponsor"), "done")]),
        ],
        [
            new TransitionDefinition("Created", "Waiting"),
            new TransitionDefinition("Review", "Cooling", new TaskGuard("Approve", TaskOutcome.Completed)),
        ]);
}
