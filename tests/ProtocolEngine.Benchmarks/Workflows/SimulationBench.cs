using System.Diagnostics;
using System.Globalization;
using System.Text;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Simulation;

namespace ProtocolEngine.Benchmarks.Workflows;

/// <summary>
/// Simulation throughput: a generated scenario of N events (per subject: created, consent completed, an AE, a lab,
/// an unmatched event) through the language examples' workflows (recruitment, SAE reporting with clocks, ...) on the
/// SQLite store the command line simulates on, as `protocol simulate` runs it:
///   dotnet run -c Release --project tests/ProtocolEngine.Benchmarks -- simulate [--events 100000] [--runs 1]
/// Prints wall time, CPU time and events per second of the run and of building the report. The target: 100,000
/// events in under 30 s on the reference machine (2 cores); run it on a quiet machine and quote `uptime` with it.
/// </summary>
public static class SimulationBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int events = int.Parse(Arg(args, "--events") ?? "100000", CultureInfo.InvariantCulture);
        int runs = int.Parse(Arg(args, "--runs") ?? "1", CultureInfo.InvariantCulture);
        var definitions = DefinitionSerializer.ReadFile(File.ReadAllText(Path.Combine(BenchmarkPaths.Root, "tests", "ProtocolEngine.Workflows.Tests", "Scenarios", "language-examples.workflow.json")), "language-examples.workflow.json");
        var scenario = Scenario.Parse(Generate(events), "generated");
        Console.WriteLine($"Simulation benchmark: {scenario.Events.Count:N0} events, {definitions.Count} workflows, {Environment.ProcessorCount} cores, load {Load()}.");
        for (int run = 1; run <= runs; run++)
        {
            var dir = Path.Combine(Path.GetTempPath(), "pe-bench-sim-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                var store = new SqliteWorkflowStore(Path.Combine(dir, "simulate.db"), scratch: true);
                await store.MigrateAsync();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                var report = await ScenarioRunner.RunAsync(definitions, scenario, store);
                wall.Stop();
                var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {run}: {wall.Elapsed.TotalSeconds:F1} s wall, {cpuUsed.TotalSeconds:F1} s CPU, {scenario.Events.Count / wall.Elapsed.TotalSeconds:N0} events/s; " +
                    $"{report.Timeline.Count:N0} timeline lines, {report.Finals.Count:N0} instances, {report.Problems.Count:N0} problems"));
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(dir, true);
            }
        }
        return 0;
    }

    /// <summary>A scenario of about <paramref name="events"/> events: five per subject, subjects ten minutes apart.</summary>
    public static string Generate(int events)
    {
        int subjects = Math.Max(1, events / 5);
        var b = new StringBuilder(events * 120);
        b.Append("""{"start":"2025-03-03T08:00:00Z","timeZone":"Europe/Berlin","safetyRules":{"SeriousAE":"A.AESER = 'Y'","FatalSUSAR":"A.AESER = 'Y' and A.AESDTH = 'Y'"},""");
        b.Append("""  "users":[{"id":"inv1","name":"Dr. Ada Lovelace","roles":["Investigator"],"password":"inv1-secret"}],"subjects":{""");
        for (int i = 0; i < subjects; i++)
            b.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"\"S{i:D6}\":{{\"criteria\":{{\"prescreen\":\"met\",\"all\":\"met\"}}}}");
        b.Append("},\"events\":[");
        for (int i = 0, n = 0; i < subjects; i++)
        {
            int t = i * 10;
            string s = $"S{i:D6}";
            void Event(string json)
            {
                if (n++ > 0) b.Append(',');
                b.Append(json);
            }
            Event($$$"""{"at":"t0+{{{t}}}m","type":"subjectCreated","subject":"{{{s}}}"}""");
            Event($$$"""{"at":"t0+{{{t + 4320}}}m","type":"completeTask","subject":"{{{s}}}","task":"ObtainConsent","user":"inv1","reason":"Consent signed"}""");
            Event($$$"""{"at":"t0+{{{t + 7200}}}m","type":"data","subject":"{{{s}}}","domain":"AE","record":"1","values":{"AETERM":"HEADACHE","AESER":"{{{(i % 10 == 0 ? "Y" : "N")}}}","AESDTH":"N"}}""");
            Event($$$"""{"at":"t0+{{{t + 8640}}}m","type":"data","subject":"{{{s}}}","domain":"LB","record":"1","values":{"LBTESTCD":"ALT"}}""");
            Event($$$"""{"at":"t0+{{{t + 10080}}}m","type":"event","subject":"{{{s}}}","name":"Ping"}""");
        }
        b.Append("]}");
        return b.ToString();
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
