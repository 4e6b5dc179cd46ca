using System.Diagnostics;
using NodaTime;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.CrashHost;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Persistence;
using ProtocolEngine.Workflows.Simulation;

// The engine process the crash test kills with SIGKILL and starts again:
//   CrashHost sqlite|postgres <path-or-connection-string> seed <count>
//   CrashHost sqlite|postgres <path-or-connection-string> run <name> [--exit-when-done]
// "run" fires due timers and completes open tasks (as a reviewer would) until every instance is done.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: CrashHost sqlite|postgres <db> seed <count> | run <name> [--exit-when-done]");
    return 2;
}
IWorkflowStore store = args[0] switch
{
    "sqlite" => new SqliteWorkflowStore(args[1]),
    "postgres" => new PostgresWorkflowStore(args[1]),
    _ => throw new ArgumentException($"unknown provider {args[0]}"),
};
await store.MigrateAsync();
var engine = new WorkflowEngine(store, new ScenarioRuleHost([]), SystemClock.Instance);
var reviewer = new WorkflowActor("reviewer", ["Reviewer"]);

if (args[2] == "seed")
{
    int count = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    await engine.PublishAsync(CrashFlow.Definition());
    for (int i = 0; i < count; i++)
    {
        var r = await engine.StartAsync(new StartRequest(CrashFlow.Name, $"S{i:D5}", IdempotencyKey: $"start:{i}"));
        if (!r.Accepted && !r.Replayed) throw new InvalidOperationException(r.Message);
    }
    Console.WriteLine($"seeded {count}");
    return 0;
}

string name = args[3];
bool exitWhenDone = args.Contains("--exit-when-done");
var worker = new WorkflowWorker(engine) { BatchSize = 32, PollInterval = TimeSpan.FromMilliseconds(50) };
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
var loop = Task.Run(() => worker.RunAsync(cts.Token));
long completed = 0;
var lastReport = Stopwatch.StartNew();
while (!cts.IsCancellationRequested)
{
    var open = await store.ListTasksAsync(status: ProtocolEngine.Workflows.Persistence.TaskStatus.Open, limit: 64);
    foreach (var t in open)
    {
        // The same key every time (and in every process): a retry after a crash is answered, never run twice.
        var r = await engine.CompleteTaskAsync(new CompleteTaskRequest(t.Id, reviewer, "completed", "approved by the crash test", IdempotencyKey: $"complete:{t.Id}"));
        if (r.Accepted && !r.Replayed) completed++;
    }
    if (lastReport.ElapsedMilliseconds > 200)
    {
        Console.WriteLine($"progress {name} fired={worker.Fired} completed={completed}");
        lastReport.Restart();
        if (exitWhenDone && (await store.ListInstancesAsync(CrashFlow.Name)).All(i => i.Status == InstanceStatus.Completed)) break;
    }
    if (open.Count == 0) await Task.Delay(20);
}
await cts.CancelAsync();
await loop;
Console.WriteLine($"finished {name} fired={worker.Fired} completed={completed}");
return 0;
