using NodaTime;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Tests.Support;
using ProtocolEngine.Language.Workflows;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Workflows.Tests.Execution;

public sealed class RecruitmentTests : IDisposable
{
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task<string> EligibleSubjectAsync(string id)
    {
        _h.Host.Set(id, "AGE", "71");
        _h.Host.Set(id, "MMSE", "18");
        _h.Host.Set(id, "INCL07", "Y");
        await _h.PublishAsync(ExampleWorkflows.Recruitment());
        return await _h.StartSubjectAsync(id);
    }

    [Fact]
    public async Task WhenPrescreenMet_CreatesConsentTask_AndSignedConsent_Enrolls()
    {
        var id = await EligibleSubjectAsync("01-701-1015");
        var inst = await _h.Store.GetInstanceAsync(id);
        Assert.Equal("ConsentPending", inst!.State);
        var task = await _h.OpenTaskAsync(id, "ObtainConsent");
        Assert.Equal(SignatureMeaning.Authorship, task.SignatureMeaning);
        // 14 calendar days: t0 is 3 March 09:00 in Berlin; the task is due when 17 March ends there.
        Assert.Equal(Instant.FromUtc(2025, 3, 17, 23, 0), task.DueAt);

        await _h.AdvanceAsync(Duration.FromDays(3));
        var r = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, Harness.Investigator, "completed", "Consent form signed at visit 1",
            new SignatureInput("authorship", "inv1-secret")));
        Assert.True(r.Accepted, r.Message);
        Assert.Equal("Enrolled", r.State);

        inst = await _h.Store.GetInstanceAsync(id);
        Assert.Equal("completed", inst!.Status);
        var journal = await _h.Store.GetJournalAsync(id);
        var transitions = journal.Where(j => j.Action == "transition").Select(j => $"{j.OldValue}->{j.NewValue}").ToList();
        Assert.Equal(["Identified->Prescreening", "Prescreening->ConsentPending", "ConsentPending->Screening", "Screening->Enrolled"], transitions);
        // The automated decisions name the rules they ran.
        var enrolled = journal.Single(j => j.Action == "transition" && j.NewValue == "Enrolled");
        Assert.Contains(SubjectRuleHost.Incl03, enrolled.RuleHashes!);
        Assert.Contains(journal, j => j.Action == "randomized" && j.NewValue == "Placebo");
        Assert.Contains(await _h.Store.ListOutboxAsync(id), m => m.Kind == "randomized");
        Assert.Null(JournalVerifier.Verify(id, journal, inst.JournalSeq, inst.JournalHead));
        // Reminder, escalation and due timers of the completed task were cancelled, not left to fire.
        Assert.DoesNotContain(await _h.Store.ListWaitsAsync(id), w => w.Status == "pending");
    }

    [Fact]
    public async Task WhenPrescreenUnknown_GoesToReview_AndApprovedGate_MovesOn()
    {
        await _h.PublishAsync(ExampleWorkflows.Recruitment());
        _h.Host.Set("S2", "MMSE", "15");
        _h.Host.Set("S2", "INCL07", "Y");
        var id = await _h.StartSubjectAsync("S2");
        Assert.Equal("Review", (await _h.Store.GetInstanceAsync(id))!.State);
        var prescreen = (await _h.Store.GetJournalAsync(id)).Single(j => j.Action == "criteria-evaluated");
        Assert.Equal("Unknown", prescreen.NewValue);
        Assert.Contains("INCL01 Unknown", prescreen.Detail);

        var gate = await _h.OpenTaskAsync(id, "InvestigatorApproval");
        Assert.Equal(TaskKind.Gate, gate.Kind);
        var r = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(gate.Id, Harness.Investigator, "approved", "Age confirmed from the source document: 67",
            new SignatureInput("approval", "inv1-secret")));
        Assert.True(r.Accepted, r.Message);
        Assert.Equal("ConsentPending", r.State);
    }

    [Fact]
    public async Task WhenConsentIsNotObtained_RemindsAtDay7_EscalatesAtDue_AndTheTaskCarriesOn()
    {
        var id = await EligibleSubjectAsync("S3");
        var task = await _h.OpenTaskAsync(id, "ObtainConsent");
        var claim = await _h.Engine.ClaimTaskAsync(task.Id, Harness.Investigator);
        Assert.True(claim.Accepted, claim.Message);

        await _h.AdvanceAsync(Duration.FromDays(20));
        var outbox = await _h.Store.ListOutboxAsync(id);
        var reminder = Assert.Single(outbox, m => m.Kind == "reminder");
        Assert.Equal(Instant.FromUtc(2025, 3, 10, 23, 0), reminder.CreatedAt);
        Assert.Equal([Recipient.User("inv1")], reminder.Recipients);
        var escalation = Assert.Single(outbox, m => m.Kind == "escalation");
        Assert.Equal([Recipient.Role("SiteManager")], escalation.Recipients);
        Assert.Equal(Instant.FromUtc(2025, 3, 17, 23, 0), escalation.CreatedAt);
        Assert.Single(outbox, m => m.Kind == "overdue");

        var after = await _h.Store.GetTaskAsync(task.Id);
        Assert.Equal(TaskStatus.Claimed, after!.Status);
        Assert.Equal("inv1", after.Assignee);
        Assert.Contains("SiteManager", after.CandidateRoles);
        Assert.Equal("ConsentPending", (await _h.Store.GetInstanceAsync(id))!.State);

        // The investigator can still complete it after the escalation.
        var done = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, Harness.Investigator, "completed", "Late but signed", new SignatureInput("authorship", "inv1-secret")));
        Assert.True(done.Accepted, done.Message);
    }

    [Fact]
    public async Task WhenScreeningCriteriaNotMet_ScreenFails()
    {
        _h.Host.Set("S4", "AGE", "55");
        _h.Host.Set("S4", "MMSE", "27");
        await _h.PublishAsync(ExampleWorkflows.Recruitment());
        var id = await _h.StartSubjectAsync("S4");
        var task = await _h.OpenTaskAsync(id, "ObtainConsent");
        var r = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, Harness.Investigator, "completed", "signed", new SignatureInput("authorship", "inv1-secret")));
        Assert.Equal("ScreenFailed", r.State);
    }

    [Fact]
    public async Task TwoPeopleClaimingAtOnce_ExactlyOneWins()
    {
        var id = await EligibleSubjectAsync("S5");
        var task = await _h.OpenTaskAsync(id, "ObtainConsent");
        var results = await Task.WhenAll(
            Task.Run(() => _h.Engine.ClaimTaskAsync(task.Id, Harness.Investigator, expectedVersion: task.RowVersion)),
            Task.Run(() => _h.Engine.ClaimTaskAsync(task.Id, Harness.Investigator2, expectedVersion: task.RowVersion)));
        Assert.Single(results, r => r.Accepted);
        Assert.Single(results, r => !r.Accepted);
        var after = await _h.Store.GetTaskAsync(task.Id);
        Assert.Equal(results.Single(r => r.Accepted).Message.Split(' ').Last().TrimEnd('.'), after!.Assignee);
        Assert.Single(await _h.Store.GetJournalAsync(id), j => j.Action == "task-claimed");
    }

    [Fact]
    public async Task ARetriedCommand_IsAnswered_NotRunAgain()
    {
        var id = await EligibleSubjectAsync("S6");
        var task = await _h.OpenTaskAsync(id, "ObtainConsent");
        var req = new CompleteTaskRequest(task.Id, Harness.Investigator, "completed", "signed", new SignatureInput("authorship", "inv1-secret"), IdempotencyKey: "complete-S6-1");
        var first = await _h.Engine.CompleteTaskAsync(req);
        var journalCount = (await _h.Store.GetJournalAsync(id)).Count;
        var second = await _h.Engine.CompleteTaskAsync(req);
        Assert.True(first.Accepted);
        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal(first with { Replayed = true }, second);
        Assert.Equal(journalCount, (await _h.Store.GetJournalAsync(id)).Count);
        Assert.Single(await _h.Store.ListSignaturesAsync(task.Id));
    }

    [Fact]
    public async Task ASignature_NeedsReauthentication_AndTheRequiredMeaning_AndIsBoundToTheRecord()
    {
        var id = await EligibleSubjectAsync("S7");
        var task = await _h.OpenTaskAsync(id, "ObtainConsent");
        var wrongPassword = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, Harness.Investigator, "completed", "signed", new SignatureInput("authorship", "guess")));
        Assert.False(wrongPassword.Accepted);
        Assert.Contains("Re-authentication failed", wrongPassword.Message);
        Assert.Equal(CommandRefusal.SignatureFailed, wrongPassword.Refusal);
        var wrongMeaning = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, Harness.Investigator, "completed", "signed", new SignatureInput("approval", "inv1-secret")));
        Assert.False(wrongMeaning.Accepted);
        Assert.Equal(CommandRefusal.InvalidRequest, wrongMeaning.Refusal);
        var unsigned = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, Harness.Investigator, "completed", "signed"));
        Assert.False(unsigned.Accepted);
        Assert.Equal(CommandRefusal.InvalidRequest, unsigned.Refusal);
        var noReason = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, Harness.Investigator, "completed", " ", new SignatureInput("authorship", "inv1-secret")));
        Assert.False(noReason.Accepted);
        Assert.Equal(CommandRefusal.InvalidRequest, noReason.Refusal);
        Assert.Equal(TaskStatus.Open, (await _h.Store.GetTaskAsync(task.Id))!.Status);

        _h.Clock.Advance(Duration.FromMinutes(5));
        var ok = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, Harness.Investigator, "completed", "Consent signed", new SignatureInput("Authorship", "inv1-secret")));
        Assert.True(ok.Accepted, ok.Message);
        var sig = Assert.Single(await _h.Store.ListSignaturesAsync(task.Id));
        Assert.Equal("Dr. Ada Lovelace", sig.PrintedName);
        Assert.Equal("authorship", sig.Meaning);
        Assert.Equal(Harness.T0 + Duration.FromMinutes(5), sig.SignedAt);
        var journal = await _h.Store.GetJournalAsync(id);
        Assert.Single(journal, j => j.Action == "signature-failed");
        var signed = Assert.Single(journal, j => j.Action == "task-signed");
        Assert.Contains(sig.RecordHash, signed.Detail);
        Assert.Contains(sig.SignatureHash, signed.Detail);
        Assert.DoesNotContain(journal, j => (j.Detail ?? "").Contains("inv1-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReassignedTask_CanBeCompletedByTheNewAssigneeOnly()
    {
        var id = await EligibleSubjectAsync("S8");
        var task = await _h.OpenTaskAsync(id, "ObtainConsent");
        Assert.True((await _h.Engine.ClaimTaskAsync(task.Id, Harness.Investigator)).Accepted);
        var r = await _h.Engine.ReassignTaskAsync(task.Id, Harness.Investigator, "inv2", "On leave");
        Assert.True(r.Accepted, r.Message);
        var byOld = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, Harness.Investigator, "completed", "x", new SignatureInput("authorship", "inv1-secret")));
        Assert.False(byOld.Accepted);
        Assert.Equal(CommandRefusal.Conflict, byOld.Refusal);
        var byNew = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, Harness.Investigator2, "completed", "x", new SignatureInput("authorship", "inv2-secret")));
        Assert.True(byNew.Accepted, byNew.Message);
    }

    [Fact]
    public async Task AnEventForNoWaitingInstance_IsKeptAndReported()
    {
        await _h.PublishAsync(ExampleWorkflows.Recruitment());
        var r = await _h.Engine.PublishEventAsync(new WorkflowEvent("ConsentWithdrawn", "NOBODY", new Dictionary<string, string> { ["why"] = "moved away" }));
        Assert.True(r.Unmatched);
        var kept = Assert.Single(await _h.Store.ListUnmatchedEventsAsync());
        Assert.Equal("ConsentWithdrawn", kept.Name);
        Assert.Contains("moved away", kept.Payload);
    }

    [Fact]
    public async Task ADuplicateSubjectCreated_StartsNothingTwice()
    {
        await _h.PublishAsync(ExampleWorkflows.Recruitment());
        _h.Host.Set("S9", "AGE", "60");
        var first = await _h.Engine.PublishEventAsync(new WorkflowEvent(StandardEvents.SubjectCreated, "S9", IdempotencyKey: "ev-1"));
        var retry = await _h.Engine.PublishEventAsync(new WorkflowEvent(StandardEvents.SubjectCreated, "S9", IdempotencyKey: "ev-1"));
        var again = await _h.Engine.PublishEventAsync(new WorkflowEvent(StandardEvents.SubjectCreated, "S9", IdempotencyKey: "ev-2"));
        Assert.Single(first.Started);
        Assert.True(retry.Replayed);
        Assert.Empty(again.Started);
        Assert.Single(await _h.Store.ListInstancesAsync("Recruitment"));
    }
}

