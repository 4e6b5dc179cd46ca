using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Sql.Backends;
using ProtocolEngine.Sql.Tests.Support;

namespace ProtocolEngine.Sql.Tests;

/// <summary>
/// Evidence for every pushed-down shape (Evidence/shapes.protocol: DM reads, First / Last sorted and not, Count, exists
/// under case / if / or and over a sorted list, is null of a chosen record, dates), over every study of the differential
/// tests and a study of hostile values (the evidence's separators, 15,000-character text, nulls, non-ASCII, a subject past
/// the evidence's capacity): DuckDB and PostgreSQL return item by item what the native screener records. And the shapes
/// whose evidence is not pushed down say why, per criterion.
/// </summary>
public sealed class EvidenceShapesTests
{
    private static readonly CqlDateTime AsOf = EligibilityEvaluator.AsOfDate(new DateTime(2024, 6, 1));

    private static string Shapes => Path.Combine(Studies.Root, "tests", "ProtocolEngine.Sql.Tests", "Evidence", "shapes.protocol");

    public static TheoryData<string> StudyNames() => [.. Studies.Names, "hostile-values"];

    [Theory]
    [MemberData(nameof(StudyNames))]
    public void Every_shape_returns_the_native_evidence(string studyName)
    {
        var protocol = ProtocolLoader.Shipped.Load(Shapes);
        Assert.False(protocol.HasErrors, string.Join("\n", protocol.Diagnostics));
        var study = Studies.Get(studyName);
        var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = true, MaxDegreeOfParallelism = 1 });
        var duck = DuckDbBackend.Screen(protocol, study, new SqlQueryOptions { Evidence = true });
        Assert.True(duck.Query.IsComplete);
        foreach (var c in duck.Query.Criteria)
            Assert.True(duck.Query.Evidence[c.Index] is not null, $"{c.Criterion.Id}: no evidence ({duck.Query.EvidenceGap(c.Index)})");
        DifferentialTests.Compare(native, duck);
        EvidenceDifferentialTests.Compare(native, duck, Shapes);
        using var connection = PostgresStudies.Open();
        var postgres = PostgresBackend.Screen(connection, protocol, new SqlQueryOptions { Schema = PostgresStudies.Schema(studyName), Evidence = true });
        DifferentialTests.Compare(native, postgres);
        EvidenceDifferentialTests.Compare(native, postgres, Shapes);
        var clickhouse = ClickHouseBackend.Screen(ClickHouseStudies.Cluster, protocol, new SqlQueryOptions { Schema = ClickHouseStudies.Database(studyName), Evidence = true });
        foreach (var c in clickhouse.Query.Criteria)
            Assert.True(clickhouse.Query.Evidence[c.Index] is not null, $"{c.Criterion.Id}: no evidence on clickhouse ({clickhouse.Query.EvidenceGap(c.Index)})");
        DifferentialTests.Compare(native, clickhouse);
        EvidenceDifferentialTests.Compare(native, clickhouse, Shapes);
        if (studyName != "hostile-values") return;
        // The hostile values reached the evidence (a comparison that never met them would prove nothing).
        var values = Enumerable.Range(0, native.SubjectCount).SelectMany(i => native.Subject(i).Criteria).SelectMany(c => c.Evidence)
            .Where(e => e.Kind == EvidenceKind.Value).Select(e => e.Value).ToList();
        Assert.Contains(values, v => v is string s && s.Contains('\u001e', StringComparison.Ordinal) && s.Contains('\u0010', StringComparison.Ordinal));
        Assert.Contains(values, v => v is string { Length: > 10_000 });
        Assert.Contains(values, v => v is null);
        Assert.Contains(values, v => v is CqlDateTime);
        Assert.Contains(Enumerable.Range(0, native.SubjectCount).SelectMany(i => native.Subject(i).Criteria), c => c.Evidence.Count == 100); // the capacity (ScreeningOptions.EvidenceCapacity)
    }

    /// <summary>The aggregate shapes whose evidence is not pushed down name why; the others return the native evidence.</summary>
    [Fact]
    public void A_shape_without_evidence_says_why()
    {
        var protocol = ProtocolLoader.Shipped.Load(Path.Combine(Studies.Root, "tests", "ProtocolEngine.Sql.Tests", "Baselines", "Aggregates", "main.protocol"));
        var study = Studies.Get("synthetic");
        var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = true, MaxDegreeOfParallelism = 1 });
        var duck = DuckDbBackend.Screen(protocol, study, new SqlQueryOptions { Evidence = true });
        var gaps = duck.Query.Criteria.Where(c => c.IsPushedDown).ToDictionary(c => c.Criterion.Id, c => duck.Query.EvidenceGap(c.Index));
        Assert.Equal("the subject's DM record read inside a query's filter", gaps["INCL01"]);
        Assert.Equal("a query inside another query's filter", gaps["INCL02"]);
        Assert.Equal("a list of records that is not a query", gaps["EXCL03"]);
        Assert.All(new[] { "INCL03", "EXCL01", "EXCL02", "EXCL05" }, id => Assert.Null(gaps[id]));
        EvidenceDifferentialTests.Compare(native, duck, "aggregates");
        // The cluster has the same gaps, for the same reasons, and the others' evidence.
        var clickhouse = ClickHouseBackend.Screen(ClickHouseStudies.Cluster, protocol, new SqlQueryOptions { Schema = ClickHouseStudies.Database("synthetic"), Evidence = true });
        Assert.Equal(gaps, clickhouse.Query.Criteria.Where(c => c.IsPushedDown).ToDictionary(c => c.Criterion.Id, c => clickhouse.Query.EvidenceGap(c.Index)));
        EvidenceDifferentialTests.Compare(native, clickhouse, "aggregates");
        // Without evidence asked for, no gap is reported; a dialect that returns none says so.
        Assert.Null(SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, SqlCatalog.FromStudy(study)).EvidenceGap(0));
        var spark = SqlScreeningQuery.Generate(protocol, SqlDialect.Spark, SqlCatalog.FromStudy(study), new SqlQueryOptions { Evidence = true });
        Assert.Equal("the spark query does not return evidence", spark.EvidenceGap(0));
    }
}
