using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ProtocolEngine.Cli;

namespace ProtocolEngine.Language.FuzzHost;

/// <summary>The fuzz run: mutants written to one file and checked by the command line in this process, one after another.</summary>
internal static partial class FuzzRun
{
    private static readonly string[] Formats = ["text", "json", "sarif"];

    public static int Run(string[] args)
    {
        string? protocols = null, work = null;
        int seed = 20261204, count = 10_000, only = -1, shard = 0, shards = 1;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--protocols": protocols = args[i + 1]; break;
                case "--work": work = args[i + 1]; break;
                case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--count": count = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--only": only = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--shard":
                    var parts = args[i + 1].Split('/');
                    (shard, shards) = (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }
        if (protocols is null || work is null)
        {
            Console.Error.WriteLine("usage: FuzzHost --protocols DIR --work DIR [--seed N] [--count N] [--only I | --shard K/N]");
            return 2;
        }

        var seeds = Directory.GetFiles(protocols, "*.protocol", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => SeedProtocol.Read(protocols, p)).ToList();
        var stdout = Console.Out;
        stdout.WriteLine($"seed {seed}: {count} mutants of {seeds.Count} protocols{(shards > 1 ? $", shard {shard}/{shards}" : "")}");
        stdout.Flush();
        var mutator = new Mutator(seeds, new Random(seed));
        var current = Path.Combine(work, "current");
        var failures = Path.Combine(work, "failures");
        Directory.CreateDirectory(current);
        var path = Path.Combine(current, "mutant.protocol");

        int failed = 0, clean = 0, withErrors = 0, formatted = 0, run = 0;
        var codes = new SortedSet<string>(StringComparer.Ordinal);
        var slowest = (Time: TimeSpan.Zero, Index: -1);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            var (kind, bytes) = mutator.Next();
            // --only N makes the same mutants and runs just the N-th (to reproduce a failure), leaving it in WORK/current.
            // --shard K/N runs the mutants whose number is K modulo N, so N processes share the work of one seed.
            if (only >= 0 && i != only || only < 0 && i % shards != shard) continue;
            File.WriteAllBytes(path, bytes);
            run++;
            // One mutant in five goes through the formatter, which walks the syntax tree its own way.
            bool format = i % 5 == 4;
            string[] command = format ? ["format", "--check", path] : ["check", path, "--format", Formats[i % 3]];
            stdout.WriteLine($"mutant {i}: {command[0]} {(format ? "--check" : "--format " + command[^1])}, {bytes.Length} bytes, {kind}");
            stdout.Flush();
            var started = clock.Elapsed;
            var (code, output) = RunCommand(command);
            var took = clock.Elapsed - started;
            if (took > slowest.Time) slowest = (took, i);
            // An internal error is an exception that reached the user; any exit code but 0 and 1 is a failure of the command.
            if (code is not (0 or 1) || output.Contains("Internal error", StringComparison.Ordinal) || output.Contains("This is a bug", StringComparison.Ordinal))
            {
                failed++;
                Directory.CreateDirectory(failures);
                File.WriteAllBytes(Path.Combine(failures, $"mutant-{i}.protocol"), bytes);
                var first = string.Join(" | ", output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(3));
                stdout.WriteLine($"FAIL mutant {i} exit {code}: {first}");
                continue;
            }
            if (format) formatted++;
            else if (code == 0) clean++;
            else withErrors++;
            foreach (Match m in Code().Matches(output)) codes.Add(m.Value);
        }
        if (only < 0) File.Delete(path);
        stdout.WriteLine($"checked {run} mutants in {clock.Elapsed.TotalSeconds:F1} s: {failed} failed, {clean} checked without errors, {withErrors} with errors, " +
                         $"{formatted} formatted; slowest mutant {slowest.Index} ({slowest.Time.TotalSeconds:F1} s); {codes.Count} codes: {string.Join(' ', codes)}");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Runs the command line in this process with its output captured, as a terminal-less caller sees it.</summary>
    private static (int Code, string Output) RunCommand(string[] args)
    {
        var writer = new StringWriter();
        int code = CliApp.Run(args, new CliConsole(writer, writer));
        return (code, writer.ToString());
    }

    [GeneratedRegex(@"\bPE\d{4}\b")]
    private static partial Regex Code();
}
