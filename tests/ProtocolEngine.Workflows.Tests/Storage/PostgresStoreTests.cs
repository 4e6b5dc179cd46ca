using Npgsql;
using NodaTime;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Storage;

public sealed class PostgresStoreTests
{
    [Fact]
    public async Task MigrationsApplyOnce_EvenFromSeveralProcessesAtOnce()
    {
        var cs = await PostgresServer.NewDatabaseAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => new ProtocolEngine.Storage.Workflows.PostgresWorkflowStore(cs)).ToList();
        await Task.WhenAll(stores.Select(s => s.MigrateAsync()));
        Assert.Equal(ProtocolEngine.Storage.Schema.WorkflowSchema.Migrations.Select(m => (long)m.Version), await stores[0].AppliedVersionsAsync());
    }

    [Fact]
    public async Task TheRecruitmentWorkflow_RunsOnPostgres()
    {
        using var h = new Harness(await PostgresServer.NewStoreAsync());
        await h.PublishAsync(ExampleWorkflows.Recruitment());
        h.Host.Set("S1", "AGE", "70");
        h.Host.Set("S1", "MMSE", "12");
        h.Host.Set("S1", "INCL07", "Y");
        var id = await h.StartSubjectAsync("S1");
        var task = await h.OpenTaskAsync(id, "ObtainConsent");
        var claims = await Task.WhenAll(
            Task.Run(() => h.Engine.ClaimTaskAsync(task.Id, Harness.Investigator, task.RowVersion)),
            Task.Run(() => h.Engine.ClaimTaskAsync(task.Id, Harness.Investigator2, task.RowVersion)));
        var winner = claims.Single(c => c.Accepted);
        var user = winner.Message.Contains("inv1", StringComparison.Ordinal) ? Harness.Investigator : Harness.Investigator2;
        await h.AdvanceAsync(Duration.FromDays(8));
        var r = await h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, user, "completed", "signed", new SignatureInput("authorship", user.UserId + "-secret"), "k1"));
        Assert.Equal("Enrolled", r.State);
        Assert.True((await h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, user, "completed", "signed", new SignatureInput("authorship", user.UserId + "-secret"), "k1"))).Replayed);
        var inst = await h.Store.GetInstanceAsync(id);
        Assert.Null(JournalVerifier.Verify(id, await h.Store.GetJournalAsync(id), inst!.JournalSeq, inst.JournalHead));
        Assert.Single(await h.Store.ListOutboxAsync(id), m => m.Kind == "reminder");
    }

    [Fact]
    public async Task TheJournal_IsAppendOnlyInPostgres()
    {
        var store = await PostgresServer.NewStoreAsync();
        using var h = new Harness(store);
        await h.PublishAsync(ExampleWorkflows.Recruitment());
        var id = await h.StartSubjectAsync("S1");
        await using var ds = NpgsqlDataSource.Create(await ConnectionStringOf(store));
        var ex = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var cmd = ds.CreateCommand($"UPDATE wf_journal SET actor = 'mallory' WHERE instance_id = '{id}'");
            await cmd.ExecuteNonQueryAsync();
        });
        Assert.Contains("append-only", ex.MessageText);
    }

    private static Task<string> ConnectionStringOf(ProtocolEngine.Storage.Workflows.PostgresWorkflowStore store) =>
        Task.FromResult(store.ConnectionString);

    [Fact]
    public async Task TwoEnginesOnOneDatabase_NeverFireTheSameTimerTwice()
    {
        var cs = await PostgresServer.NewDatabaseAsync();
        var storeA = new ProtocolEngine.Storage.Workflows.PostgresWorkflowStore(cs);
        await storeA.MigrateAsync();
        var storeB = new ProtocolEngine.Storage.Workflows.PostgresWorkflowStore(cs);
        using var a = new Harness(storeA);
        using var b = new Harness(storeB);
        await a.PublishAsync(ExampleWorkflows.Recruitment());
        for (int i = 0; i < 200; i++)
        {
            a.Host.Set($"S{i}", "AGE", "70");
            b.Host.Set($"S{i}", "AGE", "70");
            await a.StartSubjectAsync($"S{i}");
        }
        // Both engines see day 30: 200 reminders, 200 due dates and 200 escalations are due at once.
        a.Clock.AdvanceTo(Harness.T0 + Duration.FromDays(30));
        b.Clock.AdvanceTo(Harness.T0 + Duration.FromDays(30));
        async Task<int> Drain(Harness h)
        {
            int total = 0, n;
            while ((n = await h.Engine.RunDueAsync(16)) > 0 || await h.Store.NextDueAtAsync() is { } next && next <= h.Clock.GetCurrentInstant())
                total += n;
            return total;
        }
        var fired = await Task.WhenAll(Task.Run(() => Drain(a)), Task.Run(() => Drain(b)));
        Assert.Equal(600, fired.Sum());
        Assert.True(fired.All(f => f > 0), $"both engines should have worked: {fired[0]} and {fired[1]}");
        var outbox = await storeA.ListOutboxAsync();
        Assert.Equal(200, outbox.Count(m => m.Kind == "reminder"));
        Assert.Equal(200, outbox.Count(m => m.Kind == "escalation"));
        Assert.Equal(200, outbox.Count(m => m.Kind == "overdue"));
        foreach (var inst in await storeA.ListInstancesAsync())
        {
            var journal = await storeA.GetJournalAsync(inst.Id);
            Assert.Equal(3, journal.Count(j => j.Action == "timer-fired"));
            Assert.Null(JournalVerifier.Verify(inst.Id, journal, inst.JournalSeq, inst.JournalHead));
        }
    }
}
