using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Persistence;
using ProtocolEngine.Workflows.Simulation;
using ProtocolEngine.Workflows.Tests.Support;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Workflows.Tests.Crash;

/// <summary>
/// Kills the engine process with SIGKILL in the middle of 1,000 instances with timers and tasks, starts it again, and
/// checks that nothing was lost and nothing ran twice.
/// </summary>
public sealed class CrashTests
{
    private const int Instances = 1000;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AKilledEngine_LosesNothing_AndRunsNoStepTwice(string provider)
    {
        using var tmp = new TempFolder();
        string db = provider == "sqlite" ? Path.Combine(tmp.Path, "crash.db") : await PostgresServer.NewDatabaseAsync("pe_crash");
        using (var seed = new EngineProcess(provider, db, "seed", Instances.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            Assert.True(await seed.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, seed.Output);

        // First kill: in the middle of the first timers and task completions.
        using (var run = new EngineProcess(provider, db, "run", "first"))
        {
            await run.WaitForProgressAsync(p => p.Fired >= 300 && p.Completed >= 100, TimeSpan.FromMinutes(3));
            run.KillHard();
        }
        // Second kill: in the middle of what the first run left behind.
        using (var run = new EngineProcess(provider, db, "run", "second"))
        {
            await run.WaitForProgressAsync(p => p.Fired + p.Completed >= 100, TimeSpan.FromMinutes(3));
            run.KillHard();
        }
        using (var run = new EngineProcess(provider, db, "run", "third", "--exit-when-done"))
            Assert.True(await run.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, run.Output);

        IWorkflowStore store = provider == "sqlite" ? new SqliteWorkflowStore(db) : new PostgresWorkflowStore(db);
        await CrashInvariants.AssertAsync(store, Instances);
    }

    [Fact]
    public async Task TwoEngineProcessesOnOnePostgresDatabase_NeverRunTheSameStepTwice()
    {
        string db = await PostgresServer.NewDatabaseAsync("pe_two");
        using (var seed = new EngineProcess("postgres", db, "seed", Instances.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            Assert.True(await seed.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, seed.Output);
        using var a = new EngineProcess("postgres", db, "run", "a", "--exit-when-done");
        using var b = new EngineProcess("postgres", db, "run", "b", "--exit-when-done");
        var exits = await Task.WhenAll(a.WaitForExitAsync(TimeSpan.FromMinutes(4)), b.WaitForExitAsync(TimeSpan.FromMinutes(4)));
        Assert.True(exits.All(e => e == 0), a.Output + "\n" + b.Output);
        // Both processes did real work: the rows were shared between them, not run by one while the other idled.
        Assert.True(a.LastProgress.Fired > 0 && b.LastProgress.Fired > 0, $"fired: a={a.LastProgress.Fired} b={b.LastProgress.Fired}");
        Assert.True(a.LastProgress.Completed + b.LastProgress.Completed == Instances, $"completed: a={a.LastProgress.Completed} b={b.LastProgress.Completed}");
        await CrashInvariants.AssertAsync(new PostgresWorkflowStore(db), Instances);
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pe-crash-" + Guid.NewGuid().ToString("N"));

        public TempFolder() => Directory.CreateDirectory(Path);

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(Path, true); } catch (IOException) { }
        }
    }
}

internal static class CrashInvariants
{
    public static async Task AssertAsync(IWorkflowStore store, int count)
    {
        var instances = await store.ListInstancesAsync("CrashFlow");
        Assert.Equal(count, instances.Count);
        Assert.All(instances, i => Assert.Equal(("Done", InstanceStatus.Completed), (i.State, i.Status)));

        var tasks = await store.ListTasksAsync(limit: int.MaxValue);
        Assert.Equal(count, tasks.Count);
        Assert.Equal(count, tasks.Select(t => t.InstanceId).Distinct().Count());
        Assert.All(tasks, t => Assert.Equal(TaskStatus.Completed, t.Status));

        var outbox = await store.ListOutboxAsync();
        Assert.Equal(outbox.Count, outbox.Select(m => m.DedupeKey).Distinct().Count());
        var done = outbox.Where(m => m.Kind == "notification").GroupBy(m => m.InstanceId).ToList();
        Assert.Equal(count, done.Count);
        Assert.All(done, g => Assert.Single(g));
        Assert.All(outbox.Where(m => m.Kind == "reminder").GroupBy(m => m.InstanceId), g => Assert.Single(g));

        var waits = await store.ListWaitsAsync();
        Assert.DoesNotContain(waits, w => w.Status == WaitStatus.Pending);
        Assert.Equal(2 * count, waits.Count(w => w.Purpose == "deadline" && w.Status == WaitStatus.Fired));
        var firedTimers = waits.Where(w => w.Kind == WaitKind.Timer && w.Status == WaitStatus.Fired).Select(w => w.Id).ToHashSet();

        var timerEntries = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var inst in instances)
        {
            var journal = await store.GetJournalAsync(inst.Id);
            Assert.Null(JournalVerifier.Verify(inst.Id, journal, inst.JournalSeq, inst.JournalHead));
            Assert.Equal(1, journal.Count(j => j.Action == "instance-started"));
            Assert.Equal(2, journal.Count(j => j.Action == "transition"));
            Assert.Equal(2, journal.Count(j => j.Action == "deadline-passed"));
            Assert.Equal(1, journal.Count(j => j.Action == "task-created"));
            Assert.Equal(1, journal.Count(j => j.Action == "task-completed"));
            Assert.Equal(1, journal.Count(j => j.Action == "notified"));
            foreach (var j in journal.Where(j => j.Action == "timer-fired"))
                timerEntries[j.Detail!] = timerEntries.GetValueOrDefault(j.Detail!) + 1;
        }
        // Every fired timer fired exactly once, and nothing fired that is not marked fired.
        Assert.Equal(firedTimers.Order(), timerEntries.Keys.Order());
        Assert.All(timerEntries, e => Assert.Equal(1, e.Value));

        // Retrying every completion with its key is answered from the store, not run again.
        var engine = new WorkflowEngine(store, new ScenarioRuleHost([]), NodaTime.SystemClock.Instance);
        foreach (var t in tasks.Take(100))
        {
            var r = await engine.CompleteTaskAsync(new CompleteTaskRequest(t.Id, new WorkflowActor("reviewer", ["Reviewer"]), "completed", "retry", IdempotencyKey: $"complete:{t.Id}"));
            Assert.True(r.Replayed);
        }
        Assert.Equal(count, (await store.ListTasksAsync(limit: int.MaxValue)).Count);
    }
}
