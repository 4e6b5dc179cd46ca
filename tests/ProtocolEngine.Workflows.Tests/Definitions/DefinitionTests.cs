using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Definitions;

public sealed class DefinitionTests
{
    [Fact]
    public void TheContentHash_IsStable_AndChangesWithTheContent()
    {
        var a = ExampleWorkflows.Recruitment();
        var b = ExampleWorkflows.Recruitment();
        Assert.Equal(a.ComputeContentHash(), b.ComputeContentHash());
        Assert.Equal(64, a.ComputeContentHash().Length);
        var c = a with { States = [.. a.States.Take(a.States.Count - 1), a.States[^1] with { EntryActions = [new RecordDeviationAction("x")] }] };
        Assert.NotEqual(a.ComputeContentHash(), c.ComputeContentHash());
    }

    [Fact]
    public void ADefinition_RoundTripsThroughJson()
    {
        var a = ExampleWorkflows.SaeReporting();
        var json = DefinitionSerializer.ToJson(a);
        var back = DefinitionSerializer.FromJson(json);
        Assert.Equal(json, DefinitionSerializer.ToJson(back));
        Assert.Contains("\"kind\":\"clock\"", json);
    }

    [Fact]
    public void BadJson_NamesTheLine()
    {
        var ex = Assert.Throws<FormatException>(() => DefinitionSerializer.FromJson("{\n \"name\": \"X\",\n \"states\": 3 }", "flow.json"));
        Assert.StartsWith("flow.json: line 3", ex.Message);
    }

    [Fact]
    public void Validation_FindsEveryProblem()
    {
        var def = new WorkflowDefinition("W", null, new WorkflowScope(),
            [new StateDefinition("A", IsInitial: true), new StateDefinition("B", IsFinal: true, Deadline: new DeadlineDefinition(ClockDuration.Parse("1 day"), "Nowhere", null))],
            [new TransitionDefinition("A", "C"), new TransitionDefinition("A", "B", new TaskGuard("Consent", TaskOutcomeKind.Completed)), new TransitionDefinition("B", "A", new ClockGuard("Late", true))],
            TimeZone: "Mars/Olympus");
        var problems = def.Validate();
        Assert.Contains(problems, p => p.Contains("\"C\" is not declared"));
        Assert.Contains(problems, p => p.Contains("no task or gate named \"Consent\""));
        Assert.Contains(problems, p => p.Contains("no clock named \"Late\""));
        Assert.Contains(problems, p => p.Contains("deadline target \"Nowhere\""));
        Assert.Contains(problems, p => p.Contains("B is final"));
        Assert.Contains(problems, p => p.Contains("Mars/Olympus"));
        Assert.Empty(ExampleWorkflows.Recruitment().Validate());
        Assert.Empty(ExampleWorkflows.SaeReporting().Validate());
    }

    [Fact]
    public async Task PublishingAnInvalidDefinition_IsRefused_AndTheSameContentPublishesOnce()
    {
        using var h = new Harness();
        var bad = ExampleWorkflows.Recruitment() with { Transitions = [new TransitionDefinition("Identified", "Nowhere")] };
        await Assert.ThrowsAsync<WorkflowDefinitionException>(() => h.Engine.PublishAsync(bad));
        var draft = await h.Engine.SaveDraftAsync(ExampleWorkflows.Recruitment());
        Assert.Equal(DefinitionStatus.Draft, draft.Status);
        Assert.False((await h.Engine.StartAsync(new StartRequest("Recruitment", "S1"))).Accepted);
        var published = await h.Engine.PublishAsync(ExampleWorkflows.Recruitment());
        Assert.Equal((draft.Id, 1L, DefinitionStatus.Published), (published.Id, published.Version, published.Status));
        Assert.True((await h.Engine.StartAsync(new StartRequest("Recruitment", "S1"))).Accepted);
    }

    [Theory]
    [InlineData("24 hours", 24, DurationUnit.Hours, false)]
    [InlineData("7 calendar days", 7, DurationUnit.Days, true)]
    [InlineData("1 week", 1, DurationUnit.Weeks, false)]
    [InlineData("3d", 3, DurationUnit.Days, false)]
    public void ClockDurations_Parse(string text, int amount, DurationUnit unit, bool calendar) =>
        Assert.Equal(new ClockDuration(amount, unit, calendar), ClockDuration.Parse(text));

    [Fact]
    public void ABadClockDuration_SaysWhatIsExpected() =>
        Assert.Contains("7 calendar days", Assert.Throws<FormatException>(() => ClockDuration.Parse("seven days")).Message);
}
