using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Safety.Randomization;
using ProtocolEngine.Workflows.Signatures;
using ProtocolEngine.Workflows.Simulation;
using ProtocolEngine.Workflows.Tests.Support;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Safety.Tests.Randomization;

/// <summary>The pilot protocol's own scheme (three arms 1:1:1, blocks of 6, stratified by DM.SITEID) on the pilot's real subjects.</summary>
public sealed class ProtocolRandomizerTests : IDisposable
{
    private readonly TempSqlite _db = new();

    public void Dispose() => _db.Dispose();

    private static readonly byte[] Secret = PermutedBlockRandomizer.SeedFrom(20140101);

    private static WorkflowSubject Subject(string id, Dictionary<string, string>? values = null) =>
        new("", "Recruitment", id, id, values ?? new Dictionary<string, string>());

    [Fact]
    public void EveryPilotSubject_IsRandomisedInItsSite_AndEverySiteStaysWithinOneBlock()
    {
        var study = PilotData.XptStudy;
        var randomizer = new ProtocolRandomizer(PilotData.PilotProtocol, study, Secret);
        Assert.Equal(["DM.SITEID"], randomizer.Factors);
        var bySite = new Dictionary<string, Dictionary<string, int>>();
        foreach (var id in study.SubjectIds)
        {
            var r = randomizer.Randomize(Subject(id));
            var stratum = ProtocolRandomizer.StratumFromMethod(r.Method);
            Assert.NotNull(stratum);
            // USUBJID 01-701-1015 is at site 701: the stratum is read from DM by the protocol's compiled factor.
            Assert.Equal($"DM.SITEID={id.Split('-')[1]}", stratum);
            Assert.DoesNotContain("block of", r.Method, StringComparison.Ordinal);
            Assert.Single(r.RuleHashes);
            if (!bySite.TryGetValue(stratum!, out var c)) bySite[stratum!] = c = new() { ["Placebo"] = 0, ["XanoLow"] = 0, ["XanoHigh"] = 0 };
            c[r.Arm]++;
        }
        Assert.Equal(17, bySite.Count);
        foreach (var (site, c) in bySite)
        {
            int n = c.Values.Sum();
            // Within one block of 6: each arm at most 2 away from n/3.
            Assert.All(c.Values, v => Assert.InRange(v * 3.0, n - 6.0, n + 6.0));
            if (n % 6 == 0) Assert.All(c.Values, v => Assert.Equal(n / 3, v));
        }
        // The same secret reproduces every allocation.
        var again = new ProtocolRandomizer(PilotData.PilotProtocol, study, Secret);
        Assert.All(study.SubjectIds.Take(60), id => Assert.Equal(randomizer.Randomize(Subject(id)).Arm, again.Randomize(Subject(id)).Arm));
    }

    [Fact]
    public void ASubjectTheDataDoNotHold_TakesTheFactorFromItsValues_OrIsRandomisedInTheMissingStratum()
    {
        var randomizer = new ProtocolRandomizer(PilotData.PilotProtocol, PilotData.XptStudy, Secret);
        Assert.Equal("DM.SITEID=799", randomizer.StratumOf("NEW-1", new Dictionary<string, string> { ["DM.SITEID"] = "799" }));
        var r = randomizer.Randomize(Subject("NEW-2"));
        Assert.Equal($"DM.SITEID={ProtocolRandomizer.MissingValue}", ProtocolRandomizer.StratumFromMethod(r.Method));
    }

