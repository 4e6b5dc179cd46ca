using NodaTime;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Safety.Randomization;
using ProtocolEngine.Workflows.Signatures;
using ProtocolEngine.Workflows.Simulation;
using ProtocolEngine.Workflows.Tests.Support;
using ProtocolEngine.Language.Syntax;

namespace ProtocolEngine.Workflows.Tests.Eligibility;

/// <summary>
/// The recruitment workflow's eligibility gate and <c>protocol screen</c> ask one evaluator, so they decide alike:
/// the issue's reproduction (no QS records under an <c>exists (QS ...)</c> inclusion) and every subject of the real
/// studies and a synthetic population, for every shipped protocol.
/// </summary>
public sealed class EligibilityGateTests : IDisposable
{
    private readonly TempSqlite _db = new();

    public void Dispose() => _db.Dispose();

    private const string Reproduction = """
        protocol REPRO version "1"
          data SDTM "3.4"

        import std.recruitment

        arms
          Placebo "Placebo" ratio 1
          Active  "Active"  ratio 1
          randomize permuted blocks of 2

        criteria
          inclusion AGE "Adults."
            phase prescreen
            DM.AGE >= 18
          inclusion MMSE "MMSE score of 10 or more recorded."
            exists (QS Q where Q.QSTESTCD = 'MMSETOT' and Q.QSSTRESN >= 10)
        """;

    private static TextColumn Text(string name, params string?[] values)
    {
        var dict = values.OfType<string>().Distinct().ToArray();
        return new TextColumn(name, (string?)null, [.. values.Select(v => v is null ? -1 : Array.IndexOf(dict, v))], dict, isDateTime: false);
    }

    // S1 is an adult with no QS records at all; S2 has an MMSE of 18.
    private static StudyData ReproductionStudy() => new StudyDataBuilder()
        .Add(new DomainTable("DM", null, [Text("USUBJID", "S1", "S2"), new NumberColumn("AGE", (string?)null, [70, 66])], null))
        .Add(new DomainTable("QS", null, [Text("USUBJID", "S2"), Text("QSTESTCD", "MMSETOT"), new NumberColumn("QSSTRESN", (string?)null, [18])], null))
        .Build();

    private static readonly CqlDateTime AsOf = CqlDateTime.ParseIso("2025-03-03");

