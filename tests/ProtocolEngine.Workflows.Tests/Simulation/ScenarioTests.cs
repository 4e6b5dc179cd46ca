using System.Text.Json;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Simulation;
using ProtocolEngine.Workflows.Tests.Support;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Workflows.Tests.Simulation;

/// <summary>The acceptance scenarios, run by the engine behind <c>protocol simulate</c> on the LANGUAGE.md workflows (Scenarios/language-examples.protocol).</summary>
public sealed class ScenarioTests
{
    private static string ScenarioPath(string name) => Path.Combine(AppContext.BaseDirectory, "Scenarios", name);

    private static readonly string WorkflowFile = Path.Combine(RepoPaths.Root, "tests", "ProtocolEngine.Workflows.Tests", "Scenarios", "language-examples.workflow.json");

    private static async Task<(SimulationReport Report, TempSqlite Db)> RunAsync(string scenario)
    {
        var db = new TempSqlite();
        // The workflows as `protocol simulate` gets them from the .protocol: compiled and lowered by the language.
        var defs = ExampleWorkflows.Lowered();
        var s = Scenario.Parse(await File.ReadAllTextAsync(ScenarioPath(scenario)), scenario);
        var report = await ScenarioRunner.RunAsync(defs, s, db.Store, protocol: ExampleWorkflows.Protocol);
        Assert.Empty(report.Problems);
        Assert.Empty(report.Unevaluated);
        Assert.Null((await JournalAudit.VerifyAsync(db.Store)).Problems.FirstOrDefault());
        return (report, db);
    }

    private static string Lines(SimulationReport r) => string.Join('\n', r.Timeline.Select(l => $"{l.Offset} {l.Key} {l.Workflow} {l.What}"));

