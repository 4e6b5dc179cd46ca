using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Signatures;
using ProtocolEngine.Workflows.Simulation;
using ProtocolEngine.Workflows.Tests.Support;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Workflows.Tests.Execution;

/// <summary>The example workflows driven by the protocol's own compiled rules over study data.</summary>
public sealed class ProtocolRuleHostTests : IDisposable
{
    private readonly TempSqlite _db = new();

    public void Dispose() => _db.Dispose();

    private static TextColumn Text(string name, params string?[] values)
    {
        var dict = values.OfType<string>().Distinct().ToArray();
        return new TextColumn(name, (string?)null, [.. values.Select(v => v is null ? -1 : Array.IndexOf(dict, v))], dict, isDateTime: false);
    }

    private static NumberColumn Number(string name, params double[] values) => new(name, (string?)null, values);

    private static StudyData Study()
    {
        // 01: a 71-year-old man; 02: a 67-year-old postmenopausal woman; 03: a 45-year-old man; 04: a man whose age is missing.
        var dm = new DomainTable("DM", null,
        [
            Text("USUBJID", "01", "02", "03", "04"),
            new NumberColumn("AGE", (string?)null, [71, 67, 45, double.NaN]),
            Text("SEX", "M", "F", "M", "M"),
        ], null);
        var mh = new DomainTable("MH", null, [Text("USUBJID", "02"), Text("MHDECOD", "Postmenopausal")], null);
        // Subject 01's AEs: 1 fatal and serious, 2 not serious, 3 serious with the death flag missing.
        var ae = new DomainTable("AE", null,
        [
            Text("USUBJID", "01", "01", "01"), Number("AESEQ", 1, 2, 3), Text("AETERM", "MYOCARDIAL INFARCTION", "HEADACHE", "SYNCOPE"),
            Text("AESER", "Y", "N", "Y"), Text("AESDTH", "Y", "N", null), Text("AESLIFE", "N", "N", null),
        ], null);
        return new StudyDataBuilder().Add(dm).Add(mh).Add(ae).Build();
    }

    [Fact]
    public async Task TheProtocolsCriteria_DecideThePrescreen_AndMissingDataGoesToReview()
    {
        var clock = new VirtualClock(Harness.T0);
        var host = new ProtocolRuleHost(ExampleWorkflows.Protocol, Study(), clock, new ScenarioRuleHost(["Placebo", "XanoHigh"]));
        var engine = new WorkflowEngine(_db.Store, host, clock, signers: new Pbkdf2SignerDirectory(1_000));
        await engine.PublishAsync(ExampleWorkflows.Recruitment());
        var states = new Dictionary<string, string>();
        foreach (var s in new[] { "01", "02", "03", "04", "99" })
        {
            var r = await engine.PublishEventAsync(new WorkflowEvent(StandardEvents.SubjectCreated, s));
            states[s] = (await _db.Store.GetInstanceAsync(r.Started.Single()))!.State;
        }
        Assert.Equal("ConsentPending", states["01"]);
        Assert.Equal("ConsentPending", states["02"]);
        Assert.Equal("ScreenFailed", states["03"]);
        Assert.Equal("Review", states["04"]);
        Assert.Equal("Review", states["99"]);

        var incl01 = ExampleWorkflows.Protocol.FindCriterion("INCL01")!;
        var i3 = (await _db.Store.ListInstancesAsync()).Single(i => i.SubjectId == "03");
        var decided = (await _db.Store.GetJournalAsync(i3.Id)).Single(j => j.Action == "transition" && j.NewValue == "ScreenFailed");
        Assert.Equal(incl01.Hash, decided.RuleHashes);
        Assert.Contains("INCL01 NotMet", decided.Detail);

        // Screening asks all criteria: INCL07 is attested by the investigator, so an eligible subject goes to review.
        var all = host.EvaluateCriteria(new WorkflowSubject("", "Recruitment", "01", "01", new Dictionary<string, string>()), null);
        Assert.Equal(ProtocolEngine.Language.Syntax.CriteriaOutcome.Attested, all.Outcome);
        Assert.Equal(2, all.RuleHashes.Count);
    }

    [Fact]
    public async Task TheProtocolsConditions_StartTheSaeWorkflow_AndItsSafetyRulesStartTheClocks()
    {
        var clock = new VirtualClock(Harness.T0);
        var host = new ProtocolRuleHost(ExampleWorkflows.Protocol, Study(), clock, new ScenarioRuleHost([]));
        var engine = new WorkflowEngine(_db.Store, host, clock);
        await engine.PublishAsync(ExampleWorkflows.SaeReporting());
        async Task<IReadOnlyList<string>> Arrive(string seq) =>
            (await engine.PublishEventAsync(new WorkflowEvent(StandardEvents.DataArrived, "01", new Dictionary<string, string>(), "AE", seq))).Started;

        var fatal = Assert.Single(await Arrive("1"));
        Assert.Equal(["FatalSUSAR", "FatalSUSAR.complete", "FatalSUSAR.followUp", "SeriousAE"], (await engine.GetClocksAsync(fatal)).Select(c => c.Name).Order());
        Assert.Empty(await Arrive("2"));
        // AE 3 is serious but its death and life-threatening flags are missing: the SUSAR clock starts anyway.
        var unknown = Assert.Single(await Arrive("3"));
        Assert.Contains("FatalSUSAR", (await engine.GetClocksAsync(unknown)).Select(c => c.Name));
        // A record the study data does not hold: its start condition is unknown, so the workflow starts for a person to look.
        var missing = Assert.Single(await Arrive("9"));
        Assert.Contains("\"startConditionUnknown\":\"true\"", (await _db.Store.GetInstanceAsync(missing))!.Data);
    }

    [Fact]
    public async Task AConditionStoredWithAPositionId_IsFoundByItsText_AndTheJournalNamesTheHashOfTheRuleThatRan()
    {
        var clock = new VirtualClock(Harness.T0);
        var host = new ProtocolRuleHost(ExampleWorkflows.Protocol, Study(), clock, new ScenarioRuleHost([]));
        var engine = new WorkflowEngine(_db.Store, host, clock);
        // Definitions stored before rule ids named a condition by the workflow and its offset in the file, with another hash.
        var current = ExampleWorkflows.SaeReporting();
        var legacy = current with { Scope = current.Scope with { StartCondition = new ConditionGuard("SaeReporting@2841", "A.AESER = 'Y'", new string('0', 64)) } };
        await engine.PublishAsync(legacy);
        var started = (await engine.PublishEventAsync(new WorkflowEvent(StandardEvents.DataArrived, "01", new Dictionary<string, string>(), "AE", "1"))).Started;
        var entry = (await _db.Store.GetJournalAsync(Assert.Single(started))).Single(j => j.Action == "start-condition");
        Assert.Equal("true", entry.NewValue);
        Assert.Equal(new string('0', 64) + "," + ExampleWorkflows.Protocol.Rules["start:SaeReporting"].Hash, entry.RuleHashes);
        Assert.Empty((await engine.PublishEventAsync(new WorkflowEvent(StandardEvents.DataArrived, "01", new Dictionary<string, string>(), "AE", "2"))).Started);
    }
}
