using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ProtocolEngine.Cli.Tests.Fuzz;

/// <summary>
/// The fuzz test: 10,000 mutants of the shipped protocols (token-level and byte-level mutations; see the FuzzHost's
/// Mutator) through <c>protocol check</c>, one in five through <c>protocol format --check</c>, in-process in a child
/// process, so that a stack overflow fails this test instead of ending the test runner. No run may end in an internal
/// error or an exit code other than 0 or 1. The seed is fixed and printed; PROTOCOLENGINE_FUZZ_SEED and
/// PROTOCOLENGINE_FUZZ_COUNT run other or more mutants.
/// </summary>
public sealed partial class ProtocolFuzzTests : IDisposable
{
    private const int DefaultSeed = 20261204;
    private readonly string _work = Path.Combine(Path.GetTempPath(), "pe-fuzz", Guid.NewGuid().ToString("N")[..10]);

    public ProtocolFuzzTests() => Directory.CreateDirectory(_work);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out int value) ? value : fallback;

    [Fact]
    public void Fuzz_TenThousandMutatedProtocols_CheckWithoutAnInternalErrorOrCrash()
    {
        int seed = Setting("PROTOCOLENGINE_FUZZ_SEED", DefaultSeed), count = Setting("PROTOCOLENGINE_FUZZ_COUNT", 10_000);
        var host = Path.Combine(CliRunner.Root, "tests", "ProtocolEngine.Language.FuzzHost", "bin", Configuration, "net10.0", "ProtocolEngine.Language.FuzzHost.dll");
        Assert.True(File.Exists(host), $"The fuzz host was not built: {host}");
        // Two processes share the mutants (one per core of the reference machine); each runs its own in-process.
        const int shards = 2;
        var runs = Enumerable.Range(0, shards).Select(k => new HostRun(host, Path.Combine(_work, $"shard-{k}"), seed, count, $"{k}/{shards}")).ToList();
        // About a minute on an idle two-core machine; the bound is for a machine shared with builds.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(20);
        foreach (var run in runs) run.Wait(deadline);

        int total = 0, clean = 0, withErrors = 0;
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var context = run.Context(seed);
            Assert.True(run.Ended, "the fuzz run did not end within 20 minutes; " + context);
            Assert.True(run.ExitCode == 0, $"the fuzz run ended with exit code {run.ExitCode} (134 or a signal is a crash such as a stack overflow); " + context);
            Assert.Contains(run.Lines, l => l.StartsWith($"seed {seed}:", StringComparison.Ordinal));
            var summary = Summary().Match(run.Last("checked "));
            Assert.True(summary.Success, "no summary; " + context);
            Assert.Equal("0", summary.Groups["failed"].Value);
            total += Number(summary, "count");
            clean += Number(summary, "clean");
            withErrors += Number(summary, "errors");
            codes.UnionWith(summary.Groups["list"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.Equal(count, total);
        // The mutants reach past the parser: some still check clean, many bind with errors, and the findings span the catalog.
        var found = $"seed {seed}: {clean} clean, {withErrors} with errors, {codes.Count} codes: {string.Join(' ', codes.Order(StringComparer.Ordinal))}";
        Assert.True(clean >= count / 50 && withErrors >= count / 4 && codes.Count >= Math.Min(40, count / 20), found);
    }

    private static int Number(Match match, string group) => int.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One fuzz host process with its output lines.</summary>
    private sealed class HostRun
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly List<string> _errors = [];
        private readonly string _work;

        public HostRun(string host, string work, int seed, int count, string shard)
        {
            _work = work;
            Directory.CreateDirectory(work);
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { host, "--protocols", Path.Combine(CliRunner.Root, "protocols"), "--work", work, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                         "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--shard", shard })
                info.ArgumentList.Add(a);
            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_errors) _errors.Add(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public bool Ended { get; private set; }

        public int ExitCode => _process.ExitCode;

        public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }

        public void Wait(DateTime deadline)
        {
            var left = deadline - DateTime.UtcNow;
            Ended = _process.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            if (!Ended) _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public string Last(string prefix) => Lines.LastOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? "(none)";

        /// <summary>What a failure message says: the seed, the last mutant begun (the culprit of a crash), the failures and the mutant's text.</summary>
        public string Context(int seed)
        {
            var culprit = Path.Combine(_work, "current", "mutant.protocol");
            string errors;
            lock (_errors) errors = string.Join('\n', _errors.Take(20));
            return $"seed {seed}; last: {Last("mutant ")}\n" + string.Join('\n', Lines.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).Take(20)) +
                   "\nstderr: " + errors + (File.Exists(culprit) ? $"\nthe mutant's text begins: {Begin(culprit)}" : "") +
                   "\nrun one mutant again with: dotnet " + "ProtocolEngine.Language.FuzzHost.dll --protocols protocols --work DIR --seed " + seed + " --count N --only I";
        }
    }

    private static string Begin(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 300)) + (bytes.Length > 300 ? $"... ({bytes.Length:N0} bytes)" : "");
    }

    [GeneratedRegex(@"^checked (?<count>\d+) mutants in [\d.]+ s: (?<failed>\d+) failed, (?<clean>\d+) checked without errors, (?<errors>\d+) with errors, \d+ formatted; .*; \d+ codes: (?<list>.*)$")]
    private static partial Regex Summary();
}