    [Fact]
    public void StrataAreReadOnTheEnginesClock_AndAFactorThatFails_IsRandomisedAsMissing_WithTheFailureJournaled()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pe-strata-{Guid.NewGuid():N}.protocol");
        File.WriteAllText(path, """
            protocol Strata version "1"
              data SDTM "3.4"
            define Era: if Today() < @2010-01-01 then 'before 2010' else 'from 2010'
            // An interval whose low end is above its high end: a runtime error (PE9004) for every subject over 3.
            define Broken: if DM.AGE in Interval[DM.AGE, 3] then 'x' else 'y'
            arms
              A "A" ratio 1
              B "B" ratio 1
              randomize permuted blocks of 2 stratified by Era, Broken
            """);
        try
        {
            var protocol = PilotData.Compile(path);
            // A virtual date the system clock can never give again: the stratum must come from the engine's clock.
            var clock = new VirtualClock(NodaTime.Instant.FromUtc(2001, 6, 1, 0, 0));
            var randomizer = new ProtocolRandomizer(protocol, PilotData.XptStudy, Secret, clock);
            var r = randomizer.Randomize(Subject("01-701-1015"));
            Assert.Equal($"Era=before 2010; Broken={ProtocolRandomizer.MissingValue}", ProtocolRandomizer.StratumFromMethod(r.Method));
            Assert.Contains("| note: Broken could not be evaluated (PE9004", r.Method, StringComparison.Ordinal);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AProtocolWithoutASeed_NeedsTheServicesSecret()
    {
        // The pilot protocol states no seed: the randomisation service must give one.
        Assert.Throws<ArgumentException>(() => new ProtocolRandomizer(PilotData.PilotProtocol, PilotData.XptStudy));
        var nsclc = PilotData.Compile(Path.Combine(RepoPaths.Root, "protocols", "nsclc-recist.protocol"));
        var seeded = new ProtocolRandomizer(nsclc, null);
        Assert.Equal(2, seeded.Factors.Count);
    }

    [Fact]
    public async Task TheShippedRecruitmentWorkflow_EndsInRandomisation_JournaledWithTheStratumAndTheSchemesHash()
    {
        var clock = new VirtualClock(NodaTime.Instant.FromUtc(2025, 3, 3, 8, 0));
        var protocol = PilotData.PilotProtocol;
        var host = new ProtocolRuleHost(protocol, PilotData.XptStudy, clock, new ProtocolRandomizer(protocol, PilotData.XptStudy, Secret));
        var signers = new Pbkdf2SignerDirectory(iterations: 1_000);
        signers.Register("inv1", "Dr. Ada Lovelace", "pw");
        var engine = new WorkflowEngine(_db.Store, host, clock, signers: signers);
        await engine.PublishAsync(protocol.WorkflowDefinitions.Single(w => w.Name == "Recruitment") with { TimeZone = "America/New_York" });
        var id = (await engine.PublishEventAsync(new WorkflowEvent(StandardEvents.SubjectCreated, "01-701-1023"))).Started.Single();
        var actor = new WorkflowActor("inv1", ["Investigator"]);
        // The pilot has no QS dataset, so INCL03 (MMSE) is Unknown: people decide at both gates.
        foreach (var task in new[] { "ConsentPending:ObtainConsent", "EligibilityReview:EligibilityApproval" })
        {
            var inst = await _db.Store.GetInstanceAsync(id);
            if (inst!.State == "PrescreenReview") await Complete("PrescreenApproval", "approved", "approval");
            inst = await _db.Store.GetInstanceAsync(id);
            Assert.Equal(task.Split(':')[0], inst!.State);
            await Complete(task.Split(':')[1], task.EndsWith("Consent", StringComparison.Ordinal) ? "completed" : "approved",
                task.EndsWith("Consent", StringComparison.Ordinal) ? "authorship" : "approval");
        }
        var done = await _db.Store.GetInstanceAsync(id);
        Assert.Equal("Randomized", done!.State);
        var entry = (await _db.Store.GetJournalAsync(id)).Single(j => j.Action == "randomized");
        Assert.Equal("permuted blocks, stratum DM.SITEID=701", entry.Detail);
        Assert.Contains(entry.NewValue, new[] { "Placebo", "XanoLow", "XanoHigh" });
        Assert.False(string.IsNullOrEmpty(entry.RuleHashes));

        async Task Complete(string name, string decision, string meaning)
        {
            var t = (await _db.Store.ListTasksAsync(id)).Single(x => x.Name == name && x.Status == TaskStatus.Open);
            var r = await engine.CompleteTaskAsync(new CompleteTaskRequest(t.Id, actor, decision, "Checked at the site", new SignatureInput(meaning, "pw")));
            Assert.True(r.Accepted, r.Message);
        }
    }
}
