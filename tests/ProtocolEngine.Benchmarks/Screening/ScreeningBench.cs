using System.Diagnostics;
using System.Globalization;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;

namespace ProtocolEngine.Benchmarks.Screening;

/// <summary>
/// Screening benchmarks, one process and one run each, quoting medians and ratios:
/// <c>-- screening-rules [--subjects 100000]</c>: the eight rules in the protocol language vs Microsoft RulesEngine
/// 6.0.1 vs hand-written C#, same per-rule outcomes asserted;
/// <c>-- screening-pilot [--subjects 1000000] [--format xpt|parquet]</c>: the whole CDISCPILOT01 protocol over a
/// synthetic population, evidence off and on (one configuration, medians of runs: <c>--evidence on|off [--threads N] [--runs N] [--object-evidence] [--per-subject]</c>,
/// <c>--object-evidence</c> keeping evidence as objects built at each read, as before the compact entries, and <c>--per-subject</c> running every
/// criterion and lookup subject by subject, without column lookups or batch criteria; <c>--eight-rules</c> runs the eight rules instead of the pilot;
/// <c>--per-criterion [--only ID,ID]</c> each executable criterion alone);
/// <c>-- screening-differential [--subjects 100000]</c>: every shipped protocol screened with and without the code
/// indexes and with compact evidence from the batch criteria and column lookups against object evidence subject by subject (evidence on), and with
/// and without the batch criteria and column lookups (evidence off), the results compared subject by
/// subject (exit code 1 on any difference);
/// <c>-- screening-rules --loop SECONDS [--threads N] [--fresh] [--no-code-indexes]</c>: the eight rules screened again and again, to attach a profiler
/// (<c>--fresh</c>: each screening by its own executable, compiled before its clock starts, so each is a first screening;
/// <c>--no-code-indexes</c>: scanning each subject's records, the reference path of the code-index kernels);
/// <c>-- screening-rules --per-rule [--runs N] [--rules "EXPR;EXPR"]</c>: each rule alone (or each expression given, to
/// time a part of a rule: <c>--rules "DM.SEX = 'M';DM.AGE &gt;= 50"</c>), with and without the batches, lookups and code indexes;
/// <c>-- screening-rules --first-row [--runs N] [--jit-events [--jit-all]]</c>: the comparison's first row alone, each screening's
/// time printed, with what the JIT compiled between screenings and when tiering paused and resumed.
/// Every timed run follows a full collection, as BenchmarkDotNet's iterations do (<c>--no-collect</c>: none).
/// Populations are generated once into /tmp (or --data) and reused; <c>--format parquet</c> converts the XPT
/// population once into a folder beside it and loads from there.
/// </summary>
public static class ScreeningBench
{
    private static readonly CqlDateTime AsOf = CqlDateTime.ParseIso("2025-06-01");

    /// <summary>The eight rules of the comparison, in the protocol language (tests/protocols/eight-rules.protocol, which the kernel differential tests screen too).</summary>
    public static readonly string EightRules = File.ReadAllText(Path.Combine(BenchmarkPaths.Root, "tests", "protocols", "eight-rules.protocol"));

