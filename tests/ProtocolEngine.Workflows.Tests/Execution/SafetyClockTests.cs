using NodaTime;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Tests.Support;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Workflows.Tests.Execution;

public sealed class SafetyClockTests : IDisposable
{
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task<string> ReportAeAsync(string subject, string seq, bool fatal, Instant awareness, string? region = null)
    {
        await _h.PublishAsync(ExampleWorkflows.SaeReporting());
        var data = new Dictionary<string, string> { ["AESER"] = "Y", ["AESDTH"] = fatal ? "Y" : "N", ["awarenessAt"] = NodaTime.Text.InstantPattern.ExtendedIso.Format(awareness) };
        if (region is not null) data["region"] = region;
        var r = await _h.Engine.PublishEventAsync(new WorkflowEvent(StandardEvents.DataArrived, subject, data, "AE", seq));
        return r.Started.Single();
    }

    [Fact]
    public async Task ANonSeriousAe_StartsNoWorkflow()
    {
        await _h.PublishAsync(ExampleWorkflows.SaeReporting());
        var r = await _h.Engine.PublishEventAsync(new WorkflowEvent(StandardEvents.DataArrived, "S1", new Dictionary<string, string> { ["AESER"] = "N" }, "AE", "1"));
        Assert.Empty(r.Started);
        Assert.True(r.Unmatched);
    }

    [Fact]
    public async Task AnAeWithUnknownSeriousness_StillStartsTheWorkflow()
    {
        await _h.PublishAsync(ExampleWorkflows.SaeReporting());
        var r = await _h.Engine.PublishEventAsync(new WorkflowEvent(StandardEvents.DataArrived, "S1", new Dictionary<string, string> { ["AETERM"] = "Syncope" }, "AE", "2"));
        Assert.Single(r.Started);
    }

    [Fact]
    public async Task AFatalSusar_StartsItsClocks_CountingCalendarDaysInTheStatedZone()
    {
        // Awareness on Friday 28 March 2025 at 23:30 in Berlin (22:30 UTC); clocks change to summer time on the 30th.
        var awareness = Instant.FromUtc(2025, 3, 28, 22, 30);
        _h.Clock.AdvanceTo(awareness + Duration.FromMinutes(10));
        var id = await ReportAeAsync("01-701-1015", "3", fatal: true, awareness);
        var clocks = (await _h.Engine.GetClocksAsync(id)).ToDictionary(c => c.Name);
        Assert.Equal(4, clocks.Count);
        // 24 hours is elapsed time from awareness.
        Assert.Equal(awareness + Duration.FromHours(24), clocks["SeriousAE"].DueAt);
        // 7 calendar days: Day 0 is 28 March (Berlin), the deadline is the end of 4 April in Berlin (CEST, UTC+2).
        Assert.Equal(Instant.FromUtc(2025, 4, 4, 22, 0), clocks["FatalSUSAR"].DueAt);
        // 8 more calendar days after the 7-day deadline: end of 12 April; follow-up 15 days: end of 12 April too.
        Assert.Equal(Instant.FromUtc(2025, 4, 12, 22, 0), clocks["FatalSUSAR.complete"].DueAt);
        Assert.Equal(Instant.FromUtc(2025, 4, 12, 22, 0), clocks["FatalSUSAR.followUp"].DueAt);
        Assert.Equal(0, clocks["FatalSUSAR"].Day);
        Assert.Equal(Instant.FromUtc(2025, 4, 4, 22, 0) - (awareness + Duration.FromMinutes(10)), clocks["FatalSUSAR"].Remaining);
        Assert.Equal("Assessment", (await _h.Store.GetInstanceAsync(id))!.State);
    }

    [Fact]
    public async Task ARegionOverride_ChangesTheClockLength()
    {
        var id = await ReportAeAsync("S1", "1", fatal: true, Harness.T0, region: "JP");
        var c = (await _h.Engine.GetClocksAsync(id)).Single(c => c.Name == "FatalSUSAR");
        Assert.Equal(Instant.FromUtc(2025, 3, 18, 23, 0), c.DueAt);
    }

    [Fact]
    public async Task AMissedReportingDeadline_RaisesAnIncident_RecordsADeviation_AndEndsInDeadlineMissed()
    {
        var id = await ReportAeAsync("S1", "1", fatal: true, Harness.T0);
        var assess = await _h.OpenTaskAsync(id, "AssessCausality");
        await _h.AdvanceAsync(Duration.FromHours(10));
        var r = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(assess.Id, Harness.Investigator, "completed", "Related, unexpected"));
        Assert.Equal("Reporting", r.State);
        var sponsor = (await _h.Engine.GetClocksAsync(id)).Single(c => c.Name == "SeriousAE");
        Assert.Equal("met", sponsor.Status);

