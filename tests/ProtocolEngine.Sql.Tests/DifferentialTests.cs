using System.Text;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Sql.Backends;
using ProtocolEngine.Sql.Tests.Support;

namespace ProtocolEngine.Sql.Tests;

/// <summary>
/// Every criterion of every shipped protocol over the pilot (XPT and CSV), the MSG study and synthetic subjects: the
/// database decides outcome by outcome what the native screener decides, and the status wherever the query decides it.
/// A difference fails naming the subject, the criterion and both values.
/// </summary>
public sealed class DifferentialTests
{
    private static readonly CqlDateTime AsOf = EligibilityEvaluator.AsOfDate(new DateTime(2024, 6, 1));

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var protocol in Studies.ShippedProtocols())
            foreach (var study in Studies.Names)
                data.Add(protocol, study);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DuckDb_decides_as_the_native_screener(string protocolPath, string studyName)
    {
        var protocol = Studies.Compile(protocolPath);
        if (protocol.Criteria.IsEmpty)
        {
            Assert.Throws<ArgumentException>(() => SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, SqlCatalog.Of([])));
            return;
        }
        var study = Studies.Get(studyName);
        var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 });
        var sql = DuckDbBackend.Screen(protocol, study);
        Compare(native, sql);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Postgres_decides_as_the_native_screener(string protocolPath, string studyName)
    {
        var protocol = Studies.Compile(protocolPath);
        if (protocol.Criteria.IsEmpty) return; // the DuckDB case asserts the refusal
        var study = Studies.Get(studyName);
        var schema = PostgresStudies.Schema(studyName);
        var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 });
        using var connection = PostgresStudies.Open();
        var sql = PostgresBackend.Screen(connection, protocol, new SqlQueryOptions { Schema = schema });
        Compare(native, sql);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ClickHouse_cluster_decides_as_the_native_screener(string protocolPath, string studyName)
    {
        var protocol = Studies.Compile(protocolPath);
        if (protocol.Criteria.IsEmpty) return; // the DuckDB case asserts the refusal
        var study = Studies.Get(studyName);
        var database = ClickHouseStudies.Database(studyName);
        var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 });
        var sql = ClickHouseBackend.Screen(ClickHouseStudies.Cluster, protocol, new SqlQueryOptions { Schema = database });
        Compare(native, sql);
    }

    /// <summary>The query runs across both shards: each holds a part of every subject-keyed table, and no subject is on both.</summary>
    [Theory]
    [MemberData(nameof(StudyNames))]
    public void ClickHouse_load_splits_the_subjects_over_both_shards(string studyName)
    {
        var study = Studies.Get(studyName);
        var database = ClickHouseStudies.Database(studyName);
        var cluster = ClickHouseStudies.Cluster;
        Assert.Equal(2, cluster.Shards.Count);
        foreach (var table in new[] { SqlScreeningQuery.SubjectTable, "DM" })
        {
            var rows = ClickHouseBackend.RowsPerShard(cluster, table, database);
            Assert.All(rows, n => Assert.True(n > 0, $"{table}: a shard holds no rows ({string.Join(", ", rows)})"));
            Assert.Equal(table == "DM" ? study.GetDomain("DM")!.RowCount : study.SubjectCount, rows.Sum());
        }
        var perShard = Enumerable.Range(0, 2).Select(s => cluster.ExecuteOn(s, $"SELECT `USUBJID` FROM `{database}`.`PE_SUBJECT_local`")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal)).ToList();
        Assert.Empty(perShard[0].Intersect(perShard[1]));
    }

    public static TheoryData<string> StudyNames() => [.. Studies.Names];

    /// <summary>The aggregate shapes the shipped protocols do not all reach (Baselines/Aggregates), in both databases.</summary>
    [Theory]
    [MemberData(nameof(StudyNames))]
    public void Aggregate_shapes_decide_as_the_native_screener(string studyName)
    {
        var protocol = ProtocolLoader.Shipped.Load(Path.Combine(Studies.Root, "tests", "ProtocolEngine.Sql.Tests", "Baselines", "Aggregates", "main.protocol"));
        Assert.False(protocol.HasErrors, string.Join("\n", protocol.Diagnostics));
        var study = Studies.Get(studyName);
        var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 });
        var duck = DuckDbBackend.Screen(protocol, study);
        // A study without CM (MSG) makes EXCL04's inner query a missing domain (unknown), which reads no enclosing record.
        var notPushed = duck.Query.Criteria.Where(c => !c.IsPushedDown).Select(c => c.Criterion.Id).ToList();
        Assert.Equal(studyName == "msg" ? [] : ["EXCL04"], notPushed);
        Compare(native, duck);
        using var connection = PostgresStudies.Open();
        Compare(native, PostgresBackend.Screen(connection, protocol, new SqlQueryOptions { Schema = PostgresStudies.Schema(studyName) }));
        Compare(native, ClickHouseBackend.Screen(ClickHouseStudies.Cluster, protocol, new SqlQueryOptions { Schema = ClickHouseStudies.Database(studyName) }));
    }

    /// <summary>Every dialect reads the same references: a literal that looks like a generated alias (EXCL05) is text in each quoting.</summary>
    [Fact]
    public void Every_dialect_pushes_down_the_same_aggregate_shapes()
    {
        var protocol = ProtocolLoader.Shipped.Load(Path.Combine(Studies.Root, "tests", "ProtocolEngine.Sql.Tests", "Baselines", "Aggregates", "main.protocol"));
        foreach (var dialect in Enum.GetValues<SqlDialect>())
        {
            var query = SqlScreeningQuery.Generate(protocol, dialect, SqlCatalog.FromModel(ProtocolEngine.Language.DataModel.SdtmModel.Sdtmig34));
            Assert.Equal(["EXCL04"], query.Criteria.Where(c => !c.IsPushedDown).Select(c => c.Criterion.Id));
            // Each aggregate is declared once and joined only where read: no join names an undeclared expression.
            foreach (var name in System.Text.RegularExpressions.Regex.Matches(query.Text, @"JOIN (pe_a\d+) ").Select(m => m.Groups[1].Value))
                Assert.Contains(name + " AS (", query.Text, StringComparison.Ordinal);
        }
    }

    internal static void Compare(ScreeningResult native, SqlScreeningOutcomes sql)
    {
        Assert.Equal(native.SubjectCount, sql.SubjectIds.Count);
        // A comparison of nothing proves nothing: every shipped protocol has rules the query decides.
        Assert.Contains(sql.Query.Criteria, c => c.IsPushedDown && c.Criterion.Rule is not null);
        var differences = new StringBuilder();
        int count = 0, compared = 0;
        var criteria = sql.Query.Criteria;
        for (int i = 0; i < native.SubjectCount; i++)
        {
            Assert.Equal(native.SubjectId(i), sql.SubjectIds[i]);
            foreach (var c in criteria.Where(c => c.IsPushedDown))
            {
                compared++;
                var (nativeRule, sqlRule) = (native.RuleOutcome(i, c.Index), sql.Rule(i, c.Index));
                var (nativeOutcome, sqlOutcome) = (native.Outcome(i, c.Index), sql.Outcome(i, c.Index));
                if (nativeRule != sqlRule || nativeOutcome != sqlOutcome)
                {
                    if (count++ < 20)
                        differences.AppendLine($"subject {native.SubjectId(i)}, criterion {c.Criterion.Id}: native {nativeOutcome} (rule {nativeRule}), {sql.Query.Dialect} {sqlOutcome} (rule {sqlRule})");
                }
            }
            if (sql.Status(i) is { } status && status != native.Status(i) && count++ < 20)
                differences.AppendLine($"subject {native.SubjectId(i)}, status: native {native.Status(i)}, {sql.Query.Dialect} {status}");
        }
        Assert.True(count == 0, $"{count} differences in {compared} outcomes:\n{differences}");
    }
}