    [Fact]
    public void TheWorkflowFile_IsTheLanguageExamples()
    {
        // The file the CLI and the docs use is the C# model of LANGUAGE.md; regenerate with PROTOCOLENGINE_UPDATE_BASELINES=1.
        var expected = new[] { ExampleWorkflows.Recruitment(), ExampleWorkflows.SaeReporting() };
        var json = JsonSerializer.Serialize(new { workflows = expected }, new JsonSerializerOptions(DefinitionSerializer.Options) { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_UPDATE_BASELINES") == "1") File.WriteAllText(WorkflowFile, json);
        var actual = DefinitionSerializer.ReadFile(File.ReadAllText(WorkflowFile), WorkflowFile);
        Assert.Equal(expected.Select(DefinitionSerializer.ToJson), actual.Select(DefinitionSerializer.ToJson));
    }

    [Fact]
    public async Task AnEligibleCandidate_IsEnrolled()
    {
        var (r, db) = await RunAsync("eligible-enrolled.json");
        using var _ = db;
        var text = Lines(r);
        Assert.Contains("t0+0d 00:00 01-701-1015 Recruitment Prescreening -> ConsentPending (criteria phase prescreen: Met)", text);
        Assert.Contains("t0+3d 00:00 01-701-1015 Recruitment signed by inv1, meaning authorship", text);
        Assert.Contains("t0+3d 00:00 01-701-1015 Recruitment Screening -> Enrolled (criteria: Met)", text);
        Assert.Contains("randomized to", text);
        Assert.DoesNotContain("task reminder sent", text);
    }

    [Fact]
    public async Task ACandidateWithAnUnknownCriterion_GoesToReview_AndThenOn()
    {
        var (r, db) = await RunAsync("unknown-review.json");
        using var _ = db;
        var text = Lines(r);
        Assert.Contains("t0+0d 00:00 01-701-1023 Recruitment Prescreening -> Review (criteria phase prescreen: Unknown (outcome not stated: unknown))", text);
        Assert.Contains("t0+2d 00:00 01-701-1023 Recruitment signed by inv1, meaning approval", text);
        Assert.Contains("t0+2d 00:00 01-701-1023 Recruitment Review -> ConsentPending (InvestigatorApproval: approved)", text);
        Assert.Contains("t0+5d 00:00 01-701-1023 Recruitment Screening -> Enrolled", text);
    }

    [Fact]
    public async Task AMissedConsentDeadline_Escalates()
    {
        var (r, db) = await RunAsync("missed-consent.json");
        using var _ = db;
        var text = Lines(r);
        // Calendar days in Berlin: t0 is 3 March 09:00 there; day 7 ends at t0+7d 15:00, day 14 at t0+14d 15:00.
        Assert.Contains("t0+7d 15:00 01-701-1028 Recruitment task reminder sent", text);
        Assert.Contains("t0+14d 15:00 01-701-1028 Recruitment task ObtainConsent overdue", text);
        Assert.Contains("t0+14d 15:00 01-701-1028 Recruitment task escalated: candidates Investigator -> Investigator,SiteManager", text);
        var task = Assert.Single(await db.Store.ListTasksAsync());
        Assert.Equal(TaskStatus.Open, task.Status);
    }

    [Fact]
    public async Task ASeriousAe_StartsItsClock_AndTheDeadlineIsEnforced()
    {
        var (r, db) = await RunAsync("sae-clock.json");
        using var _ = db;
        var text = Lines(r);
        // AE 1: aware at t0+20d 08:00 UTC (09:00 Berlin, 23 March); 7 calendar days end at midnight Berlin after 30 March (CEST).
        Assert.Contains("t0+20d 00:00 01-701-1015/1 SaeReporting clock FatalSUSAR started: 7 calendar days to Regulator, due 2025-03-30T22:00:00Z (Europe/Berlin)", text);
        Assert.Contains("t0+20d 06:00 01-701-1015/1 SaeReporting clock SeriousAE stopped: met", text);
        Assert.Contains("t0+27d 14:00 01-701-1015/1 SaeReporting clock FatalSUSAR deadline MISSED (due 2025-03-30T22:00:00Z)", text);
        Assert.Contains("t0+27d 14:00 01-701-1015/1 SaeReporting deviation recorded: Missed regulatory deadline FatalSUSAR (7 calendar days to Regulator)", text);
        Assert.Contains("t0+27d 14:00 01-701-1015/1 SaeReporting Reporting -> DeadlineMissed (clock FatalSUSAR missed)", text);
        Assert.Contains("clock FatalSUSAR reminder", text);
        // AE 2 is reported in time and closes; its clock is met.
        Assert.Contains("01-701-1015/2 SaeReporting Reporting -> Closed", text);
        var outbox = await db.Store.ListOutboxAsync();
        Assert.Contains(outbox, m => m.Kind == "incident" && m.Payload.Contains("FatalSUSAR"));
        Assert.Equal(["01-701-1015", "01-701-1015/1", "01-701-1015/2"], r.Finals.Select(f => f.Key));
    }

    [Fact]
    public async Task UnmetExpectations_AreReported()
    {
        using var db = new TempSqlite();
        var defs = DefinitionSerializer.ReadFile(await File.ReadAllTextAsync(WorkflowFile), WorkflowFile);
        var s = Scenario.Parse(await File.ReadAllTextAsync(ScenarioPath("missed-consent.json")), "missed-consent.json");
        s.Expect["01-701-1028"]["Recruitment"] = "Enrolled";
        var report = await ScenarioRunner.RunAsync(defs, s, db.Store);
        Assert.Contains(report.Problems, p => p.Contains("ended in ConsentPending", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ \"events\": [ { \"at\": \"t0+3x\", \"type\": \"subjectCreated\" } ] }", "event 1: time \"t0+3x\"")]
    [InlineData("{ \"events\": [ { \"at\": \"t0\", \"type\": \"explode\" } ] }", "unknown type \"explode\"")]
    [InlineData("{ \"evnts\": [] }", "line 1")]
    [InlineData("{ \"timeZone\": \"Mars/Base\" }", "unknown time zone")]
    public void ABadScenario_SaysWhereAndWhat(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => Scenario.Parse(json, "s.json")).Message);

    [Fact]
    public void Conditions_AreCompiledByTheCompiler_OverARecordTypedByTheModel()
    {
        // What the old pattern matcher could not read: arithmetic, parentheses, numbers typed as numbers.
        var labWatch = new WorkflowDefinition("LabWatch", null, new WorkflowScope("LB", "L"), [new StateDefinition("Open", IsInitial: true)], []);
        var conditions = new ScenarioConditions(null, [labWatch], new Dictionary<string, string>
        {
            ["HighLiverEnzyme"] = "L.LBSTRESN > 3 * L.LBSTNRHI and (L.LBTESTCD = 'ALT' or L.LBTESTCD = 'AST')",
        });
        var now = ProtocolEngine.Runtime.Values.CqlDateTime.ParseIso("2025-03-03");
        WorkflowSubject Record(params (string Key, string Value)[] values) =>
            new("i1", "LabWatch", "S1", "S1/1", values.ToDictionary(v => v.Key, v => v.Value));

        Assert.Equal(["HighLiverEnzyme"], conditions.ApplicableSafetyRules(Record(("LBTESTCD", "ALT"), ("LBSTRESN", "130"), ("LBSTNRHI", "40")), now));
        Assert.Empty(conditions.ApplicableSafetyRules(Record(("LBTESTCD", "ALT"), ("LBSTRESN", "99"), ("LBSTNRHI", "40")), now));
        Assert.Empty(conditions.ApplicableSafetyRules(Record(("LBTESTCD", "GLUC"), ("LBSTRESN", "130"), ("LBSTNRHI", "40")), now));

        // Numbers compare as numbers ("1000" is above "200"), a missing value is unknown, never false.
        var guard = new ConditionGuard("LabWatch@1", "L.LBSTRESN >= 200", "h");
        Assert.True(conditions.Evaluate(guard, Record(("LBSTRESN", "1000")), now).Value);
        Assert.False(conditions.Evaluate(guard, Record(("LBSTRESN", "99.5")), now).Value);
        Assert.Null(conditions.Evaluate(guard, Record(("LBTESTCD", "ALT")), now).Value);

        // A condition the compiler rejects is unknown, and says why.
        var wrong = new ConditionGuard("LabWatch@2", "L.NOSUCHVARIABLE = 'Y'", "h");
        Assert.Null(conditions.Evaluate(wrong, Record(("LBSTRESN", "1")), now).Value);
        Assert.Contains(conditions.Problems, p => p.StartsWith("L.NOSUCHVARIABLE = 'Y' (PE1", StringComparison.Ordinal));
    }
}
