using System.Diagnostics;
using System.Globalization;
using ProtocolEngine.Checks.Core;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;

namespace ProtocolEngine.Benchmarks.Checks;

/// <summary>
/// `-- core [--subjects 100000] [--each-rule]`: every SDTMIG CORE rule (CG and FB, read natively from ../shared/conformance/core)
/// over the CDISC pilot (XPT) and over a synthetic study (`protocol synth`, XPT), timing the rules only (the study
/// is loaded first). Prints records per second (the study's records over the run's time) and record evaluations per
/// second (one per rule per record in its scope), with the machine's load: figures taken while others build are noise.
/// </summary>
public static class CoreRulesBench
{
    public static int Run(string[] args)
    {
        int subjects = 100_000;
        for (int i = 0; i < args.Length - 1; i++)
            if (args[i] == "--subjects") subjects = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        // Timing each rule alone over the synthetic study doubles the run; ask for it with --each-rule.
        bool timeEachRule = args.Contains("--each-rule");
        var rules = CoreRuleSet.Read(Path.GetFullPath(Path.Combine(BenchmarkPaths.Root, "..", "shared", "conformance", "core")), new HashSet<string> { "CG", "FB" }, "SDTMIG");
        Console.WriteLine($"{rules.Rules.Count} SDTMIG CORE rules (CG, FB); load average {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cores");

        var pilot = CoreStudy.Load(Path.Combine(BenchmarkPaths.SharedData, "sdtm", "cdiscpilot01"), new StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") });
        Time("pilot (XPT)", rules, pilot, runs: 3, slowest: true);

        var folder = Path.Combine(Path.GetTempPath(), "pe-core-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var clock = Stopwatch.StartNew();
            PopulationGenerator.Generate(folder, new SynthOptions { Subjects = subjects, Seed = 7, Timestamp = new DateTime(2025, 1, 1) });
            var synthetic = CoreStudy.Load(folder);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"synthetic study of {subjects:N0} subjects generated and loaded in {clock.Elapsed.TotalSeconds:F1} s"));
            Time($"synthetic {subjects:N0} subjects (XPT)", rules, synthetic, runs: 1, slowest: timeEachRule);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static void Time(string name, CoreRuleSet rules, CoreStudy study, int runs, bool slowest)
    {
        long records = study.Datasets.Sum(d => (long)d.Rows.Count);
        IReadOnlyList<CoreRuleOutcome> outcomes = [];
        var best = TimeSpan.MaxValue;
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            outcomes = rules.Run(study);
            clock.Stop();
            if (clock.Elapsed < best) best = clock.Elapsed;
        }
        long evaluations = outcomes.Sum(o => o.RecordsEvaluated);
        double seconds = Math.Max(best.TotalSeconds, 1e-6);
        // Printed before the slowest rules are timed: timing each rule alone takes as long again as the run.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {records:N0} records in {study.Datasets.Count} datasets, {outcomes.Count(o => o.Result is not null)} rules run, {outcomes.Count(o => o.Status == "issues")} with issues; " +
            $"best of {runs}: {best.TotalMilliseconds:F0} ms = {records / seconds:N0} records/s, {evaluations / seconds:N0} record evaluations/s ({evaluations:N0} evaluations); " +
            $"load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        if (!slowest) return;
        // The slowest rules, each timed alone: where the time goes when a study grows.
        var slowestRules = rules.Rules.Select(rule =>
        {
            var one = CoreRuleSet.Of([rule]);
            var clock = Stopwatch.StartNew();
            one.Run(study);
            return (rule.Id, clock.Elapsed.TotalMilliseconds);
        }).OrderByDescending(x => x.TotalMilliseconds).Take(5).ToList();
        Console.WriteLine($"  slowest rules: {string.Join(", ", slowestRules.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Id} {x.TotalMilliseconds:F0} ms")))}");
    }
}
