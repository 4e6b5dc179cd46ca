using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Tests.Support;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Workflows.Tests.Execution;

/// <summary>A state may hold several tasks: all open on entry, each is decided on its own, leaving cancels the rest.</summary>
public sealed class SeveralTasksTests : IDisposable
{
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    private static readonly WorkflowActor Coordinator = new("sc1", ["StudyCoordinator"]);

    private async Task<string> StartAsync(string subject)
    {
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Protocols.TwoTasks, "two-tasks.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        await _h.PublishAsync([.. compiled.WorkflowDefinitions]);
        return await _h.StartSubjectAsync(subject);
    }

    [Fact]
    public async Task BothTasksOpenOnEntry_AndTheStateWaitsForBoth()
    {
        var id = await StartAsync("S1");
        var consent = await _h.OpenTaskAsync(id, "ObtainConsent");
        var visit = await _h.OpenTaskAsync(id, "BookVisit");
        Assert.NotNull(visit.DueAt);

        var booked = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(visit.Id, Coordinator, "completed", "Visit on 12 March"));
        Assert.True(booked.Accepted, booked.Message);
        Assert.Equal("Preparing", booked.State);
        Assert.Equal(TaskStatus.Open, (await _h.Store.GetTaskAsync(consent.Id))!.Status);

        var signed = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(consent.Id, Harness.Investigator, "signed", "Signed at the site"));
        Assert.True(signed.Accepted, signed.Message);
        Assert.Equal("Ready", signed.State);
    }

    [Fact]
    public async Task ADecisionThatLeavesTheState_CancelsTheOtherTask()
    {
        var id = await StartAsync("S2");
        var consent = await _h.OpenTaskAsync(id, "ObtainConsent");
        var visit = await _h.OpenTaskAsync(id, "BookVisit");
        var declined = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(consent.Id, Harness.Investigator, "declined", "Does not wish to take part"));
        Assert.True(declined.Accepted, declined.Message);
        Assert.Equal("Declined", declined.State);
        Assert.Equal(TaskStatus.Cancelled, (await _h.Store.GetTaskAsync(visit.Id))!.Status);
        var late = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(visit.Id, Coordinator, "completed", "Booked anyway"));
        Assert.False(late.Accepted);
        Assert.Equal(CommandRefusal.WrongStatus, late.Refusal);
    }
}
