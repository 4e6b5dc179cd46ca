using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Tests.Support;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Language.Syntax;

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
    public void Validation_FindsEveryProblem_WithTheCompilersCodes()
    {
        var def = new WorkflowDefinition("W", null, new WorkflowScope(),
            [
                new StateDefinition("A", IsInitial: true, Tasks: [new TaskDefinition("Call", null, TaskKind.Task, ["Nurse"]), new TaskDefinition("Call", null, TaskKind.Task, [])]),
                new StateDefinition("B", IsFinal: true, Deadline: new DeadlineDefinition(ClockDuration.Parse("1 day"), "Nowhere", null)),
                new StateDefinition("C", Tasks: [new TaskDefinition("Consent", null, TaskKind.Gate, ["Investigator"], Due: new ClockDuration(0, DurationUnit.Days))]),
                new StateDefinition("D"),
            ],
            [
                new TransitionDefinition("A", "E"),
                new TransitionDefinition("A", "B", new TaskGuard("Consent", TaskOutcome.Completed)),
                new TransitionDefinition("C", "B", new TaskGuard("Consent", TaskOutcome.Decided, "maybe")),
                new TransitionDefinition("B", "A", new ClockGuard("Late", true)),
                new TransitionDefinition("A", "D", Actions: [new StopClockAction("Late")]),
                new TransitionDefinition("D", "C"),
                new TransitionDefinition("C", "D"),
            ],
            [new ClockDefinition("Report", "R", ClockKind.CompleteReport, null, ClockDuration.Parse("8 days"), FollowsClock: "Notify")],
            TimeZone: "Mars/Olympus");
        var codes = def.Validate().Select(d => d.Code).Order(StringComparer.Ordinal).ToList();
        string[] expected =
        [
            "PE1011", // Call declared twice
            "PE2001", // E and Nowhere undeclared
            "PE2001",
            "PE2004", // the second Call has nobody to do it
            "PE2008", // B is final
            "PE2010", // Consent has no decision "maybe"
            "PE2014", // a due date of 0 days
            "PE2022", // A -> B waits for C's task
            "PE2023", // clock Late is never started (guard and action)
            "PE2023",
            "PE2025", // D -> C -> D without conditions
            "PE9008", // Report continues a clock the definition does not have
            "PE9009", // no such time zone
        ];
        Assert.Equal(expected, codes);
        Assert.Empty(ExampleWorkflows.Recruitment().Validate());
        Assert.Empty(ExampleWorkflows.SaeReporting().Validate());
    }

    [Fact]
    public void AStoredDefinitionFromBeforeSeveralTasksPerState_LoadsAsAStateHoldingOneTask()
    {
        // A body as versions before this one stored it: one "task" per state.
        const string stored = """
            {"name":"Old","scope":{},"states":[{"name":"Consent","isInitial":true,"task":{"name":"ObtainConsent","kind":"Task","candidateRoles":["Investigator"],"due":"14 days"}},{"name":"Done","isFinal":true}],
             "transitions":[{"from":"Consent","to":"Done","guard":{"kind":"task","task":"ObtainConsent","outcome":"Completed"}},{"from":"Consent","to":"Done","guard":{"kind":"criteria","outcomes":["NotMet"]},"actions":[{"kind":"notify","recipient":"Investigator"}]}],"timeZone":"UTC"}
            """;
        var def = DefinitionSerializer.FromJson(stored, "wf_definitions row Old@1");
        var task = Assert.Single(def.States[0].Tasks!);
        Assert.Equal(("ObtainConsent", TaskKind.Task, new ClockDuration(14, DurationUnit.Days)), (task.Name, task.Kind, task.Due));
        Assert.Equal(Recipient.Role("Investigator"), ((NotifyAction)def.Transitions[1].Actions![0]).Recipient);
        Assert.Empty(def.Validate());
        Assert.Contains("\"tasks\":[{\"name\":\"ObtainConsent\"", DefinitionSerializer.ToJson(def));
    }

    [Fact]
    public async Task PublishingAnInvalidDefinition_NamesEveryProblemsCode()
    {
        using var h = new Harness();
        var bad = ExampleWorkflows.Recruitment() with { Transitions = [new TransitionDefinition("Identified", "Nowhere")] };
        var ex = await Assert.ThrowsAsync<WorkflowDefinitionException>(() => h.Engine.PublishAsync(bad));
        Assert.Contains(ex.Diagnostics, d => d.Code == "PE2001" && d.Message.Contains("Nowhere", StringComparison.Ordinal));
        Assert.Contains("PE2001", ex.Message, StringComparison.Ordinal);
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
