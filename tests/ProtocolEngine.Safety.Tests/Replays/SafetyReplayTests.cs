using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Safety.Replays;
using ProtocolEngine.Workflows.Tests.Support;
using Xunit.Abstractions;

namespace ProtocolEngine.Safety.Tests.Replays;

/// <summary>The pilot's 1,191 adverse events (ae.xpt) replayed through std.expedited's escalation workflow.</summary>
public sealed class SafetyReplayTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempSqlite _db = new();

    public void Dispose() => _db.Dispose();

    // cdiscpilot01.protocol's Reference Safety Information (ExpectedTerms).
    private static readonly HashSet<string> Expected = ["APPLICATION SITE PRURITUS", "APPLICATION SITE ERYTHEMA", "APPLICATION SITE DERMATITIS",
        "APPLICATION SITE IRRITATION", "DIZZINESS", "SINUS BRADYCARDIA"];

    /// <summary>The clocks each AE must start, worked out here from the raw flags as ICH E2A and 21 CFR 312.32 read them.</summary>
    private static Dictionary<string, string[]> ExpectedClocks(StudyData study)
    {
        var ae = study.GetDomain("AE")!;
        string? Get(string column, int row) => ae.GetColumn(column)?.GetObject(row) as string;
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (int s = 0; s < study.SubjectCount; s++)
        {
            var (first, count) = ae.RowsOf(s);
            for (int row = first; row < first + count; row++)
            {
                var key = $"{study.SubjectIds[s]}/{(double)ae.GetColumn("AESEQ")!.GetObject(row)!}";
                bool serious = new[] { "AESER", "AESDTH", "AESLIFE", "AESHOSP", "AESDISAB", "AESCONG", "AESMIE" }.Any(c => Get(c, row) == "Y");
                bool related = Get("AEREL", row) is "POSSIBLE" or "PROBABLE";
                bool susar = serious && related && !Expected.Contains(Get("AEDECOD", row) ?? "");
                bool fatal = Get("AESDTH", row) == "Y" || Get("AESLIFE", row) == "Y";
                result[key] = !serious ? []
                    : !susar ? ["SeriousAE"]
                    : fatal ? ["FatalSUSAR", "FatalSUSAR.complete", "FatalSUSAR.followUp", "SeriousAE"]
                    : ["OtherSUSAR", "OtherSUSAR.followUp", "SeriousAE"];
            }
        }
        return result;
    }

    [Fact]
    public async Task EverySeriousAdverseEventOfThePilot_StartsTheRightClocks_AndPromptPeopleMeetThemAll()
    {
        var study = PilotData.XptStudy;
        var report = await SafetyReplay.RunAsync(PilotData.PilotProtocol, study, "AE", ReplayAssumptions.Prompt(), _db.Store);
        foreach (var t in report.Tally) output.WriteLine($"{t.Clock}: started {t.Started}, met {t.Met}, missed {t.Missed}, withdrawn {t.Withdrawn}, running {t.Running}");
        foreach (var (k, v) in report.FinalStates) output.WriteLine($"{k}: {v}");

        Assert.Equal(1_191, report.Records);
        Assert.Equal(1_191, report.Replayed);
        Assert.Empty(report.NotReplayed);
        Assert.Empty(report.Problems);
        var expected = ExpectedClocks(study);
        Assert.Equal(36, expected.Count(e => e.Value.Length > 0));
        Assert.Equal(5, expected.Count(e => e.Value.Contains("FatalSUSAR")));
        Assert.Equal(12, expected.Count(e => e.Value.Contains("OtherSUSAR")));
        var started = report.Clocks.GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Select(c => c.Clock).Order(StringComparer.Ordinal).ToArray());
        foreach (var (key, clocks) in expected)
            Assert.True(clocks.SequenceEqual(started.GetValueOrDefault(key) ?? []),
                $"{key}: expected clocks [{string.Join(", ", clocks)}], started [{string.Join(", ", started.GetValueOrDefault(key) ?? [])}].");

        // Day 0 is the AE start date at 09:00 in New York; the 24-hour clock of 01-709-1424/1 (2013-03-07) is due a day later.
        var notify = report.Clocks.Single(c => c.Key == "01-709-1424/1" && c.Clock == "SeriousAE");
        Assert.Equal(NodaTime.Instant.FromUtc(2013, 3, 7, 14, 0), notify.Day0);
        Assert.Equal(NodaTime.Instant.FromUtc(2013, 3, 8, 14, 0), notify.DueAt);
        // 7 calendar days end at midnight at the end of day 7 (New York time, daylight saving since 10 March: UTC-4);
        // the complete report 8 days after that.
        var fatal = report.Clocks.Single(c => c.Key == "01-709-1424/1" && c.Clock == "FatalSUSAR");
        Assert.Equal(NodaTime.Instant.FromUtc(2013, 3, 15, 4, 0), fatal.DueAt);
        Assert.Equal(NodaTime.Instant.FromUtc(2013, 3, 23, 4, 0), report.Clocks.Single(c => c.Key == "01-709-1424/1" && c.Clock == "FatalSUSAR.complete").DueAt);

        // Prompt people: every clock met, none missed or left running; non-serious AEs end in Routine without a task.
        Assert.All(report.Tally, t => Assert.Equal(t.Started, t.Met));
        Assert.Equal(0, report.Deviations);
        Assert.Equal(1_191 - 36, report.FinalStates["AdverseEventEscalation/Routine"]);
        Assert.Equal(36, report.FinalStates["AdverseEventEscalation/Closed"]);
    }

    [Fact]
    public async Task PeopleWhoWorkOnlyOnWorkingDays_MissTheWeekendClocks_EachMissIsADeviation()
    {
        var report = await SafetyReplay.RunAsync(PilotData.PilotProtocol, PilotData.XptStudy, "AE", ReplayAssumptions.WorkingDays(), _db.Store);
        foreach (var t in report.Tally) output.WriteLine($"{t.Clock}: started {t.Started}, met {t.Met}, missed {t.Missed}, withdrawn {t.Withdrawn}, running {t.Running}");
        Assert.Empty(report.Problems);
        var notify = report.Tally.Single(t => t.Clock == "SeriousAE");
        Assert.Equal(36, notify.Started);
        // The sponsor is notified 4 hours after awareness (09:00), but people do not work at weekends: an AE that starts on
        // a Saturday waits until Monday 09:00, 48 hours on, and misses its 24 hours; one that starts on a Sunday is
        // notified on Monday 09:00, exactly at the deadline, which is in time.
        var ny = NodaTime.DateTimeZoneProviders.Tzdb["America/New_York"];
        var sponsor = report.Clocks.Where(c => c.Clock == "SeriousAE").ToList();
        var saturday = sponsor.Where(c => c.Day0.InZone(ny).DayOfWeek == NodaTime.IsoDayOfWeek.Saturday).ToList();
        var sunday = sponsor.Where(c => c.Day0.InZone(ny).DayOfWeek == NodaTime.IsoDayOfWeek.Sunday).ToList();
        Assert.NotEmpty(saturday);
        Assert.NotEmpty(sunday);
        Assert.All(saturday, c => Assert.Equal(("missed", c.Day0 + NodaTime.Duration.FromHours(48)), (c.Status, c.StoppedAt!.Value)));
        Assert.All(sunday, c => Assert.Equal(("met", c.DueAt), (c.Status, c.StoppedAt!.Value)));
        Assert.Equal(saturday.Count, notify.Missed);
        Assert.Equal(report.Tally.Sum(t => t.Missed), report.Deviations);
        Assert.All(report.Tally, t => Assert.Equal(0, t.Running));
    }

    [Fact]
    public async Task EveryLabResultGradedThreeOrHigher_OrWhoseGradeCannotBeRead_OpensOneSignal_TheRulesProposeAndAPersonDecides_BothJournaled()
    {
        var study = PilotData.CsvStudy;
        var report = await SafetyReplay.RunAsync(PilotData.PilotProtocol, study, "LB", ReplayAssumptions.Prompt(), _db.Store);
        Assert.Equal(59_580, report.Records);
        // ALP 1, BILI 4, GLUC 24 results graded 3 (protocol grade gives the same), and 6 results reported only as text
        // (BILI "<3.42" x5, GLUC "<2.2204"), whose grade is Unknown and go to a person too: 35 signals.
        Assert.Equal(35, report.FinalStates["LabSignal/Confirmed"]);
        Assert.Equal(59_580 - 35, report.StartedNothing);
        Assert.Empty(report.Problems);
        var instances = await _db.Store.ListInstancesAsync("LabSignal");
        Assert.Equal(35, instances.Count);
        var proposals = new List<string?>();
        foreach (var inst in instances)
        {
            var journal = await _db.Store.GetJournalAsync(inst.Id);
            // The engine's proposal, with the hashes of the rule text that made it...
            var proposal = Assert.Single(journal, j => j.Action == "start-condition");
            proposals.Add(proposal.NewValue);
            Assert.Contains("Grade(L) >= SignalGrade", proposal.Detail);
            Assert.False(string.IsNullOrEmpty(proposal.RuleHashes));
            // ...and the investigator's decision, signed.
            Assert.Contains(journal, j => j.Action == "task-completed" && j.NewValue == "confirmed");
            Assert.Contains(journal, j => j.Action == "task-signed" && j.NewValue == "responsibility");
        }
        Assert.Equal(29, proposals.Count(p => p == "true"));
        Assert.Equal(6, proposals.Count(p => p == "unknown"));
        Assert.Contains(report.Timeline, l => l.What.StartsWith("proposed by the rules", StringComparison.Ordinal));
    }
}
