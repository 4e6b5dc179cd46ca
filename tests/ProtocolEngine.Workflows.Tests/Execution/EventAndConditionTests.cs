using NodaTime;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Tests.Support;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Language.Syntax;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Workflows.Tests.Execution;

public sealed class EventAndConditionTests : IDisposable
{
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    /// <summary>
    /// workflow FollowUp per subject
    ///   state Waiting initial task CallSubject for Nurse due 3 days remind before 1 day
    ///   state Flagged on entry record deviation "Lab out of range", emit LabFlagged
    ///   state Withdrawn final
    ///   state Done final
    ///   Waiting -> Withdrawn when event ConsentWithdrawn
    ///   Waiting -> Flagged when A.LBNRIND = 'HIGH' or A.LBNRIND = 'LOW'
    ///   Waiting -> Done when CallSubject decided reached
    ///   Flagged -> Done when event Reviewed and CallSubject decided reached
    /// </summary>
    private static WorkflowDefinition FollowUp() => new("FollowUp", null, new WorkflowScope(),
        [
            new StateDefinition("Waiting", IsInitial: true, Tasks: [new TaskDefinition("CallSubject", null, TaskKind.Task, ["Nurse"], Due: ClockDuration.Parse("3 days"),
                Reminders: [new ReminderDefinition(ClockDuration.Parse("1 day"), BeforeDue: true)], Decisions: ["reached", "unreachable"])]),
            new StateDefinition("Flagged", EntryActions: [new RecordDeviationAction("Lab out of range"), new EmitAction("LabFlagged")]),
            new StateDefinition("Withdrawn", IsFinal: true),
            new StateDefinition("Done", IsFinal: true),
        ],
        [
            new TransitionDefinition("Waiting", "Withdrawn", new EventGuard("ConsentWithdrawn")),
            new TransitionDefinition("Waiting", "Flagged", new OrGuard(new ConditionGuard("c1", "A.LBNRIND = 'HIGH'", "h1"), new ConditionGuard("c2", "A.LBNRIND = 'LOW'", "h2"))),
            new TransitionDefinition("Waiting", "Done", new TaskGuard("CallSubject", TaskOutcome.Decided, "reached")),
            new TransitionDefinition("Flagged", "Done", new EventGuard("Reviewed")),
        ]);

    [Fact]
    public async Task ANamedEvent_IsCorrelatedByKey_AndCancelsTheStatesTask()
    {
        await _h.PublishAsync(FollowUp());
        var id = await _h.StartSubjectAsync("S1");
        await _h.StartSubjectAsync("S2");
        var r = await _h.Engine.PublishEventAsync(new WorkflowEvent("ConsentWithdrawn", "S1"));
        Assert.Equal([id], r.Delivered);
        Assert.Equal("Withdrawn", (await _h.Store.GetInstanceAsync(id))!.State);
        Assert.Equal(TaskStatus.Cancelled, (await _h.Store.ListTasksAsync(id)).Single().Status);
        Assert.Equal("Waiting", (await _h.InstanceAsync("FollowUp", "S2")).State);
        // The same event again finds nobody waiting: kept, not lost.
        Assert.True((await _h.Engine.PublishEventAsync(new WorkflowEvent("ConsentWithdrawn", "S1"))).Unmatched);
    }