    public static async Task<int> RunAsync(string kind, string[] args)
    {
        int subjects = Option(args, "--subjects") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : kind == "screening-pilot" ? 1_000_000 : 100_000;
        int runs = Option(args, "--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 5;
        var folder = Option(args, "--data") ?? Path.Combine(Path.GetTempPath(), $"pe-bench-synth-{subjects}-seed1");
        bool parquet = string.Equals(Option(args, "--format"), "parquet", StringComparison.OrdinalIgnoreCase);
        _collectBeforeRuns = !args.Contains("--no-collect");
        Console.WriteLine($"load average at the start {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; " +
            (_collectBeforeRuns ? "a full collection before each timed run (--no-collect: none)" : "no collection between timed runs"));
        var study = LoadPopulation(folder, subjects, parquet);
        if (study is null) return 0;
        if (args.Contains("--per-rule")) return PerRule(study, runs, Option(args, "--rules"));
        if (args.Contains("--per-criterion")) return PilotPerCriterion(study, Option(args, "--runs") is null ? 5 : runs, Option(args, "--only")?.Split(','));
        if (args.Contains("--first-row")) return FirstRow(study, runs, args.Contains("--jit-events") ? new JitEvents() : null, args.Contains("--jit-all"));
        if (Option(args, "--loop") is { } seconds) return Loop(args.Contains("--no-code-indexes") ? study.WithoutCodeIndexes() : study, double.Parse(seconds, CultureInfo.InvariantCulture), Option(args, "--threads") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 1, args.Contains("--fresh"));
        return kind switch
        {
            "screening-pilot" when Option(args, "--evidence") is { } e && (_oneText = args.Contains("--eight-rules") ? EightRules : null) is var _ => PilotOne(args.Contains("--object-evidence") ? study.WithObjectEvidence() : args.Contains("--per-subject") ? study.WithoutColumnLookups().WithoutBatchCriteria() : study, e == "on", Option(args, "--threads") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : Environment.ProcessorCount, Option(args, "--runs") is null ? 3 : runs),
            "screening-pilot" => Pilot(study),
            "screening-differential" => Differential(study),
            _ => await EightRulesAsync(study, runs),
        };
    }

    private static StudyData? LoadPopulation(string folder, int subjects, bool parquet)
    {
        // A population already converted to Parquet is loaded as it is: its XPT source (19 GB at a million subjects) is not
        // generated again for it.
        bool alreadyConverted = parquet && File.Exists(Path.Combine(folder.TrimEnd('/') + "-parquet", "dm.parquet"));
        if (!alreadyConverted && !File.Exists(Path.Combine(folder, "dm.xpt")))
        {
            var generate = Stopwatch.StartNew();
            PopulationGenerator.Generate(folder, new SynthOptions { Subjects = subjects, Seed = 1, Format = DataFileFormat.Xpt });
            Console.WriteLine($"generated {subjects:N0} subjects into {folder} in {generate.Elapsed.TotalSeconds:F1} s");
        }
        if (parquet)
        {
            var converted = folder.TrimEnd('/') + "-parquet";
            if (!File.Exists(Path.Combine(converted, "dm.parquet")))
            {
                var convert = Stopwatch.StartNew();
                StudyConverter.Convert(folder, DataFileFormat.Parquet, converted);
                long bytes = Directory.EnumerateFiles(converted).Sum(f => new FileInfo(f).Length);
                Console.WriteLine($"converted {folder} to Parquet in {convert.Elapsed.TotalSeconds:F1} s: {bytes / 1e9:F2} GB (run again to load it in a fresh process)");
                return null;
            }
            folder = converted;
        }
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var load = Stopwatch.StartNew();
        var study = StudyLoader.Load(folder).Data;
        load.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        long records = study.Domains.Sum(d => (long)d.RowCount);
        long view = study.Domains.Sum(d => d.MemoryBytes);
        Console.WriteLine($"loaded {study.SubjectCount:N0} subjects, {records:N0} records from {(parquet ? "Parquet" : "XPT")} in {load.Elapsed.TotalSeconds:F1} s (CPU time {cpu.TotalSeconds:F1} s); " +
            $"peak working set while loading {process.PeakWorkingSet64 / 1e6:N0} MB; managed heap {GC.GetTotalMemory(true) / 1e6:N0} MB; " +
            $"the view holds {view / 1e6:N0} MB, {(double)view / Math.Max(1, study.SubjectCount):N0} bytes per subject");
        return study;
    }

    /// <summary>The code indexes the screening built, in bytes per subject.</summary>
    private static string IndexSize(StudyData study) =>
        $"code indexes {study.CodeIndexBytes / 1e6:N0} MB ({(double)study.CodeIndexBytes / Math.Max(1, study.SubjectCount):N0} bytes per subject)";

    /// <summary>
    /// Every shipped protocol screened with and without the code indexes (evidence on), with compact evidence from the batch
    /// criteria and column lookups against object evidence from every criterion run subject by subject, and with and without
    /// batch criteria and column lookups (evidence off), compared subject by subject.
    /// </summary>
    private static int Differential(StudyData study)
    {
        var compiler = new ProtocolCompiler(new FileSourceResolver(BenchmarkPaths.Protocols));
        var scanning = study.WithoutCodeIndexes();
        int differences = 0;
        foreach (var file in Directory.EnumerateFiles(BenchmarkPaths.Protocols, "*.protocol").Order(StringComparer.Ordinal))
        {
            var protocol = compiler.Compile(ProtocolFiles.Read(file));
            if (protocol.HasErrors) throw new InvalidOperationException(string.Join("\n", protocol.Diagnostics));
            var options = new ScreeningOptions { AsOf = AsOf, RecordEvidence = true };
            var clock = Stopwatch.StartNew();
            var indexed = Screener.Screen(protocol, study, options);
            var scanned = Screener.Screen(protocol, scanning, options);
            // Evidence kept as objects built at each read, as before the compact entries, by every criterion and query run
            // subject by subject: the reference for the batch criteria and column lookups that record evidence themselves.
            var objects = Screener.Screen(protocol, study.WithObjectEvidence().WithoutColumnLookups().WithoutBatchCriteria(), options);
            // Evidence off: the batch criteria and column lookups against every criterion and lookup evaluated subject by subject.
            var batched = Screener.Screen(protocol, study, options with { RecordEvidence = false });
            var unbatched = Screener.Screen(protocol, study.WithoutColumnLookups().WithoutBatchCriteria(), options with { RecordEvidence = false });
            int here = 0;
            long cells = 0;
            for (int i = 0; i < indexed.SubjectCount; i++)
            {
                string a = Describe(indexed.Subject(i)), b = Describe(scanned.Subject(i));
                string c = Describe(batched.Subject(i)), d = Describe(unbatched.Subject(i));
                string e = DescribeTyped(indexed.Subject(i)), o = DescribeTyped(objects.Subject(i));
                cells += indexed.Criteria.Count;
                if (a == b && c == d && e == o) continue;
                if (here++ < 3) Console.WriteLine($"DIFFERENT {Path.GetFileName(file)} {indexed.SubjectId(i)}:\n  indexed {a}\n  scanned {b}\n  batches {c}\n  per subject {d}\n  compact evidence, batches {e}\n  object evidence, per subject {o}");
            }
            differences += here;
            Console.WriteLine($"{Path.GetFileName(file)}: {indexed.SubjectCount:N0} subjects, {cells:N0} criterion results with evidence and gaps: " +
                (here == 0 ? "identical" : $"{here:N0} subjects differ") + $" ({clock.Elapsed.TotalSeconds:F1} s)");
            indexed = scanned = objects = batched = unbatched = null!;
            GC.Collect();
        }
        Console.WriteLine(differences == 0 ? "every shipped protocol: the same outcomes, evidence and gap lists with and without code indexes (evidence on), with compact evidence from batch criteria and column lookups and object evidence subject by subject, with batch criteria and column lookups and without either (evidence off)" : $"{differences:N0} subjects differ");
        return differences == 0 ? 0 : 1;
    }

    private static string Describe(ProtocolEngine.Runtime.Eligibility.SubjectEligibility subject) =>
        $"{subject.Status} [{string.Join("; ", subject.Reasons)}] " + string.Join(" | ", subject.Criteria.Select(c =>
            $"{c.Id} {c.Outcome}/{c.RuleOutcome}/{c.Cause} '{c.Reason}' gaps[{string.Join(", ", c.MissingData)}] evidence[{string.Join(", ", c.Evidence)}]"));

    // The evidence with each value's type (a Decimal and a Double print alike), for the compact-against-objects comparison.
    private static string DescribeTyped(ProtocolEngine.Runtime.Eligibility.SubjectEligibility subject) =>
        Describe(subject) + string.Join(" | ", subject.Criteria.Select(c => string.Join(",", c.Evidence.Select(e => e.Value?.GetType().Name))));

    private static async Task<int> EightRulesAsync(StudyData study, int runs)
    {
        int n = study.SubjectCount;
        CompiledProtocol Compile(string path) => Checked(ProtocolCompiler.Standalone.Compile(new SourceText(EightRules, path)));
        var protocol = Compile("eight-rules.protocol");
        var options = new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 };

        // The protocol language, through the product's screening path (one thread, no evidence), every run with its own
        // executable (see Fresh): the rules evaluated, not answers an earlier run kept read back.
        ScreeningResult? ours = null;
        var oursCpu = new List<double>();
        var fresh = Fresh(Compile, runs);
        var oursTimes = Time(runs, () =>
        {
            var compiled = fresh();
            long cpu = ThreadCpuNanoseconds();
            ours = Screener.Screen(compiled, study, options);
            oursCpu.Add(ThreadCpuNanoseconds() - cpu);
        });
        // The same once the JIT has settled: the process above compiled nine executables (the compiler's code queued for
        // promotion ahead of the screening's), so its first screenings ran partly on unoptimised code. Here untimed
        // screenings, each by its own executable, run until one compiles no method; then each timed screening is again by
        // an executable of its own, built before its clock starts: a fresh executable in a warm process, as in a service.
        var settledCpu = new List<double>();
        var settled = TimeSettled(runs, () => FreshOne(Compile, "eight-rules.protocol"), compiled =>
        {
            long cpu = ThreadCpuNanoseconds();
            Screener.Screen(compiled, study, options);
            settledCpu.Add(ThreadCpuNanoseconds() - cpu);
        }, out int settleScreenings);
        fresh = Fresh(Compile, runs);
        var oursParallel = Time(runs, () => Screener.Screen(fresh(), study, options with { MaxDegreeOfParallelism = Environment.ProcessorCount }));
        // The same study screened again by one compiled protocol (the answers it kept read back): what a service re-running
        // a protocol over a loaded study pays.
        var again = Time(runs, () => Screener.Screen(protocol, study, options));
        // The same screening scanning each subject's records per rule, as before the code indexes: same outcomes asserted below.
        var scanning = study.WithoutCodeIndexes();
        ScreeningResult? scanned = null;
        fresh = Fresh(Compile, runs);
        var scanTimes = Time(runs, () => scanned = Screener.Screen(fresh(), scanning, options));
        // The same screening without the batch criteria (column lookups on), as before them.
        var noBatches = study.WithoutBatchCriteria();
        ScreeningResult? unbatchedCriteria = null;
        var noBatchCpu = new List<double>();
        fresh = Fresh(Compile, runs);
        var noBatchTimes = Time(runs, () =>
        {
            var compiled = fresh();
            long cpu = ThreadCpuNanoseconds();
            unbatchedCriteria = Screener.Screen(compiled, noBatches, options);
            noBatchCpu.Add(ThreadCpuNanoseconds() - cpu);
        });
        // The same screening evaluating every lookup and criterion subject by subject, as before the column lookups.
        var perSubject = study.WithoutBatchCriteria().WithoutColumnLookups();
        ScreeningResult? unbatched = null;
        fresh = Fresh(Compile, runs);
        var perSubjectTimes = Time(runs, () => unbatched = Screener.Screen(fresh(), perSubject, options));
        Console.WriteLine(IndexSize(study));

        var build = Stopwatch.StartNew();
        var inputs = SubjectInput.FromStudy(study);
        Console.WriteLine($"built {n:N0} subject objects for RulesEngine and hand-written C# in {build.Elapsed.TotalSeconds:F1} s (not timed below)");

        var hand = new byte[n * 8];
        var handTimes = Time(runs, () =>
        {
            for (int i = 0; i < n; i++) HandWrittenRules.Evaluate(inputs[i], hand.AsSpan(i * 8, 8));
        });

        // The protocol language and the hand-written loop alternated pair by pair (a fresh executable, the JIT settled, against
        // one hand-written pass; thread CPU): the machine's speed drifts within a run, and the medians above are each taken
        // over a stretch of their own, so their ratio carries the drift; a pair's two halves run moments apart.
        var pairOurs = new List<double>();
        var pairHand = new List<double>();
        var pairRatios = new List<double>();
        for (int pair = 0; pair < 2 * runs + 1; pair++)
        {
            var compiled = FreshOne(Compile, "eight-rules.protocol");
            long cpu = ThreadCpuNanoseconds();
            Screener.Screen(compiled, study, options);
            double oursNs = ThreadCpuNanoseconds() - cpu;
            cpu = ThreadCpuNanoseconds();
            for (int i = 0; i < n; i++) HandWrittenRules.Evaluate(inputs[i], hand.AsSpan(i * 8, 8));
            double handNs = ThreadCpuNanoseconds() - cpu;
            pairOurs.Add(oursNs / n);
            pairHand.Add(handNs / n);
            pairRatios.Add(oursNs / handNs);
        }

        var engine = new RulesEngineRules();
        var viaRulesEngine = new byte[n * 8];
        for (int i = 0; i < Math.Min(n, 5000); i++) await engine.EvaluateAsync(inputs[i], viaRulesEngine, i * 8);
        // Timed as before the harness collected between runs (no collection here): a collection just before made
        // RulesEngine's run slower, not faster (28,914 to 34,376 ns per subject in three runs, against 22,694 to 26,058
        // without), and the comparison should not gain by it.
        Thread.Sleep(200);
        var rulesEngineClock = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) await engine.EvaluateAsync(inputs[i], viaRulesEngine, i * 8);
        double rulesEngineMs = rulesEngineClock.Elapsed.TotalMilliseconds;

