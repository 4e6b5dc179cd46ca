using System.Globalization;
using System.Text;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Sql.Backends;
using ProtocolEngine.Sql.Tests.Support;

namespace ProtocolEngine.Sql.Tests;

/// <summary>
/// Evidence for pushed-down outcomes: for every criterion of every shipped protocol whose evidence the query returns, over
/// the pilot (XPT and CSV), the MSG study, 10,000 synthetic subjects and the hostile-text pilot, DuckDB and PostgreSQL
/// return subject by subject the evidence the native screener records: the same items (search and record counts, domain,
/// subject, sequence, row, variable, value) in the same order. A difference fails naming the subject, the criterion and both.
/// </summary>
public sealed class EvidenceDifferentialTests
{
    private static readonly CqlDateTime AsOf = EligibilityEvaluator.AsOfDate(new DateTime(2024, 6, 1));

    public static TheoryData<string, string> Cases() => DifferentialTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void DuckDb_returns_the_native_evidence(string protocolPath, string studyName)
    {
        var protocol = Studies.Compile(protocolPath);
        if (protocol.Criteria.IsEmpty) return; // the outcome tests assert the refusal
        var study = Studies.Get(studyName);
        var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = true, MaxDegreeOfParallelism = 1 });
        Compare(native, DuckDbBackend.Screen(protocol, study, new SqlQueryOptions { Evidence = true }), protocolPath);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Postgres_returns_the_native_evidence(string protocolPath, string studyName)
    {
        var protocol = Studies.Compile(protocolPath);
        if (protocol.Criteria.IsEmpty) return;
        var study = Studies.Get(studyName);
        var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = true, MaxDegreeOfParallelism = 1 });
        using var connection = PostgresStudies.Open();
        Compare(native, PostgresBackend.Screen(connection, protocol, new SqlQueryOptions { Schema = PostgresStudies.Schema(studyName), Evidence = true }), protocolPath);
    }

    /// <summary>
    /// The two-shard cluster: each subject's evidence comes from the shard holding its records, once (a record read twice,
    /// or a search counted on both shards, would differ from the native evidence).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void ClickHouse_cluster_returns_the_native_evidence(string protocolPath, string studyName)
    {
        var protocol = Studies.Compile(protocolPath);
        if (protocol.Criteria.IsEmpty) return;
        var study = Studies.Get(studyName);
        var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = true, MaxDegreeOfParallelism = 1 });
        Compare(native, ClickHouseBackend.Screen(ClickHouseStudies.Cluster, protocol, new SqlQueryOptions { Schema = ClickHouseStudies.Database(studyName), Evidence = true }), protocolPath);
    }

    /// <summary>Without the option the query is the one it was: no evidence columns, nothing more to compute.</summary>
    [Fact]
    public void Evidence_off_leaves_the_query_as_it_was()
    {
        var protocol = Studies.Compile("cdiscpilot01.protocol");
        var catalog = SqlCatalog.FromStudy(Studies.Get("pilot-xpt"));
        var off = SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, catalog);
        var on = SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, catalog, new SqlQueryOptions { Evidence = true });
        Assert.False(off.HasEvidence);
        Assert.DoesNotContain("EVIDENCE_", off.Text, StringComparison.Ordinal);
        Assert.True(on.HasEvidence);
        var clickhouseOff = SqlScreeningQuery.Generate(protocol, SqlDialect.ClickHouse, catalog);
        Assert.False(clickhouseOff.HasEvidence);
        Assert.DoesNotContain("EVIDENCE_", clickhouseOff.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("groupArray", clickhouseOff.Text, StringComparison.Ordinal);
        Assert.True(SqlScreeningQuery.Generate(protocol, SqlDialect.ClickHouse, catalog, new SqlQueryOptions { Evidence = true }).HasEvidence);
        // On ClickHouse the pieces over one domain share one scan of it (one GROUP BY per domain, however many pieces; the
        // pilot lacks LB, QS and EG: every domain of the model here).
        var clickhouseOn = SqlScreeningQuery.Generate(protocol, SqlDialect.ClickHouse, SqlCatalog.FromModel(ProtocolEngine.Language.DataModel.SdtmModel.Sdtmig34), new SqlQueryOptions { Evidence = true });
        var scans = System.Text.RegularExpressions.Regex.Matches(clickhouseOn.Text, @"AS PE_E(?:T|KA)\d+ FROM (`\w+`) GROUP BY `USUBJID`\)")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.True(scans.Count >= 3, string.Join(", ", scans));
        Assert.Equal(scans.Distinct(StringComparer.Ordinal), scans);
        // Dialects whose evidence is not written yet return none rather than a wrong one, and say so per criterion.
        foreach (var dialect in new[] { SqlDialect.Spark, SqlDialect.Trino, SqlDialect.SqlServer })
        {
            var text = SqlScreeningQuery.Generate(protocol, dialect, catalog, new SqlQueryOptions { Evidence = true });
            Assert.False(text.HasEvidence);
            Assert.All(text.Criteria.Where(c => c.IsPushedDown && c.Criterion.Rule is not null),
                c => Assert.Equal($"the {SqlScreeningQuery.NameOf(dialect)} query does not return evidence", text.EvidenceGap(c.Index)));
        }
    }

    internal static void Compare(ScreeningResult native, SqlScreeningOutcomes sql, string protocolPath)
    {
        Assert.True(native.HasEvidence);
        var criteria = sql.Query.Criteria;
        var withEvidence = criteria.Where(c => sql.Query.Evidence[c.Index] is not null).ToList();
        // The pilot protocol's exists criteria (INCL02, EXCL12, EXCL16) have their evidence pushed down: a comparison of nothing proves nothing.
        if (protocolPath.EndsWith("cdiscpilot01.protocol", StringComparison.Ordinal))
            Assert.Equal(["INCL02", "INCL03", "INCL04", "EXCL12", "EXCL16", "EXCL27", "EXCL28", "EXCL29", "EXCL30"], withEvidence.Select(c => c.Criterion.Id));
        // Every pushed-down rule's evidence comes back, or the query says why not; in the shipped protocols, every one.
        foreach (var c in criteria.Where(c => c.IsPushedDown && c.Criterion.Rule is not null && sql.Query.Evidence[c.Index] is null))
        {
            Assert.False(string.IsNullOrEmpty(sql.Query.EvidenceGap(c.Index)), $"{c.Criterion.Id} has no evidence and no reason");
            Assert.False(File.Exists(Path.Combine(Studies.Root, "protocols", protocolPath)), $"{protocolPath} {c.Criterion.Id}: no evidence ({sql.Query.EvidenceGap(c.Index)})");
        }
        var differences = new StringBuilder();
        int count = 0, items = 0;
        for (int i = 0; i < native.SubjectCount; i++)
        {
            var subject = native.Subject(i);
            foreach (var c in withEvidence)
            {
                var result = subject.Criteria.First(r => r.Id == c.Criterion.Id);
                var expected = result.Evidence.Select(Text).ToList();
                // The one difference allowed: natively only a subject's first criterion to read a missing domain notes it
                // missing (the subject's records are cached); the database notes it for every criterion that reads it.
                var notedBefore = subject.Criteria.TakeWhile(r => r != result).SelectMany(r => r.Evidence)
                    .Where(e => e.Kind == EvidenceKind.DomainMissing).Select(e => e.Domain).ToHashSet(StringComparer.Ordinal);
                var actual = (sql.Evidence(i, c.Index) ?? [])
                    .Where(e => !(e.Kind == EvidenceKind.DomainMissing && notedBefore.Contains(e.Domain) && !result.Evidence.Any(n => n.Kind == EvidenceKind.DomainMissing && n.Domain == e.Domain)))
                    .Select(Text).ToList();
                items += expected.Count;
                if (expected.SequenceEqual(actual)) continue;
                if (++count <= 10)
                    differences.AppendLine($"{native.SubjectId(i)} {c.Criterion.Id}:\n  native   {string.Join(" | ", expected)}\n  database {string.Join(" | ", actual)}");
            }
        }
        Assert.True(count == 0, $"{count} differences in evidence:\n{differences}");
        if (withEvidence.Count > 0 && native.SubjectCount > 0) Assert.True(items > 0, "no evidence was compared");
    }

    internal static string Text(EvidenceItem item) =>
        $"{item.Kind} {item.Domain} {item.SubjectId} {item.Sequence?.ToString("R", CultureInfo.InvariantCulture)} row {item.Row} {item.Variable}={Value(item.Value)}";

    private static string Value(object? value) => value switch
    {
        null => "null",
        decimal d => (d / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
