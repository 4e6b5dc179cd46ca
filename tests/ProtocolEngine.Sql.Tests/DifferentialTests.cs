using System.Text;
using ProtocolEngine.Runtime.Eligibility;
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
