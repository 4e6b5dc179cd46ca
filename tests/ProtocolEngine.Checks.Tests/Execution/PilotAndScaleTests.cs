using ProtocolEngine.Checks.Reports;
using ProtocolEngine.Checks.Results;
using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks.Tests.Execution;

/// <summary>The pilot protocol's checks on the real pilot data, and a synthetic study large enough to run in parallel blocks.</summary>
public sealed class PilotAndScaleTests
{
    private static readonly Lazy<ValidationReport> PilotReport = new(() =>
        CheckRunner.Run(Protocols.File(Path.Combine(Paths.Protocols, "cdiscpilot01.protocol")), StudyLoader.Load(Paths.Pilot, new StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") }),
            new CheckRunOptions { AsOf = CqlDateTime.ParseIso("2015-01-01") }));

    private static CheckResult Pilot(string id) => PilotReport.Value.Checks.Single(c => c.Id == id);

    [Fact]
    public void Every_check_of_the_pilot_protocol_runs_on_the_pilot_data_without_an_execution_error()
    {
        var report = PilotReport.Value;
        Assert.True(report.Checks.Count >= 60, $"{report.Checks.Count} checks");
        Assert.DoesNotContain(report.Checks, c => c.Status == CheckStatus.ExecutionError);
        // The pilot's XPT data have no LB, VS or EG: those checks are skipped, every other one runs.
        Assert.All(report.Checks.Where(c => c.Status == CheckStatus.Skipped), c => Assert.Contains(c.Dataset, new[] { "LB", "VS", "EG", "QS" }));
        Assert.Equal(306, report.Subjects);
    }

    [Fact]
    public void The_pilot_findings_are_the_known_data_issues()
    {
        // AESHOSP, AESDTH, AESLIFE or AESCAN = Y with AESER = N.
        Assert.Equal(36, Pilot("CG0041").Failed);
        Assert.All(Pilot("CG0041").Failures, f => Assert.Contains(f.Values, v => v is { Variable: "AESER", Value: "N" }));
        // The 52 screen failures carry ARMCD 'Scrnfail' where SDTMIG reserves 'SCRNFAIL'.
        Assert.Equal(52, Pilot("DM_ARMCD_TA").Failed);
        Assert.All(Pilot("DM_ARMCD_TA").Failures, f => Assert.Contains(new FindingValue("ARMCD", "Scrnfail"), f.Values));
        // One AESTDY of 366 for an AE starting on the reference start date.
        var day = Assert.Single(Pilot("CG0220_AESTDY").Failures);
        Assert.Equal(("01-716-1063", "AESEQ=1"), (day.SubjectId, day.RecordKey));
        // No informed consent date anywhere in the pilot: consent before the first visit cannot be evaluated for anyone.
        Assert.Equal((0L, 306L), (Pilot("PILOT_CONSENT").Failed, Pilot("PILOT_CONSENT").NotEvaluable));
        Assert.Equal(1, Pilot("TS_SSTDTC").Failed);
        Assert.Equal(CheckStatus.Success, Pilot("AE_SEQ_UNIQUE").Status);
        Assert.True(PilotReport.Value.HasBlockingIssues);
    }

    [Fact]
    public void Results_do_not_depend_on_the_number_of_threads()
    {
        var folder = Paths.NewTempFolder();
        try
        {
            PopulationGenerator.Generate(folder, new SynthOptions { Subjects = 1500, Seed = 11, Format = DataFileFormat.Xpt, Timestamp = new DateTime(2025, 1, 1) });
            var study = StudyLoader.Load(folder);
            var protocol = Protocols.File(Path.Combine(Paths.Protocols, "cdiscpilot01.protocol"));
            string Csv(int threads, int limit) => CsvReport.ToCsv(CheckRunner.Run(protocol, study,
                new CheckRunOptions { AsOf = CqlDateTime.ParseIso("2030-01-01"), Parallelism = threads, DetailLimit = limit }));
            var one = Csv(1, 0);
            Assert.Equal(one, Csv(3, 0));
            Assert.True(one.Split('\n').Length > 2, "The synthetic study raised no finding to compare.");
            // With a detail limit the first findings in subject order are listed, whatever the threads did first.
            var limited = Csv(3, 4);
            Assert.Equal(Csv(1, 4), limited);
            Assert.True(limited.Split('\n').Length < one.Split('\n').Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