    private static CompiledProtocol CompileReproduction()
    {
        var compiled = new ProtocolCompiler(new FileSourceResolver(Path.Combine(RepoPaths.Root, "protocols"))).Compile(new SourceText(Reproduction, "repro.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        return compiled;
    }

    [Fact]
    public void NoQsRecords_UnderAnExistsInclusion_IsNeedsReview_ForScreen()
    {
        var screened = Screener.Screen(CompileReproduction(), ReproductionStudy(), new ScreeningOptions { AsOf = AsOf });
        var s1 = screened.Subject(0);
        Assert.Equal("S1", s1.SubjectId);
        Assert.Equal(EligibilityStatus.NeedsReview, s1.Status);
        var mmse = s1.Criteria.Single(c => c.Id == "MMSE");
        Assert.Equal(CriterionOutcome.Unknown, mmse.Outcome);
        Assert.Equal(OutcomeCause.NoSubjectRecords, mmse.Cause);
        Assert.Equal(EligibilityStatus.Eligible, screened.Status(1));
    }

    [Fact]
    public async Task NoQsRecords_UnderAnExistsInclusion_GoesToEligibilityReview_NotScreenFailed()
    {
        var protocol = CompileReproduction();
        var study = ReproductionStudy();
        var clock = new VirtualClock(Instant.FromUtc(2025, 3, 3, 8, 0));
        var host = new ProtocolRuleHost(protocol, study, clock, new ProtocolRandomizer(protocol, study, PermutedBlockRandomizer.SeedFrom(7), clock));
        var signers = new Pbkdf2SignerDirectory(1_000);
        signers.Register("inv1", "Dr. Ada Lovelace", "pw");
        var engine = new WorkflowEngine(_db.Store, host, clock, signers: signers);
        Assert.NotEmpty(protocol.WorkflowDefinitions);
        foreach (var d in protocol.WorkflowDefinitions) await engine.PublishAsync(d);

        var id = (await engine.PublishEventAsync(new WorkflowEvent(StandardEvents.SubjectCreated, "S1"))).Started.Single();
        Assert.Equal("ConsentPending", (await _db.Store.GetInstanceAsync(id))!.State);
        var consent = (await _db.Store.ListTasksAsync(id)).Single(t => t.Name == "ObtainConsent");
        var done = await engine.CompleteTaskAsync(new CompleteTaskRequest(consent.Id, new WorkflowActor("inv1", ["Investigator"]), "completed", "Signed",
            new SignatureInput("authorship", "pw")));
        Assert.True(done.Accepted, done.Message);

        // Screening asks every criterion: MMSE is Unknown (no QS records), so a person reviews; nobody is screen-failed on absent data.
        Assert.Equal("EligibilityReview", done.State);
        var review = (await _db.Store.GetJournalAsync(id)).Single(j => j.Action == "transition" && j.NewValue == "EligibilityReview");
        Assert.Contains("criteria: Unknown", review.Detail);
        Assert.Contains("MMSE Unknown (no QS records for this subject)", review.Detail);
        Assert.Equal(CriteriaOutcome.Unknown, host.EvaluateCriteria(Subject("S1"), null).Outcome);
        Assert.Equal(CriteriaOutcome.Met, host.EvaluateCriteria(Subject("S2"), null).Outcome);
    }

    private static WorkflowSubject Subject(string id) => new("i-" + id, "Recruitment", id, id, new Dictionary<string, string>());

    private static readonly Lazy<StudyData> Synthetic = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), "pe-gate-synth-2000-seed11-" + Environment.ProcessId);
        try
        {
            PopulationGenerator.Generate(folder, new SynthOptions { Subjects = 2_000, Seed = 11, Format = DataFileFormat.Xpt, Parallelism = 1 });
            return StudyLoader.Load(folder).Data;
        }
        finally { Directory.Delete(folder, recursive: true); }
    });

    private static readonly Lazy<StudyData> Msg = new(() => StudyLoader.Load(Path.Combine(PilotData.SharedData, "datasetjson", "msg", "sdtm")).Data);

    private static readonly Dictionary<string, (Func<StudyData> Load, CqlDateTime AsOf)> Studies = new()
    {
        ["pilot-xpt"] = (() => PilotData.XptStudy, CqlDateTime.ParseIso("2014-09-01")),
        ["pilot-csv"] = (() => PilotData.CsvStudy, CqlDateTime.ParseIso("2014-09-01")),
        ["msg"] = (() => Msg.Value, CqlDateTime.ParseIso("2014-09-01")),
        ["synthetic-2000"] = (() => Synthetic.Value, CqlDateTime.ParseIso("2025-06-01")),
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var protocol in Directory.GetFiles(Path.Combine(RepoPaths.Root, "protocols"), "*.protocol").Order(StringComparer.Ordinal).ToList())
            foreach (var study in Studies.Keys)
                data.Add(Path.GetFileName(protocol)!, study);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheWorkflowGate_DecidesExactlyWhatScreenDecides(string protocolFile, string studyName)
    {
        var protocol = PilotData.Compile(Path.Combine(RepoPaths.Root, "protocols", protocolFile));
        var (load, asOf) = Studies[studyName];
        var study = load();
        Assert.True(study.SubjectCount > 0);
        var date = asOf.ToDateTime();
        var clock = new VirtualClock(Instant.FromUtc(date.Year, date.Month, date.Day, 0, 0));
        var host = new ProtocolRuleHost(protocol, study, clock, new ProtocolRandomizer(protocol, study, PermutedBlockRandomizer.SeedFrom(1), clock));
        var phases = new List<string?> { null };
        phases.AddRange(protocol.Criteria.Select(c => c.Phase).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase));
        int compared = 0;
        foreach (var phase in phases)
        {
            var screened = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = asOf, Phase = phase, RecordEvidence = false });
            for (int i = 0; i < screened.SubjectCount; i++)
            {
                var id = screened.SubjectId(i);
                var gate = host.EvaluateCriteria(Subject(id), phase);
                var status = screened.Status(i);
                var expected = status switch
                {
                    EligibilityStatus.Eligible => CriteriaOutcome.Met,
                    EligibilityStatus.Ineligible => CriteriaOutcome.NotMet,
                    _ => screened.Subject(i).AwaitsAttestationOnly ? CriteriaOutcome.Attested : CriteriaOutcome.Unknown,
                };
                Assert.True(expected == gate.Outcome, $"{protocolFile} {studyName} phase {phase ?? "all"} {id}: screen {status}, gate {gate.Outcome} ({gate.Explanation})");
                Assert.Equal(screened.Criteria.Select(c => c.Hash), gate.RuleHashes);

                var eligibility = host.Eligibility(id, phase)!;
                Assert.Equal(status, eligibility.Status);
                for (int j = 0; j < screened.Criteria.Count; j++)
                {
                    var c = eligibility.Criteria[j];
                    Assert.True(screened.Outcome(i, j) == c.Outcome && screened.Cause(i, j) == c.Cause && screened.RuleOutcome(i, j) == c.RuleOutcome,
                        $"{protocolFile} {studyName} {id} {c.Id}: screen {screened.Outcome(i, j)} ({screened.Cause(i, j)}), gate {c.Outcome} ({c.Cause})");
                }
                compared++;
            }
        }
        Assert.Equal(study.SubjectCount * phases.Count, compared);
    }
}
