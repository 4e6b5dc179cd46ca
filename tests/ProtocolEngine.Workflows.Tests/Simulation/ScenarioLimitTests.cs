using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Simulation;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Simulation;

/// <summary>
/// A simulation is never a pass when a workflow faulted, and a scenario's size and times are bounded with clear
/// errors (a huge <c>until</c> was an internal ArgumentOutOfRangeException).
/// </summary>
public sealed class ScenarioLimitTests
{
    // Both transitions hold when the criteria are met: the definition is valid, the run loops and faults.
    private static readonly WorkflowDefinition Loop = DefinitionSerializer.ReadFile("""
        { "workflows": [ { "name": "Loop", "scope": {}, "states": [
          { "name": "A", "isInitial": true, "isFinal": false }, { "name": "B", "isInitial": false, "isFinal": false },
          { "name": "Done", "isInitial": false, "isFinal": true } ],
          "transitions": [
            { "from": "A", "to": "B", "guard": { "kind": "criteria", "phase": "all", "outcomes": ["Met"] } },
            { "from": "B", "to": "A", "guard": { "kind": "criteria", "phase": "all", "outcomes": ["Met"] } },
            { "from": "B", "to": "Done", "guard": { "kind": "criteria", "phase": "all", "outcomes": ["NotMet"] } } ] } ] }
        """, "loop.workflow.json")[0];

    [Fact]
    public async Task AFaultedWorkflow_IsAProblem_NeverEveryExpectationMet()
    {
        using var db = new TempSqlite();
        var scenario = Scenario.Parse("""{ "subjects": { "S1": { "criteria": { "all": "met" } } }, "events": [ { "at": "t0", "type": "subjectCreated", "subject": "S1" } ] }""", "loop.json");
        var report = await ScenarioRunner.RunAsync([Loop], scenario, db.Store);
        var final = Assert.Single(report.Finals);
        Assert.Equal("faulted", final.Status);
        var problem = Assert.Single(report.Problems);
        Assert.Contains("Loop for S1 faulted in state", problem);
        Assert.Contains("PE9007", problem);
    }

    [Theory]
    [InlineData("t0+99999999999d")]
    [InlineData("t0+36526d")]
    [InlineData("t0+999999999999999999999h")]
    [InlineData("3025-01-01T00:00:00Z")]
    public void AnUntilBeyondTheLimit_IsAFormatError_NamingIt(string until)
    {
        var ex = Assert.Throws<FormatException>(() => Scenario.Parse($$"""{ "until": "{{until}}", "events": [] }""", "far.json"));
        Assert.Contains("far.json: until: time", ex.Message);
        Assert.Contains("36,525 days from t0", ex.Message);
    }

    [Fact]
    public void AnEventBeyondTheLimit_NamesTheEvent()
    {
        var ex = Assert.Throws<FormatException>(() => Scenario.Parse("""{ "events": [ { "at": "t0", "type": "subjectCreated", "subject": "S1" }, { "at": "t0+40000d", "type": "subjectCreated", "subject": "S2" } ] }""", "far.json"));
        Assert.StartsWith("far.json: event 2: time \"t0+40000d\"", ex.Message);
    }

    [Fact]
    public void TooManyEvents_AreRefused_BeforeAnyRuns()
    {
        var ex = Assert.Throws<FormatException>(() => Scenario.Parse("""{ "events": [ { "at": "t0", "type": "subjectCreated", "subject": "S1" }, { "at": "t0", "type": "subjectCreated", "subject": "S2" } ] }""",
            "many.json", new ScenarioLimits(1, NodaTime.Duration.FromDays(10))));
        Assert.Contains("the scenario has 2 events; at most 1 are simulated", ex.Message);
    }

    [Fact]
    public void AnUntilBeforeTheStart_IsRefused()
    {
        var ex = Assert.Throws<FormatException>(() => Scenario.Parse("""{ "start": "2025-01-06T08:00:00Z", "until": "2024-01-01T00:00:00Z", "events": [] }""", "early.json"));
        Assert.Contains("is before the start", ex.Message);
    }

    [Fact]
    public async Task AThousandEvents_RunOnTheScratchStore_WithoutListingEveryInstancePerEvent()
    {
        // Five events per subject; the consent task is completed by looking its instance up by key.
        var events = string.Join(",", Enumerable.Range(0, 200).SelectMany(i => new[]
        {
            $$"""{"at":"t0+{{i}}m","type":"subjectCreated","subject":"S{{i}}"}""",
            $$"""{"at":"t0+{{3 * 1440 + i}}m","type":"completeTask","subject":"S{{i}}","task":"ObtainConsent","user":"inv1","reason":"signed"}""",
        }));
        var subjects = string.Join(",", Enumerable.Range(0, 200).Select(i => $"\"S{i}\":{{\"criteria\":{{\"prescreen\":\"met\",\"all\":\"met\"}}}}"));
        var scenario = Scenario.Parse("""{"users":[{"id":"inv1","name":"Dr. A","roles":["Investigator"],"password":"pw"}],"subjects":{""" + subjects + """},"events":[""" + events + "]}", "many.json");
        using var store = new SqliteWorkflowStore(Path.Combine(Path.GetTempPath(), "unused.db"), scratch: true);
        await store.MigrateAsync();
        var report = await ScenarioRunner.RunAsync(ExampleWorkflows.Lowered(), scenario, store);
        Assert.Empty(report.Problems);
        Assert.Equal(200, report.Finals.Count(f => f.Workflow == "Recruitment"));
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "unused.db")));
    }
}