        await _h.AdvanceAsync(Duration.FromDays(10));
        var inst = await _h.Store.GetInstanceAsync(id);
        Assert.Equal("DeadlineMissed", inst!.State);
        var report = (await _h.Engine.GetClocksAsync(id)).Single(c => c.Name == "FatalSUSAR");
        Assert.Equal("missed", report.Status);
        var outbox = await _h.Store.ListOutboxAsync(id);
        var incident = Assert.Single(outbox, m => m.Kind == "incident" && m.Payload.Contains("FatalSUSAR"));
        Assert.Equal(report.DueAt, incident.CreatedAt);
        Assert.Contains(outbox, m => m.Kind == "deviation" && m.Payload.Contains("FatalSUSAR"));
        // Reminders fired before the deadline: half-way (3 days before) and 1 day before.
        var journal = await _h.Store.GetJournalAsync(id);
        Assert.Equal(2, journal.Count(j => j.Action == "clock-reminder" && j.NewValue == "FatalSUSAR"));
        Assert.Contains(journal, j => j.Action == "deviation-recorded");
    }

    [Fact]
    public async Task AReportSubmittedInTime_StopsTheClock_AndCloses()
    {
        var id = await ReportAeAsync("S1", "1", fatal: true, Harness.T0);
        var assess = await _h.OpenTaskAsync(id, "AssessCausality");
        await _h.AdvanceAsync(Duration.FromHours(30));
        // The investigator assessed late: the sponsor clock was missed and the escalation went out, the task carried on.
        var outbox = await _h.Store.ListOutboxAsync(id);
        Assert.Contains(outbox, m => m.Kind == "escalation" && m.Recipients.SequenceEqual([Recipient.Role("SafetyPhysician")]));
        Assert.Contains(outbox, m => m.Kind == "incident" && m.Payload.Contains("SeriousAE"));
        Assert.True((await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(assess.Id, Harness.Investigator, "completed", "done"))).Accepted);
        var submit = await _h.OpenTaskAsync(id, "SubmitReport");
        await _h.AdvanceAsync(Duration.FromDays(4));
        var r = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(submit.Id, Harness.SafetyPhysician, "completed", "Submitted to the regulator",
            new SignatureInput("responsibility", "doc1-secret")));
        Assert.Equal("Closed", r.State);
        var clocks = (await _h.Engine.GetClocksAsync(id)).ToDictionary(c => c.Name);
        Assert.Equal("missed", clocks["SeriousAE"].Status);
        Assert.Equal("met", clocks["FatalSUSAR"].Status);
        // "remind after 2 days every 2 days": the task began on 4 March (15:00 in Berlin); the first reminder when
        // 6 March ended there, the next 2 days later (8 March 23:00 UTC) would have come after the report was in.
        var reminders = await _h.Store.ListOutboxAsync(id);
        Assert.Equal([Instant.FromUtc(2025, 3, 6, 23, 0)], reminders.Where(m => m.Kind == "reminder" && m.Payload.Contains("\"task\"", StringComparison.Ordinal)).Select(m => m.CreatedAt));
        // The remaining clocks (complete report, follow-up) keep running after the instance closed.
        await _h.AdvanceAsync(Duration.FromDays(30));
        clocks = (await _h.Engine.GetClocksAsync(id)).ToDictionary(c => c.Name);
        Assert.Equal("missed", clocks["FatalSUSAR.followUp"].Status);
    }

    [Fact]
    public async Task ANonFatalSeriousAe_StartsOnlyTheSponsorClock()
    {
        var id = await ReportAeAsync("S1", "1", fatal: false, Harness.T0);
        var clocks = await _h.Engine.GetClocksAsync(id);
        Assert.Equal(["SeriousAE"], clocks.Select(c => c.Name));
        var stop = await _h.Engine.StopClockAsync(id, "SeriousAE", "inv1", "stop-1");
        Assert.True(stop.Accepted);
        Assert.Equal("met", (await _h.Engine.GetClocksAsync(id)).Single().Status);
        await _h.AdvanceAsync(Duration.FromDays(2));
        Assert.DoesNotContain(await _h.Store.ListOutboxAsync(id), m => m.Kind == "incident");
    }
}
