using System.Diagnostics;
using System.Globalization;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Benchmarks.Data;

/// <summary>
/// <c>-- load-view [--subjects 100000] [--format parquet|xpt] [--columns]</c>: loads the synthetic population the
/// screening benchmarks generate (into /tmp, or --data) into the subject view and stops: wall and CPU time, peak
/// working set, and what the view holds, per subject and (with --columns) per column with its storage form.
/// Generate and convert the population first with <c>-- screening-pilot --subjects N --format parquet</c>.
/// </summary>
public static class LoadViewBench
{
    public static int Run(string[] args)
    {
        int subjects = Option(args, "--subjects") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 100_000;
        bool parquet = !string.Equals(Option(args, "--format"), "xpt", StringComparison.OrdinalIgnoreCase);
        var folder = Option(args, "--data") ?? Path.Combine(Path.GetTempPath(), $"pe-bench-synth-{subjects}-seed1") + (parquet ? "-parquet" : "");
        if (!Directory.Exists(folder))
        {
            Console.Error.WriteLine($"{folder} does not exist: run -- screening-pilot --subjects {subjects} --format parquet first (twice: generate, then convert).");
            return 2;
        }
        Console.WriteLine($"load average at the start {File.ReadAllText("/proc/loadavg").Trim()}");
        if (Option(args, "--file") is { } only)
        {
            // One dataset file read three times on its own (no indexing), to time the reader alone.
            var path = Directory.EnumerateFiles(folder, only + ".*").First();
            for (int run = 0; run < 3; run++)
            {
                using var self = Process.GetCurrentProcess();
                var before = self.TotalProcessorTime;
                var one = Stopwatch.StartNew();
                var tables = StudyLoader.ReadFile(path, DataFileFormats.FromPath(path)!.Value);
                self.Refresh();
                Console.WriteLine($"{Path.GetFileName(path)}: {tables.Sum(t => (long)t.RowCount):N0} records in {one.Elapsed.TotalSeconds:F2} s (CPU time {(self.TotalProcessorTime - before).TotalSeconds:F2} s)");
            }
            return 0;
        }
        using var census = args.Contains("--allocations") ? new AllocationCensus() : null;
        // --memory-timeline: the working set, the GC's committed memory and its heap, every 250 ms while loading.
        var timeline = new List<string>();
        var timelineClock = Stopwatch.StartNew();
        using var sampler = args.Contains("--memory-timeline") ? new Timer(_ =>
        {
            using var me = Process.GetCurrentProcess();
            var info = GC.GetGCMemoryInfo();
            lock (timeline)
                timeline.Add($"  {timelineClock.Elapsed.TotalSeconds,6:F2} s  working set {me.WorkingSet64 / 1e6,7:N0} MB  committed {info.TotalCommittedBytes / 1e6,7:N0} MB  " +
                    $"heap {GC.GetTotalMemory(false) / 1e6,7:N0} MB  gen2 {GC.CollectionCount(2)}");
        }, null, 0, 250) : null;
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var study = StudyLoader.Load(folder).Data;
        clock.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        long records = study.Domains.Sum(d => (long)d.RowCount);
        long view = study.Domains.Sum(d => d.MemoryBytes);
        Console.WriteLine($"loaded {study.SubjectCount:N0} subjects, {records:N0} records from {folder} in {clock.Elapsed.TotalSeconds:F1} s (CPU time {cpu.TotalSeconds:F1} s); " +
            $"peak working set {process.PeakWorkingSet64 / 1e6:N0} MB; managed heap after a full collection {GC.GetTotalMemory(true) / 1e6:N0} MB; " +
            $"the view holds {view / 1e6:N0} MB, {(double)view / Math.Max(1, study.SubjectCount):N0} bytes per subject");
        Console.WriteLine($"garbage collections gen0/gen1/gen2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, " +
            $"paused {GC.GetTotalPauseDuration().TotalSeconds:F2} s, allocated {GC.GetTotalAllocatedBytes() / 1e6:N0} MB in all");
        Console.WriteLine($"load average at the end {File.ReadAllText("/proc/loadavg").Trim()}");
        census?.Print();
        sampler?.Dispose();
        lock (timeline) foreach (var line in timeline) Console.WriteLine(line);
        if (!args.Contains("--columns")) return 0;
        var rows = new List<(string Table, string Column, string Storage, long Bytes)>();
        foreach (var table in study.Domains)
            foreach (var column in table.Columns)
                rows.Add((table.Name, column.Name, Describe(column), column.MemoryBytes));
        foreach (var table in study.Domains)
            Console.WriteLine($"{table.Name,-6} {table.RowCount,12:N0} rows {table.MemoryBytes / 1e6,10:N1} MB {(double)table.MemoryBytes / Math.Max(1, study.SubjectCount),8:N0} B/subject");
        foreach (var (table, column, storage, bytes) in rows.OrderByDescending(r => r.Bytes).Take(60))
            Console.WriteLine($"{table,-6} {column,-10} {storage,-40} {bytes / 1e6,10:N1} MB {(double)bytes / Math.Max(1, study.SubjectCount),8:N0} B/subject");
        return 0;
    }

    /// <summary>
    /// What the load allocates, by type and heap (small or large objects), sampled as the runtime samples it: one
    /// AllocationTick event about every 100 KB allocated, naming the type of the object that crossed the mark.
    /// </summary>
    private sealed class AllocationCensus : System.Diagnostics.Tracing.EventListener
    {
        private readonly Dictionary<(string Type, bool Large), long> _bytes = [];

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
        {
            // The runtime's GC keyword (0x1) at verbose level carries AllocationTick.
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
                EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
            int kindAt = e.PayloadNames!.IndexOf("AllocationKind"), amountAt = e.PayloadNames.IndexOf("AllocationAmount64"), typeAt = e.PayloadNames.IndexOf("TypeName");
            if (kindAt < 0 || amountAt < 0 || typeAt < 0) return;
            var key = ((string?)e.Payload[typeAt] ?? "?", Convert.ToInt32(e.Payload[kindAt], CultureInfo.InvariantCulture) == 1);
            lock (_bytes) _bytes[key] = _bytes.GetValueOrDefault(key) + Convert.ToInt64(e.Payload[amountAt], CultureInfo.InvariantCulture);
        }

        public void Print()
        {
            lock (_bytes)
                foreach (var ((type, large), bytes) in _bytes.OrderByDescending(p => p.Value).Take(25))
                    Console.WriteLine($"  {(large ? "large" : "small"),-6} {type,-60} {bytes / 1e6,10:N1} MB (sampled)");
        }
    }

    private static string Describe(Column column) => column switch
    {
        TextColumn t => $"{t.Kind} {t.BytesPerRow} B/row, {t.Dictionary.Count:N0} distinct",
        NumberColumn n => n.IsDictionaryEncoded ? "number, coded" : "number, doubles",
        _ => column.GetType().Name,
    };

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
