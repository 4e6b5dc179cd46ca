using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.CompilerServices;
using ProtocolEngine.Runtime.Data;
using DuckDB.NET.Data;
using Npgsql;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Sql;
using ProtocolEngine.Sql.Backends;

namespace ProtocolEngine.Benchmarks.Sql;

/// <summary>
/// `-- sql [--subjects 100000] [--protocol FILE] [--pg CONNSTR] [--ch CONNSTR]`: the pilot protocol's pushed-down criteria
/// over synthetic subjects, natively, in embedded DuckDB, in PostgreSQL (PROTOCOLENGINE_PG or --pg) and on a ClickHouse
/// cluster (PROTOCOLENGINE_CH or --ch: .ci/start-clickhouse.sh's two shards; each skipped without one): the time to load
/// the tables and to run the one query, and that every backend decides every outcome alike. Report with `uptime`.
/// With `--population DIR` (a Parquet folder, `protocol data convert --to parquet`) it runs the backends one after another
/// over that population, each freeing what the previous one held (<see cref="RunPopulation"/>).
/// </summary>
internal static class SqlBench
{
    public static int Run(string[] args)
    {
        int subjects = 100_000;
        string file = Path.Combine(BenchmarkPaths.Protocols, "cdiscpilot01.protocol");
        string? pg = Environment.GetEnvironmentVariable("PROTOCOLENGINE_PG");
        string? ch = Environment.GetEnvironmentVariable("PROTOCOLENGINE_CH");
        string? population = null;
        string[] backends = ["native", "duckdb", "postgres", "clickhouse"];
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--subjects": subjects = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--protocol": file = args[i + 1]; break;
                case "--pg": pg = args[i + 1]; break;
                case "--ch": ch = args[i + 1]; break;
                case "--population": population = args[i + 1]; break;
                case "--backends": backends = args[i + 1].Split(','); break;
            }
        }
        var protocol = ProtocolLoader.Shipped.Load(file);
        if (population is not null) return RunPopulation(protocol, population, pg, ch, backends);
        var folder = Directory.CreateTempSubdirectory("pe-sql-bench-").FullName;
        try
        {
            var watch = Stopwatch.StartNew();
            PopulationGenerator.Generate(folder, new SynthOptions { Subjects = subjects, Seed = 19 });
            var study = StudyLoader.Load(folder).Data;
            Console.WriteLine($"{subjects:N0} synthetic subjects generated and loaded in {watch.Elapsed.TotalSeconds:F1} s");
            var pushed = SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, SqlCatalog.FromStudy(study)).Criteria.Where(c => c.IsPushedDown).Select(c => c.Criterion.Id).ToList();
            Console.WriteLine($"{protocol.Name}: {pushed.Count} of {protocol.Criteria.Length} criteria pushed down; all backends screen those");

            watch.Restart();
            var native = Screener.Screen(protocol, study, new ScreeningOptions { Criteria = pushed, RecordEvidence = false, AsOf = EligibilityEvaluator.AsOfDate(new DateTime(2024, 6, 1)) });
            Console.WriteLine($"native:   {watch.Elapsed.TotalSeconds,7:F2} s ({native.SubjectCount / watch.Elapsed.TotalSeconds:N0} subjects/s)");

            var query = SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, SqlCatalog.FromStudy(study));
            using (var duck = new DuckDBConnection("Data Source=:memory:"))
            {
                duck.Open();
                watch.Restart();
                DuckDbBackend.Load(duck, study, SdtmModel.Sdtmig34);
                var load = watch.Elapsed;
                var outcomes = DuckDbBackend.Run(duck, query);
                Console.WriteLine($"duckdb:   {outcomes.Elapsed.TotalSeconds,7:F2} s query ({subjects / outcomes.Elapsed.TotalSeconds:N0} subjects/s), load {load.TotalSeconds:F2} s; {Differences(native, outcomes)} differences");
            }
            if (pg is null) Console.WriteLine("postgres: skipped (set PROTOCOLENGINE_PG or pass --pg CONNSTR)");
            else
            {
                using var connection = new NpgsqlConnection(pg);
                connection.Open();
                var schema = "pe_bench_" + Guid.NewGuid().ToString("N")[..8];
                watch.Restart();
                PostgresBackend.Load(connection, study, SdtmModel.Sdtmig34, schema);
                var load = watch.Elapsed;
                var outcomes = PostgresBackend.Screen(connection, protocol, new SqlQueryOptions { Schema = schema });
                Console.WriteLine($"postgres: {outcomes.Elapsed.TotalSeconds,7:F2} s query ({subjects / outcomes.Elapsed.TotalSeconds:N0} subjects/s), load {load.TotalSeconds:F2} s; {Differences(native, outcomes)} differences");
                using var drop = new NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection);
                drop.ExecuteNonQuery();
            }
            if (ch is null) Console.WriteLine("clickhouse: skipped (set PROTOCOLENGINE_CH or pass --ch CONNSTR)");
            else
            {
                using var cluster = ClickHouseCluster.Parse(ch);
                var database = "pe_bench_" + Guid.NewGuid().ToString("N")[..8];
                try
                {
                    watch.Restart();
                    var tables = ClickHouseBackend.Load(cluster, study, SdtmModel.Sdtmig34, database);
                    var load = watch.Elapsed;
                    var outcomes = ClickHouseBackend.Screen(cluster, protocol, new SqlQueryOptions { Schema = database });
                    var split = tables.First(t => t.Table == SqlScreeningQuery.SubjectTable).RowsPerShard;
                    Console.WriteLine($"clickhouse: {outcomes.Elapsed.TotalSeconds,5:F2} s query ({subjects / outcomes.Elapsed.TotalSeconds:N0} subjects/s), load {load.TotalSeconds:F2} s " +
                                      $"(subjects per shard {string.Join(" + ", split.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))}); {Differences(native, outcomes)} differences");
                }
                finally
                {
                    for (int s = 0; s < cluster.Shards.Count; s++) cluster.ExecuteOn(s, $"DROP DATABASE IF EXISTS `{database}`");
                }
            }
            Console.WriteLine("load: " + File.ReadAllText("/proc/loadavg").Trim());
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static readonly CqlDateTime AsOf = EligibilityEvaluator.AsOfDate(new DateTime(2024, 6, 1));

    /// <summary>
    /// The side-by-side over an existing Parquet population, one backend at a time: native (the whole protocol as
    /// `protocol screen` runs it: evidence off, 2 threads; the pushed-down criteria's outcomes kept, the study freed), DuckDB
    /// over the Parquet files in place, PostgreSQL and ClickHouse (the study loaded from Parquet, written to the database,
    /// freed before the query). Query time and load time are reported apart, with the load average and the memory
    /// available at each step.
    /// </summary>
    private static int RunPopulation(CompiledProtocol protocol, string folder, string? pg, string? ch, string[] backends)
    {
        Step($"population {folder}");
        var watch = Stopwatch.StartNew();
        SqlScreeningQuery pushedQuery;
        using (var duck = new DuckDBConnection("Data Source=:memory:"))
        {
            duck.Open();
            pushedQuery = SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, ParquetTables.Open(duck, folder, protocol.DataModel ?? SdtmModel.Sdtmig34).Catalog);
        }
        var pushed = pushedQuery.Criteria.Where(c => c.IsPushedDown).Select(c => c.Criterion.Id).ToList();
        Console.WriteLine($"{protocol.Name}: {pushed.Count} of {protocol.Criteria.Length} criteria pushed down; the outcomes of those are compared");

        // The native outcomes of the pushed-down criteria, kept after the study is freed: subject by subject, in the study's order.
        string[]? subjects = null;
        byte[]? expected = null;
        if (backends.Contains("native"))
        {
            (subjects, expected) = Native(protocol, folder, pushed);
            Free();
            Step("native done, study freed");
        }

        if (backends.Contains("duckdb"))
        {
            Step("duckdb (Parquet in place)");
            DuckDb(protocol, folder, subjects, expected, pushed);
            Free();
            Step("duckdb done");
        }

        if (backends.Contains("postgres"))
        {
            if (pg is null) Console.WriteLine("postgres: skipped (set PROTOCOLENGINE_PG or pass --pg CONNSTR)");
            else
            {
                Step("postgres");
                using var connection = new NpgsqlConnection(pg);
                connection.Open();
                var schema = "pe_bench_" + Guid.NewGuid().ToString("N")[..8];
                try
                {
                    var load = LoadPostgres(connection, folder, schema, out var read);
                    Free();
                    Step($"postgres: loaded (study read {read.TotalSeconds:F1} s, written {load.TotalSeconds:F1} s), study freed");
                    var outcomes = PostgresBackend.Screen(connection, protocol, new SqlQueryOptions { Schema = schema });
                    Console.WriteLine($"postgres:   {outcomes.Elapsed.TotalSeconds,7:F2} s query ({outcomes.SubjectIds.Count / outcomes.Elapsed.TotalSeconds:N0} subjects/s), load {load.TotalSeconds:F1} s (+ {read.TotalSeconds:F1} s reading the Parquet files); {Differences(subjects, expected, pushed, outcomes)}");
                }
                finally
                {
                    // A failed load may have broken the connection: drop the schema over a fresh one, so the failure is what is reported.
                    using var fresh = new NpgsqlConnection(pg);
                    fresh.Open();
                    using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", fresh);
                    drop.ExecuteNonQuery();
                }
                Free();
                Step("postgres done, schema dropped");
            }
        }

        if (backends.Contains("clickhouse"))
        {
            if (ch is null) Console.WriteLine("clickhouse: skipped (set PROTOCOLENGINE_CH or pass --ch CONNSTR)");
            else
            {
                Step("clickhouse");
                using var cluster = ClickHouseCluster.Parse(ch);
                var database = "pe_bench_" + Guid.NewGuid().ToString("N")[..8];
                try
                {
                    var load = LoadClickHouse(cluster, folder, database, out var read, out var split);
                    Free();
                    Step($"clickhouse: loaded (study read {read.TotalSeconds:F1} s, written {load.TotalSeconds:F1} s, subjects per shard {string.Join(" + ", split.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))}), study freed");
                    var outcomes = ClickHouseBackend.Screen(cluster, protocol, new SqlQueryOptions { Schema = database });
                    Console.WriteLine($"clickhouse: {outcomes.Elapsed.TotalSeconds,7:F2} s query ({outcomes.SubjectIds.Count / outcomes.Elapsed.TotalSeconds:N0} subjects/s), load {load.TotalSeconds:F1} s (+ {read.TotalSeconds:F1} s reading the Parquet files); {Differences(subjects, expected, pushed, outcomes)}");
                }
                finally
                {
                    for (int s = 0; s < cluster.Shards.Count; s++) cluster.ExecuteOn(s, $"DROP DATABASE IF EXISTS `{database}`");
                }
                Free();
                Step("clickhouse done, database dropped");
            }
        }
        return 0;
    }

    // A method of its own, so that nothing it held (the study, the result) is reachable once it returns.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (string[] Subjects, byte[] Expected) Native(CompiledProtocol protocol, string folder, List<string> pushed)
    {
        var watch = Stopwatch.StartNew();
        var study = StudyLoader.Load(folder).Data;
        var load = watch.Elapsed;
        Step($"native: study loaded in {load.TotalSeconds:F1} s ({study.SubjectCount:N0} subjects)");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        watch.Restart();
        var native = Screener.Screen(protocol, study, new ScreeningOptions { RecordEvidence = false, MaxDegreeOfParallelism = 2, AsOf = AsOf });
        var screen = watch.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        string[] subjects = [.. study.SubjectIds];
        var expected = new byte[subjects.Length * pushed.Count];
        var index = pushed.Select(id => native.Criteria.ToList().FindIndex(c => c.Id == id)).ToArray();
        for (int i = 0; i < subjects.Length; i++)
            for (int j = 0; j < index.Length; j++) expected[i * index.Length + j] = (byte)native.Outcome(i, index[j]);
        var statuses = Enumerable.Range(0, native.SubjectCount).GroupBy(native.Status).ToDictionary(g => g.Key, g => g.Count());
        Console.WriteLine($"native:     {screen.TotalSeconds,7:F2} s the whole protocol, evidence off, 2 threads (CPU {cpu.TotalSeconds:F2} s; {subjects.Length / screen.TotalSeconds:N0} subjects/s), load {load.TotalSeconds:F1} s; " +
                          string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value:N0}")));
        return (subjects, expected);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (StudyData Study, TimeSpan Read) LoadStudy(string folder)
    {
        var watch = Stopwatch.StartNew();
        var study = StudyLoader.Load(folder).Data;
        return (study, watch.Elapsed);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TimeSpan LoadPostgres(NpgsqlConnection connection, string folder, string schema, out TimeSpan read)
    {
        var (study, r) = LoadStudy(folder);
        read = r;
        var watch = Stopwatch.StartNew();
        PostgresBackend.Load(connection, study, SdtmModel.Sdtmig34, schema);
        return watch.Elapsed;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TimeSpan LoadClickHouse(ClickHouseCluster cluster, string folder, string database, out TimeSpan read, out int[] split)
    {
        var (study, r) = LoadStudy(folder);
        read = r;
        var watch = Stopwatch.StartNew();
        var tables = ClickHouseBackend.Load(cluster, study, SdtmModel.Sdtmig34, database);
        split = tables.First(t => t.Table == SqlScreeningQuery.SubjectTable).RowsPerShard;
        return watch.Elapsed;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DuckDb(CompiledProtocol protocol, string folder, string[]? subjects, byte[]? expected, List<string> pushed)
    {
        var outcomes = DuckDbParquet.Screen(protocol, folder, out var open);
        Console.WriteLine($"duckdb:     {outcomes.Elapsed.TotalSeconds,7:F2} s query over the Parquet files ({outcomes.SubjectIds.Count / outcomes.Elapsed.TotalSeconds:N0} subjects/s), load (the columns read, from the files into DuckDB tables) {open.TotalSeconds:F1} s; {Differences(subjects, expected, pushed, outcomes)}");
    }

    private static void Free()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    private static void Step(string what)
    {
        var available = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {what} | load {File.ReadAllText("/proc/loadavg").Trim()} | available {long.Parse(available, CultureInfo.InvariantCulture) / 1024:N0} MB | this process {Process.GetCurrentProcess().WorkingSet64 >> 20:N0} MB (peak {Process.GetCurrentProcess().PeakWorkingSet64 >> 20:N0} MB)");
    }

    private static string Differences(string[]? subjects, byte[]? expected, List<string> pushed, SqlScreeningOutcomes sql)
    {
        if (subjects is null || expected is null) return "not compared (native not run)";
        if (sql.SubjectIds.Count != subjects.Length) return $"{sql.SubjectIds.Count:N0} subjects where native has {subjects.Length:N0}";
        var index = pushed.Select(id => sql.Query.Criteria.First(c => c.Criterion.Id == id).Index).ToArray();
        long differences = 0;
        string? first = null;
        for (int i = 0; i < subjects.Length; i++)
        {
            if (sql.SubjectIds[i] != subjects[i]) return $"subject {i + 1} is {sql.SubjectIds[i]}, natively {subjects[i]}";
            for (int j = 0; j < index.Length; j++)
            {
                var got = sql.Outcome(i, index[j]);
                if ((byte)got == expected[i * index.Length + j]) continue;
                differences++;
                first ??= $" (first: {subjects[i]} {pushed[j]}: native {(CriterionOutcome)expected[i * index.Length + j]}, database {got})";
            }
        }
        return $"{differences} differences{first}";
    }

    private static int Differences(ScreeningResult native, SqlScreeningOutcomes sql)
    {
        int differences = 0;
        foreach (var c in sql.Query.Criteria.Where(c => c.IsPushedDown))
        {
            int j = native.Criteria.ToList().FindIndex(n => n.Id == c.Criterion.Id);
            for (int i = 0; i < native.SubjectCount; i++)
                if (native.Outcome(i, j) != sql.Outcome(i, c.Index)) differences++;
        }
        return differences;
    }
}
