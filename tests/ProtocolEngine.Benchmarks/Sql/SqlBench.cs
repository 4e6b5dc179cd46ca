using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Npgsql;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Screening;
using ProtocolEngine.Sql;
using ProtocolEngine.Sql.Backends;

namespace ProtocolEngine.Benchmarks.Sql;

/// <summary>
/// `-- sql [--subjects 100000] [--protocol FILE] [--pg CONNSTR] [--ch CONNSTR]`: the pilot protocol's pushed-down criteria
/// over synthetic subjects, natively, in embedded DuckDB, in PostgreSQL (PROTOCOLENGINE_PG or --pg) and on a ClickHouse
/// cluster (PROTOCOLENGINE_CH or --ch: .ci/start-clickhouse.sh's two shards; each skipped without one): the time to load
/// the tables and to run the one query, and that every backend decides every outcome alike. Report with `uptime`.
/// </summary>
internal static class SqlBench
{
    public static int Run(string[] args)
    {
        int subjects = 100_000;
        string file = Path.Combine(BenchmarkPaths.Protocols, "cdiscpilot01.protocol");
        string? pg = Environment.GetEnvironmentVariable("PROTOCOLENGINE_PG");
        string? ch = Environment.GetEnvironmentVariable("PROTOCOLENGINE_CH");
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--subjects": subjects = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--protocol": file = args[i + 1]; break;
                case "--pg": pg = args[i + 1]; break;
                case "--ch": ch = args[i + 1]; break;
            }
        }
        var protocol = ProtocolLoader.Shipped.Load(file);
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
