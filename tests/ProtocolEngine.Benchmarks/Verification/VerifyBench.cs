using System.Diagnostics;
using System.Globalization;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Verification;

namespace ProtocolEngine.Benchmarks.Verification;

/// <summary>
/// `-- verify [--protocol FILE] [--timeout S] [--runs N]`: `protocol verify` over the largest shipped protocol (by size of
/// its text; or the one named), total time and the solver's time per query (target: under 5 s in all). The figures depend
/// on z3's search and on the machine's load: report them with `uptime`.
/// </summary>
internal static class VerifyBench
{
    public static int Run(string[] args)
    {
        string? file = null;
        double timeout = 120;
        int runs = 3;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--protocol": file = args[i + 1]; break;
                case "--timeout": timeout = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            }
        }
        file ??= Directory.GetFiles(BenchmarkPaths.Protocols, "*.protocol").OrderByDescending(f => new FileInfo(f).Length).First();
        var protocol = ProtocolLoader.Shipped.Load(file);
        Console.WriteLine($"verify {Path.GetFileName(file)} ({new FileInfo(file).Length:N0} bytes, {protocol.Criteria.Length} criteria), timeout {timeout} s, {runs} runs; " +
            $"load average {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?")}, {Environment.ProcessorCount} cores");
        for (int run = 1; run <= runs; run++)
        {
            var watch = Stopwatch.StartNew();
            var report = ProtocolVerifier.Verify(protocol, new VerificationOptions { Timeout = TimeSpan.FromSeconds(timeout) });
            watch.Stop();
            var solver = report.Queries.Sum(q => q.Milliseconds);
            var unanswered = report.Queries.Count(q => q.Answer == ProtocolEngine.Verification.Solving.SolverAnswer.Unknown);
            Console.WriteLine($"run {run}: {report.Status}, witness {report.WitnessScreened ?? "none"}, {watch.Elapsed.TotalSeconds:F2} s in all " +
                $"({(watch.Elapsed.TotalSeconds < 5 ? "under" : "over")} the 5 s target), solver {solver / 1000:F2} s over {report.Queries.Count} queries " +
                $"({unanswered} not answered), lowering, z3's start and screening the witness {(watch.Elapsed.TotalMilliseconds - solver) / 1000:F2} s");
            foreach (var q in report.Queries.OrderByDescending(q => q.Milliseconds).Take(run == 1 ? 40 : 5))
                Console.WriteLine($"  {q.Milliseconds,9:F1} ms  {q.Answer,-7}  {q.Purpose}");
        }
        Console.WriteLine($"load average after: {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?")}");
        return 0;
    }
}
