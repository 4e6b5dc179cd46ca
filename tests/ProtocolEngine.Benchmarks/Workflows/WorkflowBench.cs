using System.Diagnostics;
using System.Globalization;
using Dapper;
using NodaTime;
using Npgsql;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Persistence;
using ProtocolEngine.Workflows.Simulation;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Benchmarks.Workflows;

/// <summary>
/// Durable workflow throughput and timer lag, on SQLite (WAL, synchronous=FULL) and PostgreSQL (fsync on):
///   dotnet run -c Release --project tests/ProtocolEngine.Benchmarks -- workflows [--pg CONNSTR] [--instances N] [--workers N]
/// A database benchmark measures wall-clock work against a real disk, so it runs as a command rather than under
/// BenchmarkDotNet's in-process iterations; each figure is the median of three runs.
/// </summary>
public static class WorkflowBench
{
    private sealed record Figures(double StartsPerSecond, double TransitionsPerSecond, double LagP50Ms, double LagP99Ms, double LagMaxMs);

    public static async Task<int> RunAsync(string[] args)
    {
        string? pg = Arg(args, "--pg") ?? Environment.GetEnvironmentVariable("PROTOCOLENGINE_PG");
        int instances = int.Parse(Arg(args, "--instances") ?? "2000", CultureInfo.InvariantCulture);
        int workers = int.Parse(Arg(args, "--workers") ?? "4", CultureInfo.InvariantCulture);
        int runs = int.Parse(Arg(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        Console.WriteLine($"Workflow benchmark: {instances} instances of a three-step workflow, {Environment.ProcessorCount} cores, median of {runs} runs.");

        var sqlite = new List<Figures>();
        for (int i = 0; i < runs; i++)
        {
            var dir = Path.Combine(Path.GetTempPath(), "pe-bench-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                sqlite.Add(await RunOnceAsync(() => new SqliteWorkflowStore(Path.Combine(dir, "bench.db"), fullSync: true), instances, workers: 1));
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(dir, true);
            }
        }
        Report("SQLite (WAL, synchronous=FULL), 1 worker", sqlite);

        if (pg is not null)
        {
            await using (var admin = new NpgsqlConnection(pg))
            {
                await admin.OpenAsync();
                var fsync = await admin.ExecuteScalarAsync<string>("SHOW fsync");
                var sync = await admin.ExecuteScalarAsync<string>("SHOW synchronous_commit");
                Console.WriteLine($"PostgreSQL {admin.ServerVersion}: fsync={fsync}, synchronous_commit={sync}");
                if (fsync != "on" || sync != "on") Console.WriteLine("WARNING: durability settings are off; these figures do not claim durability.");
            }
            var figures = new List<Figures>();
            for (int i = 0; i < runs; i++)
            {
                var db = $"pe_bench_{Guid.NewGuid():N}";
                await using (var admin = new NpgsqlConnection(pg)) { await admin.OpenAsync(); await admin.ExecuteAsync($"CREATE DATABASE {db}"); }
                var cs = new NpgsqlConnectionStringBuilder(pg) { Database = db, MaxPoolSize = 40 }.ConnectionString;
                figures.Add(await RunOnceAsync(() => new PostgresWorkflowStore(cs), instances, workers));
                NpgsqlConnection.ClearAllPools();
                await using (var admin = new NpgsqlConnection(pg)) { await admin.OpenAsync(); await admin.ExecuteAsync($"DROP DATABASE {db} WITH (FORCE)"); }
            }
            Report($"PostgreSQL (fsync on), {workers} workers", figures);
        }
        else
        {
            Console.WriteLine("PostgreSQL: skipped (pass --pg CONNSTR or set PROTOCOLENGINE_PG; .ci/start-postgres.sh prints one).");
        }
        return 0;
    }

    private static async Task<Figures> RunOnceAsync(Func<DapperWorkflowStore> open, int instances, int workers)
    {
        var store = open();
        await store.MigrateAsync();
        var host = new ScenarioRuleHost([]);
        var engine = new WorkflowEngine(store, host, SystemClock.Instance);
        await engine.PublishAsync(Steps(0));

        // 1. Commands: one start per transaction (each start is a durable step with one transition and a timer).
        //    Several callers at once, as several users or services would send them.
        int callers = workers;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            for (int i = c; i < instances; i += callers)
                await engine.StartAsync(new StartRequest("Steps", $"S{i:D6}"));
        })));
        double startsPerSecond = instances / sw.Elapsed.TotalSeconds;

        // 2. Timer workers: three timer-driven transitions per instance, claimed in batches (group commit).
        var before = await CountTransitionsAsync(store);
        sw.Restart();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                if (await engine.RunDueAsync(64) > 0) continue;
                if (await store.NextDueAtAsync() is null) return;
                await Task.Delay(1);
            }
        })));
        var transitions = await CountTransitionsAsync(store) - before;
        double transitionsPerSecond = transitions / sw.Elapsed.TotalSeconds;
        if (transitions != 3L * instances) throw new InvalidOperationException($"Expected {3 * instances} timer transitions, counted {transitions}.");

        // 3. Timer lag: timers due over the next 10 s on the system clock, one worker loop as a node runs it.
        var lagEngine = new WorkflowEngine(store, host, SystemClock.Instance);
        await lagEngine.PublishAsync(Steps(1));
        var worker = new WorkflowWorker(lagEngine) { BatchSize = 64, PollInterval = TimeSpan.FromMilliseconds(100) };
        using var cts = new CancellationTokenSource();
        var loop = Task.Run(() => worker.RunAsync(cts.Token));
        int lagInstances = Math.Min(instances, 1000);
        var spread = Stopwatch.StartNew();
        for (int i = 0; i < lagInstances; i++)
        {
            await lagEngine.StartAsync(new StartRequest("Lag", $"L{i:D6}", Values: new Dictionary<string, string> { ["n"] = i.ToString(CultureInfo.InvariantCulture) }));
            // Spread the starts over about 10 seconds so timers fall due while others are being created.
            var target = TimeSpan.FromMilliseconds(10_000.0 * i / lagInstances);
            if (spread.Elapsed < target) await Task.Delay(target - spread.Elapsed);
        }
        while (await store.NextDueAtAsync() is not null) await Task.Delay(100);
        await cts.CancelAsync();
        await loop;
        var lags = (await LagsAsync(store)).Order().ToArray();
        if (store is IAsyncDisposable d) await d.DisposeAsync();
        return new Figures(startsPerSecond, transitionsPerSecond, Percentile(lags, 0.50), Percentile(lags, 0.99), lags.Length == 0 ? 0 : lags[^1]);
    }

    private static WorkflowDefinition Steps(int lagSeconds)
    {
        var d = new ClockDuration(lagSeconds, DurationUnit.Seconds);
        return new WorkflowDefinition(lagSeconds == 0 ? "Steps" : "Lag", "Benchmark", new WorkflowScope(),
        [
            new StateDefinition("Created", IsInitial: true),
            new StateDefinition("Step1", Deadline: new DeadlineDefinition(d, "Step2", null)),
            new StateDefinition("Step2", Deadline: new DeadlineDefinition(d, "Step3", null)),
            new StateDefinition("Step3", Deadline: new DeadlineDefinition(d, "Done", null)),
            new StateDefinition("Done", IsFinal: true),
        ],
        [new TransitionDefinition("Created", "Step1")]);
    }

    private static Task<long> CountTransitionsAsync(DapperWorkflowStore store) => store.CountJournalEntriesAsync("deadline-passed");

    private static async Task<IReadOnlyList<double>> LagsAsync(IWorkflowStore store)
    {
        // Lag = when the timer fired (the journal entry's time) minus when it was due.
        var waits = (await store.ListWaitsAsync()).Where(w => w.Purpose == "deadline" && w.Status == WaitStatus.Fired).ToDictionary(w => w.Id);
        var lags = new List<double>();
        foreach (var inst in (await store.ListInstancesAsync("Lag")))
            foreach (var j in (await store.GetJournalAsync(inst.Id)).Where(j => j.Action == "timer-fired"))
                if (waits.TryGetValue(j.Detail!, out var w)) lags.Add((j.At - w.DueAt!.Value).TotalMilliseconds);
        return lags;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static void Report(string name, List<Figures> runs)
    {
        static double Median(IEnumerable<double> xs) { var a = xs.Order().ToArray(); return a[a.Length / 2]; }
        Console.WriteLine($"{name}:");
        Console.WriteLine($"  starts (one command per commit):       {Median(runs.Select(r => r.StartsPerSecond)),8:N0} /s   runs: {string.Join(", ", runs.Select(r => r.StartsPerSecond.ToString("N0", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"  timer transitions (batched workers):   {Median(runs.Select(r => r.TransitionsPerSecond)),8:N0} /s   runs: {string.Join(", ", runs.Select(r => r.TransitionsPerSecond.ToString("N0", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"  timer lag p50 / p99 / max:             {Median(runs.Select(r => r.LagP50Ms)),8:N0} / {Median(runs.Select(r => r.LagP99Ms)):N0} / {Median(runs.Select(r => r.LagMaxMs)):N0} ms");
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
