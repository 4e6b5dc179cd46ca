using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Signatures;
using ProtocolEngine.Workflows.Simulation;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Execution;

/// <summary>The Recruitment workflow driven by the protocol's own compiled criteria over study data.</summary>
public sealed class ProtocolCriteriaHostTests : IDisposable
{
    private readonly TempSqlite _db = new();

    public void Dispose() => _db.Dispose();

    private static TextColumn Text(string name, params string?[] values)
    {
        var dict = values.OfType<string>().Distinct().ToArray();
        return new TextColumn(name, null, [.. values.Select(v => v is null ? -1 : Array.IndexOf(dict, v))], dict, isDateTime: false);
    }

    private static StudyData Study()
    {
        // 01: a 71-year-old man; 02: a 67-year-old postmenopausal woman; 03: a 45-year-old man; 04: a man whose age is missing.
        var dm = new DomainTable("DM", null,
        [
            Text("USUBJID", "01", "02", "03", "04"),
            new NumberColumn("AGE", null, [71, 67, 45, double.NaN]),
            Text("SEX", "M", "F", "M", "M"),
        ], null);
        var mh = new DomainTable("MH", null, [Text("USUBJID", "02"), Text("MHDECOD", "Postmenopausal")], null);
        return new StudyDataBuilder().Add(dm).Add(mh).Build();
    }

    [Fact]
    public async Task TheProtocolsCriteria_DecideThePrescreen_AndMissingDataGoesToReview()
    {
        var clock = new VirtualClock(Harness.T0);
        var host = new ProtocolCriteriaHost(ExampleWorkflows.Protocol, Study(), clock, new ScenarioRuleHost(["Placebo", "XanoHigh"], new Dictionary<string, string>()));
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
        Assert.Equal(ProtocolEngine.Workflows.Definitions.CriteriaOutcome.Attested, all.Outcome);
        Assert.Equal(2, all.RuleHashes.Count);
    }
}