        int mismatches = 0;
        var distribution = new int[8, 4];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < 8; j++)
            {
                byte a = (byte)ours!.Outcome(i, j), b = hand[i * 8 + j], c = viaRulesEngine[i * 8 + j];
                distribution[j, a]++;
                if (a == b && b == c && a == (byte)scanned!.Outcome(i, j) && a == (byte)unbatched!.Outcome(i, j) && a == (byte)unbatchedCriteria!.Outcome(i, j)) continue;
                if (mismatches++ < 10) Console.WriteLine($"MISMATCH {study.SubjectIds[i]} {RulesEngineRules.Rules[j].Name}: protocol {a}, hand-written {b}, RulesEngine {c}");
            }
        var decisions = new int[4];
        for (int i = 0; i < n; i++) decisions[(int)ours!.Status(i)]++;

        double oursMs = Median(oursTimes), parallelMs = Median(oursParallel), handMs = Median(handTimes), scanMs = Median(scanTimes);
        Console.WriteLine();
        Console.WriteLine($"Eight eligibility rules over {n:N0} synthetic subjects ({Environment.ProcessorCount} cores, .NET {Environment.Version}); medians of {runs} runs, RulesEngine one run");
        Console.WriteLine($"| engine | total ms | ns per subject | ns per rule | vs protocol language |");
        Console.WriteLine($"|---|---:|---:|---:|---:|");
        Row("protocol language (ProtocolEngine, 1 thread)", oursMs, n, oursMs);
        Row($"the same, a fresh executable once the JIT has settled ({settleScreenings} untimed screenings, 1 thread)", Median(settled), n, oursMs);
        Row($"protocol language (ProtocolEngine, {Environment.ProcessorCount} threads)", parallelMs, n, oursMs);
        Row("protocol language, the study screened again by the same compiled protocol (answers kept, 1 thread)", Median(again), n, oursMs);
        Row("protocol language scanning records per rule (no code indexes, 1 thread)", scanMs, n, oursMs);
        Row("protocol language without batch criteria (column lookups, 1 thread)", Median(noBatchTimes), n, oursMs);
        Row("protocol language, subject by subject (no batch criteria, no column lookups, 1 thread)", Median(perSubjectTimes), n, oursMs);
        Row("hand-written C# (1 thread)", handMs, n, oursMs);
        Row("Microsoft RulesEngine 6.0.1 (1 thread)", rulesEngineMs, n, oursMs);
        Console.WriteLine();
        Console.WriteLine($"RulesEngine / protocol language = {rulesEngineMs / oursMs:F0}x; protocol language / hand-written = {oursMs / handMs:F2}x");
        Console.WriteLine($"alternating pairs ({pairRatios.Count}, thread CPU, a settled fresh executable against one hand-written pass): protocol language {Median(pairOurs):N0} ns, hand-written {Median(pairHand):N0} ns per subject; protocol language / hand-written = {Median(pairRatios):F2}x (pairs {pairRatios.Min():F2} to {pairRatios.Max():F2}), {Median(pairRatios) * 728:N0} ns where hand-written C# takes 728 ns");
        Console.WriteLine($"thread CPU time per subject, medians (the machine's other work inflates it less than wall time): protocol language {Median(oursCpu[^runs..]) / n:N0} ns, once the JIT has settled {Median(settledCpu[^runs..]) / n:N0} ns, without batch criteria {Median(noBatchCpu[^runs..]) / n:N0} ns");
        Console.WriteLine($"per-rule outcomes (met / not met / unknown): " + string.Join("; ", Enumerable.Range(0, 8).Select(j => $"{RulesEngineRules.Rules[j].Name} {distribution[j, 1]}/{distribution[j, 2]}/{distribution[j, 3]}")));
        Console.WriteLine($"decisions: eligible {decisions[1]:N0}, ineligible {decisions[2]:N0}, needs review {decisions[3]:N0}");
        Console.WriteLine(mismatches == 0 ? $"all three agree on every outcome of every subject ({n * 8:N0} outcomes; the scanning, no-batch and per-subject paths too)" : $"{mismatches:N0} outcomes differ");
        Console.WriteLine($"load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        return mismatches == 0 ? 0 : 1;
    }

    /// <summary>The eight rules screened again and again for a while (one thread, no evidence): a steady process to attach dotnet-trace or dotnet-counters to.</summary>
    private static int Loop(StudyData study, double seconds, int threads, bool fresh)
    {
        CompiledProtocol Compile(string path) => Checked(ProtocolCompiler.Standalone.Compile(new SourceText(EightRules, path)));
        var protocol = Compile("eight-rules.protocol");
        var options = new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = threads };
        Console.WriteLine($"screening the eight rules repeatedly for {seconds} s on {threads} thread(s){(fresh ? ", each a first screening" : "")} (pid {Environment.ProcessId})");
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            if (fresh) protocol = FreshOne(Compile, "eight-rules.protocol");
            long before = GC.GetAllocatedBytesForCurrentThread(), cpu = ThreadCpuNanoseconds();
            long jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
            var clock = Stopwatch.StartNew();
            Screener.Screen(protocol, study, options);
            // Methods the JIT compiled during the screening (first compilations and promotions to optimised code alike).
            Console.WriteLine($"{clock.Elapsed.TotalMilliseconds * 1e6 / study.SubjectCount:N0} ns per subject (this thread's CPU time {(double)(ThreadCpuNanoseconds() - cpu) / study.SubjectCount:N0}), {(double)(GC.GetAllocatedBytesForCurrentThread() - before) / study.SubjectCount:N0} bytes per subject on this thread, {System.Runtime.JitInfo.GetCompiledMethodCount() - jitted} methods compiled");
        }
        return 0;
    }

    /// <summary>
    /// <c>-- screening-rules --first-row [--runs N] [--jit-events [--jit-all]]</c>: the first row of the comparison alone (each
    /// screening by its own executable, built before the first is timed), each screening's wall and thread CPU time printed, and
    /// with <c>--jit-events</c> what the JIT compiled between screenings and when tiering paused and resumed (heard in-process).
    /// </summary>
    private static int FirstRow(StudyData study, int runs, JitEvents? jit, bool all)
    {
        CompiledProtocol Compile(string path) => Checked(ProtocolCompiler.Standalone.Compile(new SourceText(EightRules, path)));
        var options = new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 };
        var fresh = Fresh(Compile, runs);
        jit?.Mark("executables built");
        if (Environment.GetEnvironmentVariable("PE_BENCH_SETTLE_MS") is { } settle) Thread.Sleep(int.Parse(settle, CultureInfo.InvariantCulture));
        int screening = 0;
        var cpus = new List<double>();
        var times = Time(runs, () =>
        {
            var compiled = fresh();
            int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
            long faults = MinorFaults(), jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
            long cpu = ThreadCpuNanoseconds();
            var clock = Stopwatch.StartNew();
            Screener.Screen(compiled, study, options);
            cpus.Add((ThreadCpuNanoseconds() - cpu) / (double)study.SubjectCount);
            screening++;
            jit?.Mark($"screening {screening}");
            // The collections, the page faults (pages the process touched for the first time: fresh memory from the OS) and
            // the methods compiled during the screening: what a slow first screening paid for besides the rules.
            Console.WriteLine($"screening {screening}: {clock.Elapsed.TotalMilliseconds * 1e6 / study.SubjectCount:N0} ns per subject (thread CPU {cpus[^1]:N0}); " +
                $"collections {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, minor page faults {MinorFaults() - faults:N0}, methods compiled {System.Runtime.JitInfo.GetCompiledMethodCount() - jitted}");
        });
        Console.WriteLine($"first screening, median of the {runs} timed: {Median(times) * 1e6 / study.SubjectCount:N0} ns per subject (thread CPU {Median(cpus[^runs..]):N0}); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        jit?.Print(all);
        return 0;
    }

    /// <summary>
    /// Each of the eight rules alone (one thread, no evidence), or each of <paramref name="rules"/> (expressions separated by
    /// semicolons, over the eight rules' definitions, named R1, R2, ...): where the time goes.
    /// </summary>
    private static int PerRule(StudyData study, int runs, string? rules)
    {
        var lines = EightRules.Split('\n');
        int criteriaLine = Array.FindIndex(lines, l => l.Trim() == "criteria");
        var header = string.Join('\n', lines[..(criteriaLine + 1)]);
        // Two baselines first: the cost of screening itself (a constant rule) and of reading one DM value.
        var cases = new List<string> { "  inclusion CONST \"Always.\"\n    true", "  inclusion DMAGE \"Reads DM.AGE.\"\n    DM.AGE >= 50" };
        for (int k = 0; k < 8; k++) cases.Add(lines[criteriaLine + 1 + 2 * k] + "\n" + lines[criteriaLine + 2 + 2 * k]);
        if (rules is not null) cases = [.. rules.Split(';').Select((rule, k) => $"  inclusion R{k + 1} \"Given on the command line.\"\n    {rule.Trim()}")];
        // Every rule compiled before any is timed: a mistake in the tenth is reported now, with the compiler's
        // diagnostics, not as an exception after nine have run.
        string RuleText(string criterion) => header + "\n" + criterion + "\n";
        var broken = cases.Select(criterion => ProtocolCompiler.Standalone.Compile(new SourceText(RuleText(criterion), "rule.protocol")))
            .Where(compiled => compiled.HasErrors).ToList();
        if (broken.Count > 0)
        {
            foreach (var compiled in broken)
                foreach (var diagnostic in compiled.Diagnostics.Where(d => d.IsError))
                    Console.Error.WriteLine($"--rules: {compiled.Criteria.FirstOrDefault()?.Id ?? "a rule"}: {diagnostic.Code}: {diagnostic.Message}");
            Console.Error.WriteLine($"--rules: {broken.Count} of {cases.Count} rules do not compile (each is an expression over the eight rules' definitions, separated by semicolons); nothing was timed");
            return 2;
        }
        foreach (var criterion in cases)
        {
            var text = RuleText(criterion);
            CompiledProtocol Compile(string path) => Checked(ProtocolCompiler.Standalone.Compile(new SourceText(text, path)));
            var protocol = Compile("rule.protocol");
            var options = new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 };
            // With the column lookups, then subject by subject (the path before them), one after the other.
            // With the batch criteria (and lookups), without the batches, and subject by subject (the path before either), one after the other.
            // With the batches scanning records (no code indexes), the reference path of the kernels that read the code indexes.
            foreach (var (data, path) in new[] { (study, "batches"), (study.WithoutCodeIndexes(), "scanning"), (study.WithoutBatchCriteria(), "lookups"), (study.WithoutBatchCriteria().WithoutColumnLookups(), "per subject") })
            {
                var cpu = new List<double>();
                var fresh = Fresh(Compile, runs, "rule.protocol");
                var times = Time(runs, () =>
                {
                    var compiled = fresh();
                    long before = ThreadCpuNanoseconds();
                    Screener.Screen(compiled, data, options);
                    cpu.Add((ThreadCpuNanoseconds() - before) / 1e6);
                });
                double ms = Median(times);
                long before = GC.GetAllocatedBytesForCurrentThread(), answered = ProtocolEngine.Runtime.Native.ColumnLookup.Answered, cells = ProtocolEngine.Runtime.Native.BatchCriterion.Answered;
                Screener.Screen(protocol, data, options);
                long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
                answered = ProtocolEngine.Runtime.Native.ColumnLookup.Answered - answered;
                cells = ProtocolEngine.Runtime.Native.BatchCriterion.Answered - cells;
                Console.WriteLine($"{protocol.Criteria[0].Id,-6} {path,-11} {ms * 1e6 / study.SubjectCount,8:N0} ns per subject (fastest run {times.Min() * 1e6 / study.SubjectCount:N0}, least thread CPU time {cpu.Min() * 1e6 / study.SubjectCount:N0}), {(double)bytes / study.SubjectCount,6:N0} bytes allocated per subject; lookups answered {answered:N0}, batches answered {cells:N0}");
            }
        }
        Console.WriteLine($"load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        return 0;
    }

    /// <summary>The pilot protocol compiled as if it were at <paramref name="path"/> (beside the shipped file, so its libraries resolve).</summary>
    private static CompiledProtocol CompilePilot(string path) =>
        Checked(new ProtocolCompiler(new FileSourceResolver(BenchmarkPaths.Protocols)).Compile(new SourceText(_oneText ?? ProtocolFiles.Read(PilotPath).Text, path)));

    // `-- screening-pilot --evidence on|off --eight-rules`: the eight rules instead of the pilot, through the same runs.
    private static string? _oneText;

    private static string PilotPath => Path.Combine(BenchmarkPaths.Protocols, "cdiscpilot01.protocol");

    private static int Pilot(StudyData study)
    {
        var protocol = CompilePilot(PilotPath);
        var options = new ScreeningOptions { AsOf = AsOf, RecordEvidence = false };
        // A first pass over a few thousand subjects compiles the protocol, builds the code indexes the rules use (over
        // the whole population) and lets the JIT promote the hot code.
        var warmUp = Stopwatch.StartNew();
        Screener.Screen(protocol, study, options with { Subjects = [.. study.SubjectIds.Take(5000)] });
        Screener.Screen(protocol, study, options with { Subjects = [.. study.SubjectIds.Take(5000)], RecordEvidence = true });
        Screener.Screen(protocol, study, options with { Subjects = [.. study.SubjectIds.Take(5000)] });
        Console.WriteLine($"compile, code indexes and warm-up on 5,000 subjects: {warmUp.Elapsed.TotalSeconds:F2} s; {IndexSize(study)}");
        // Evidence off on one thread first, so the two-thread figure can be compared with it; the path without batch
        // criteria first and again last, so neither order nor the JIT's warming favours the batches.
        foreach (var (evidence, threads, lookups) in new[] { (false, 1, false), (false, 1, true), (false, Environment.ProcessorCount, true), (true, Environment.ProcessorCount, true), (false, 1, false) })
        {
            var data = lookups ? study : study.WithoutBatchCriteria();
            // Its own executable (see Fresh): the criteria evaluated, not answers the warm-up or the last run kept.
            var compiled = FreshOne(CompilePilot, PilotPath);
            GC.Collect();
            Thread.Sleep(200);
            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var result = Screener.Screen(compiled, data, options with { RecordEvidence = evidence, MaxDegreeOfParallelism = threads });
            clock.Stop();
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var c = result.Counts;
            Console.WriteLine();
            Console.WriteLine($"CDISCPILOT01 ({result.Criteria.Count} criteria) over {result.SubjectCount:N0} synthetic subjects, {threads} thread(s) on {Environment.ProcessorCount} cores, evidence {(evidence ? "on" : "off")}{(lookups ? "" : ", without batch criteria (column lookups on)")}:");
            Console.WriteLine($"  {clock.Elapsed.TotalSeconds:F2} s after loading, {result.SubjectCount / clock.Elapsed.TotalSeconds:N0} subjects/s; peak working set {process.PeakWorkingSet64 / 1e6:N0} MB");
            // CPU time is what the screening cost whatever else the machine was doing; on idle cores wall time is about CPU time / cores.
            Console.WriteLine($"  CPU time {cpu.TotalSeconds:F2} s ({cpu.TotalSeconds / Environment.ProcessorCount:F2} s per core); load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            Console.WriteLine($"  eligible {c.Eligible:N0}, ineligible {c.Ineligible:N0}, needs review {c.NeedsReview:N0}");
            Console.WriteLine($"  attrition: " + string.Join(", ", result.Attrition.Where(a => a.ExcludedHere > 0).Select(a => $"{a.CriterionId} -{a.ExcludedHere:N0}")));
        }
        return 0;
    }

    /// <summary>
    /// <c>-- screening-pilot --evidence on|off [--threads N] [--runs N]</c>: one configuration of the pilot run again and
    /// again after warm-up, quoting the median wall time, the median CPU time of the process (every worker thread: on a
    /// shared machine, what the screening cost whatever else ran) and the load average.
    /// </summary>
    private static int PilotOne(StudyData study, bool evidence, int threads, int runs)
    {
        var protocol = CompilePilot(PilotPath);
        var options = new ScreeningOptions { AsOf = AsOf, RecordEvidence = evidence, MaxDegreeOfParallelism = threads };
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; i < 3; i++) Screener.Screen(protocol, study, options with { Subjects = [.. study.SubjectIds.Take(5000)] });
        Console.WriteLine($"compile, code indexes and warm-up on 5,000 subjects: {warmUp.Elapsed.TotalSeconds:F2} s; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        var walls = new List<double>();
        var cpus = new List<double>();
        ScreeningResult? result = null;
        for (int run = 0; run < runs; run++)
        {
            result = null;
            var compiled = FreshOne(CompilePilot, PilotPath);
            GC.Collect();
            Thread.Sleep(200);
            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            result = Screener.Screen(compiled, study, options);
            clock.Stop();
            process.Refresh();
            walls.Add(clock.Elapsed.TotalSeconds);
            cpus.Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
            Console.WriteLine($"  run {run + 1}: {clock.Elapsed.TotalSeconds:F2} s wall, CPU time {cpus[^1]:F2} s, peak working set {process.PeakWorkingSet64 / 1e6:N0} MB, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }
        var c = result!.Counts;
        Console.WriteLine($"{(_oneText is null ? "CDISCPILOT01" : "The eight rules")} over {result.SubjectCount:N0} subjects, {threads} thread(s), evidence {(evidence ? "on" : "off")}: median {Median(walls):F2} s wall, median CPU time {Median(cpus):F2} s ({Median(cpus) * 1e6 / result.SubjectCount:N1} us per subject); eligible {c.Eligible:N0}, ineligible {c.Ineligible:N0}, needs review {c.NeedsReview:N0}");
        return 0;
    }

    /// <summary>
    /// <c>-- screening-pilot --per-criterion [--runs N] [--only ID,ID]</c>: each executable criterion of the pilot alone (its definitions,
    /// code lists and functions kept), one thread, evidence off, each run with its own executable: the median thread CPU
    /// time per subject, with the batch criteria and without them, beside a constant criterion (the cost of screening
    /// itself) and the whole pilot. Shared work (the subject dates, the lookups two criteria share) is counted in each.
    /// </summary>
    private static int PilotPerCriterion(StudyData study, int runs, string[]? only)
    {
        var lines = ProtocolFiles.Read(PilotPath).Text.Split('\n');
        int criteriaLine = Array.FindIndex(lines, l => l.Trim() == "criteria");
        int end = criteriaLine + 1;
        while (end < lines.Length && (lines[end].Length == 0 || char.IsWhiteSpace(lines[end][0]))) end++;
        var starts = Enumerable.Range(criteriaLine + 1, end - criteriaLine - 1)
            .Where(i => lines[i].StartsWith("  inclusion ", StringComparison.Ordinal) || lines[i].StartsWith("  exclusion ", StringComparison.Ordinal)).ToList();
        var cases = new List<(string Id, string Text)> { ("CONST", "  inclusion CONST \"Always.\"\n    true"), ("ALL", string.Join('\n', lines[(criteriaLine + 1)..end])) };
        for (int k = 0; k < starts.Count; k++)
        {
            var block = string.Join('\n', lines[starts[k]..(k + 1 < starts.Count ? starts[k + 1] : end)]);
            if (!block.Contains("attested by", StringComparison.Ordinal)) cases.Add((lines[starts[k]].Trim().Split(' ')[1], block));
        }
        // The recruitment workflow requires a prescreen criterion, which most cases lack; it plays no part in screening.
        var header = string.Join('\n', lines[..(criteriaLine + 1)].Where(l => !l.StartsWith("import std.recruitment", StringComparison.Ordinal)));
        var rest = string.Join('\n', lines[end..]);
        var options = new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 };
        Console.WriteLine($"| criterion | batches, ns per subject (thread CPU) | without batch criteria | batch cells answered |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (id, block) in cases.Where(c => only is null || only.Contains(c.Id)))
        {
            var text = header + "\n" + block + "\n" + rest;
            CompiledProtocol Compile(string path) => Checked(new ProtocolCompiler(new FileSourceResolver(BenchmarkPaths.Protocols)).Compile(new SourceText(text, path)));
            var figures = new List<string>();
            long cells = 0;
            foreach (var data in new[] { study, study.WithoutBatchCriteria() })
            {
                var cpu = new List<double>();
                var fresh = Fresh(Compile, runs, PilotPath);
                long before = ProtocolEngine.Runtime.Native.BatchCriterion.Answered;
                Time(runs, () =>
                {
                    var compiled = fresh();
                    long start = ThreadCpuNanoseconds();
                    Screener.Screen(compiled, data, options);
                    cpu.Add(ThreadCpuNanoseconds() - start);
                });
                if (ReferenceEquals(data, study)) cells = (ProtocolEngine.Runtime.Native.BatchCriterion.Answered - before) / (runs + 4);
                // The timed runs only (Time runs four untimed first).
                figures.Add($"{Median(cpu.Skip(4).ToList()) / study.SubjectCount:N0} (least {cpu.Skip(4).Min() / study.SubjectCount:N0})");
            }
            Console.WriteLine($"| {id} | {figures[0]} | {figures[1]} | {cells:N0} |");
        }
        Console.WriteLine($"load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        return 0;
    }

    /// <summary>
    /// The CPU time of the calling thread so far (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)), in nanoseconds: unlike
    /// wall time, it does not count the time the thread waited for a core the machine's other work held.
    /// </summary>
    private static long ThreadCpuNanoseconds()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        return ClockGetTime(3, out var ts) == 0 ? ts.Seconds * 1_000_000_000 + ts.Nanoseconds : 0;
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>
    /// Compilations made before timing, one for each screening a <see cref="Time"/> call runs (its warm-ups included), so
    /// that no timed run reads answers an earlier one kept in its compiled protocol.
    /// </summary>
    /// <remarks>
    /// An executable protocol is shared by every compilation of the same content and keeps, per study, the answers of its
    /// column lookups and exists kernels (they depend on the data alone). Each compilation here names its own file, so
    /// it gets its own executable, built before timing; the study's code indexes live on its tables and are shared, as in
    /// every timed run since they were introduced (built once per loaded study, before the first screening is timed).
    /// </remarks>
    private static Func<CompiledProtocol> Fresh(Func<string, CompiledProtocol> compileAt, int runs, string path = "eight-rules.protocol")
    {
        var compiled = new Queue<CompiledProtocol>(Enumerable.Range(0, runs + 4).Select(_ => FreshOne(compileAt, path)));
        return compiled.Dequeue;
    }

    /// <summary>One compilation with its own executable, built now (see <see cref="Fresh"/>).</summary>
    private static CompiledProtocol FreshOne(Func<string, CompiledProtocol> compileAt, string path)
    {
        var protocol = compileAt(Path.ChangeExtension(path, null) + $"-fresh-{Interlocked.Increment(ref _freshCount)}.protocol");
        ProtocolEngine.Runtime.Evaluation.ExecutableProtocol.For(protocol);
        return protocol;
    }

    private static int _freshCount;

    /// <summary>The process's minor page faults so far (field 10 of /proc/self/stat), or 0 where there is no /proc.</summary>
    private static long MinorFaults()
    {
        if (!File.Exists("/proc/self/stat")) return 0;
        var stat = File.ReadAllText("/proc/self/stat");
        // The command name (field 2) is in parentheses and may hold spaces: the fields are counted after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], CultureInfo.InvariantCulture);
    }

    private static CompiledProtocol Checked(CompiledProtocol protocol) =>
        protocol.HasErrors ? throw new InvalidOperationException(string.Join("\n", protocol.Diagnostics)) : protocol;

    /// <summary>
    /// A full collection before each timed run, as BenchmarkDotNet makes before each iteration: a run does not pay for
    /// sweeping what the warm-ups, the executables built ahead and earlier runs left, nor for pages of a heap grown past
    /// them. Without it (<c>--no-collect</c>) the first screenings' spread widened (2026-12-07: 192 to 392 ns per subject
    /// within one process, against 187 to 208 with it; docs/performance.md).
    /// </summary>
    private static bool _collectBeforeRuns = true;

    private static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Runs the action a few times untimed (so tiered JIT has promoted the hot code), then times it, each run after a full collection (see <see cref="_collectBeforeRuns"/>).</summary>
    private static List<double> Time(int runs, Action action)
    {
        for (int i = 0; i < 3; i++) action();
        Thread.Sleep(200);
        action();
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            if (_collectBeforeRuns) CollectGarbage();
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    /// <summary>
    /// Untimed runs of <paramref name="action"/> (each on what <paramref name="prepare"/> built before it, untimed), each after
    /// a pause longer than the runtime's call-counting delay, until the JIT compiled no method during two pauses and runs in
    /// a row (at most 40 runs), then <paramref name="runs"/> timed ones: what the action costs once the JIT has promoted
    /// what it runs. Two in a row: on a loaded machine the background compiler can go without a core for one run.
    /// </summary>
    private static List<double> TimeSettled<T>(int runs, Func<T> prepare, Action<T> action, out int warmUps)
    {
        warmUps = 0;
        for (int quiet = 0; quiet < 2 && warmUps < 40; warmUps++)
        {
            var input = prepare();
            long before = System.Runtime.JitInfo.GetCompiledMethodCount();
            Thread.Sleep(200);
            action(input);
            quiet = System.Runtime.JitInfo.GetCompiledMethodCount() == before ? quiet + 1 : 0;
        }
        var times = new List<double>();
        // The settling left the garbage of its executables (each with its kept answers for the study, in the large-object
        // heap); collected here, as BenchmarkDotNet collects between iterations, so the first collections the timed
        // screenings trigger (run on the screening thread) do not sweep the settling's heap: 412 against 275 ns per
        // subject back to back (2026-12-07 07:30, docs/performance.md).
        CollectGarbage();
        for (int i = 0; i < runs; i++)
        {
            var input = prepare();
            var clock = Stopwatch.StartNew();
            action(input);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static void Row(string engine, double ms, int n, double reference) =>
        Console.WriteLine($"| {engine} | {ms:N0} | {ms * 1e6 / n:N0} | {ms * 1e6 / n / 8:N0} | {ms / reference:F2} |");

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