public sealed class OutboxAndWorkerTests : IDisposable
{
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task OutboxMessages_AreDispatchedOnce()
    {
        await _h.PublishAsync(ExampleWorkflows.Recruitment());
        _h.Host.Set("S1", "AGE", "70");
        await _h.StartSubjectAsync("S1");
        var pending = await _h.Store.ListUndispatchedOutboxAsync(100);
        var assigned = Assert.Single(pending);
        Assert.Equal("task-assigned", assigned.Kind);
        Assert.True(await _h.Store.MarkOutboxDispatchedAsync(assigned.Id, _h.Clock.GetCurrentInstant()));
        Assert.False(await _h.Store.MarkOutboxDispatchedAsync(assigned.Id, _h.Clock.GetCurrentInstant()));
        Assert.Empty(await _h.Store.ListUndispatchedOutboxAsync(100));
    }

    [Fact]
    public async Task TheWorker_KeepsGoing_WhenTheDatabaseFails()
    {
        await _h.PublishAsync(ExampleWorkflows.Recruitment());
        _h.Host.Set("S1", "AGE", "70");
        await _h.StartSubjectAsync("S1");
        // Make the database unreadable under the worker, then give it back: the timers must still fire.
        var db = _h.Db!.DbPath;
        _h.Db.Store.ClearPool();
        File.Move(db, db + ".away");
        File.WriteAllText(db, "not a database");
        var worker = new WorkflowWorker(_h.Engine) { ErrorBackoff = TimeSpan.FromMilliseconds(20), PollInterval = TimeSpan.FromMilliseconds(20) };
        using var cts = new CancellationTokenSource();
        var loop = worker.RunAsync(cts.Token);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (worker.Errors < 2 && sw.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);
        Assert.True(worker.Errors >= 2);
        _h.Db.Store.ClearPool();
        // One rename that replaces the broken file: a delete then a move left a moment in which the worker's next
        // connection created an empty database at the path, and the move then failed because the file existed.
        File.Move(db + ".away", db, overwrite: true);
        _h.Clock.Advance(NodaTime.Duration.FromDays(15));
        while (worker.Fired < 3 && sw.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(10);
        await cts.CancelAsync();
        await loop;
        Assert.Equal(3, worker.Fired);
        Assert.DoesNotContain(await _h.Store.ListWaitsAsync(), w => w.Status == "failed");
    }
}