    [Fact]
    public async Task NewData_ReevaluatesAWaitingCondition_UnknownNeverFires()
    {
        await _h.PublishAsync(FollowUp());
        // The guard reads the arriving lab values as the record A (a per-subject workflow has no record of its own):
        // the rule host compiles it in that scope.
        _h.Host.Use(FollowUp() with { Scope = new WorkflowScope("LB", "A") });
        var id = await _h.StartSubjectAsync("S1");
        var unknown = await _h.Engine.PublishEventAsync(new WorkflowEvent(StandardEvents.DataArrived, "S1", new Dictionary<string, string> { ["LBTESTCD"] = "ALT" }, "LB", "7"));
        Assert.Equal([id], unknown.Delivered);
        Assert.Equal("Waiting", (await _h.Store.GetInstanceAsync(id))!.State);
        await _h.Engine.PublishEventAsync(new WorkflowEvent(StandardEvents.DataArrived, "S1", new Dictionary<string, string> { ["LBNRIND"] = "NORMAL" }, "LB", "8"));
        Assert.Equal("Waiting", (await _h.Store.GetInstanceAsync(id))!.State);
        await _h.Engine.PublishEventAsync(new WorkflowEvent(StandardEvents.DataArrived, "S1", new Dictionary<string, string> { ["LBNRIND"] = "LOW" }, "LB", "9"));
        var inst = await _h.Store.GetInstanceAsync(id);
        Assert.Equal("Flagged", inst!.State);
        var journal = await _h.Store.GetJournalAsync(id);
        var t = journal.Single(j => j.Action == "transition" && j.NewValue == "Flagged");
        Assert.Equal("h1,h2", t.RuleHashes);
        Assert.Contains("A.LBNRIND = 'LOW': true", t.Detail);
        var outbox = await _h.Store.ListOutboxAsync(id);
        Assert.Contains(outbox, m => m.Kind == "deviation" && m.Payload.Contains("Lab out of range"));
        Assert.Contains(outbox, m => m.Kind == "event" && m.Recipients.SequenceEqual([Recipient.Event("LabFlagged")]));
        var reviewed = await _h.Engine.PublishEventAsync(new WorkflowEvent("Reviewed", "S1"));
        Assert.Equal([id], reviewed.Delivered);
        Assert.Equal("Done", (await _h.Store.GetInstanceAsync(id))!.State);
    }

    [Fact]
    public async Task ARemindBeforeDue_FiresBeforeTheDueDate_AndDeclaredDecisionsAreEnforced()
    {
        await _h.PublishAsync(FollowUp());
        var id = await _h.StartSubjectAsync("S1");
        await _h.AdvanceAsync(Duration.FromDays(2) + Duration.FromHours(1));
        var reminder = Assert.Single(await _h.Store.ListOutboxAsync(id), m => m.Kind == "reminder");
        Assert.Equal(Harness.T0 + Duration.FromDays(2), reminder.CreatedAt);
        var task = await _h.OpenTaskAsync(id, "CallSubject");
        var nurse = new WorkflowActor("n1", ["Nurse"]);
        Assert.False((await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, nurse, "completed", "called"))).Accepted);
        var r = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, nurse, "unreachable", "no answer"));
        Assert.True(r.Accepted);
        Assert.Equal("Waiting", r.State);
        Assert.False((await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, nurse, "reached", "called back"))).Accepted);
    }

    [Fact]
    public async Task ALoopWithoutWaiting_IsRefused_AndOneTheDataKeepsGoing_FaultsTheInstanceWithItsCode()
    {
        // Transitions without conditions in a circle are refused before anything runs (the compiler's PE2025).
        var loop = new WorkflowDefinition("Loop", null, new WorkflowScope(),
            [new StateDefinition("A", IsInitial: true), new StateDefinition("B")],
            [new TransitionDefinition("A", "B"), new TransitionDefinition("B", "A")]);
        var refused = await Assert.ThrowsAsync<WorkflowDefinitionException>(() => _h.PublishAsync(loop));
        Assert.Equal("PE2025", Assert.Single(refused.Diagnostics).Code);

        // With conditions the loop depends on the data: the subject's unknown age keeps both true, so the runtime stops it.
        var unknown = new CriteriaGuard("prescreen", [CriteriaOutcome.Unknown]);
        await _h.PublishAsync(loop with { Transitions = [new TransitionDefinition("A", "B", unknown), new TransitionDefinition("B", "A", unknown)] });
        var id = await _h.StartSubjectAsync("S1");
        var inst = await _h.Store.GetInstanceAsync(id);
        Assert.Equal("faulted", inst!.Status);
        Assert.StartsWith("PE9007: Workflow Loop made more than 50 transitions", (await _h.Store.GetJournalAsync(id)).Single(j => j.Action == "faulted").Detail);
        Assert.Contains(await _h.Store.ListOutboxAsync(id), m => m.Kind == "incident" && m.Payload.Contains("\"code\":\"PE9007\"", StringComparison.Ordinal));
    }
}
