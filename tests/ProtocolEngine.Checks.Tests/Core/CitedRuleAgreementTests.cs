using ProtocolEngine.Checks.Core;
using ProtocolEngine.Checks.Results;
using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks.Tests.Core;

/// <summary>
/// A shipped check that cites a CDISC conformance rule (CGnnnn) must agree with CDISC's own CORE implementation of
/// that rule on CORE's published test cases: over the records of the dataset the check reads, the records CORE
/// reports are exactly the records the check reports (failed, or not evaluable: both go to a person).
/// </summary>
public sealed class CitedRuleAgreementTests
{
    private const string Citation = "CDISC SDTM Conformance Rule ";

    private static string CoreRules => Path.GetFullPath(Path.Combine(Paths.Root, "..", "shared", "conformance", "core"));

    private static readonly Lazy<CompiledProtocol> Library = new(() => Protocols.File(Paths.SdtmChecks));

    /// <summary>One shipped check on one CORE case of the rule it cites.</summary>
    public sealed record Comparison(string CheckId, string CoreId, string Case, string Dataset, bool DatasetPresent,
        IReadOnlySet<int> CoreRecords, IReadOnlySet<int> CheckRecords, string Detail);

    private static readonly Lazy<IReadOnlyList<Comparison>> Comparisons = new(Compare);

    private static IReadOnlyList<Comparison> Compare()
    {
        var coreByCitation = CoreConformanceRunner.FindRules(CoreRules)
            .Select(folder => (Folder: folder, Rule: CoreRuleReader.Read(Path.Combine(folder, "rule.yml"))))
            .SelectMany(r => r.Rule.RuleIds.Select(id => (Id: id, r.Folder, r.Rule)))
            .ToLookup(r => r.Id, StringComparer.Ordinal);
        var comparisons = new List<Comparison>();
        foreach (var check in Library.Value.Checks)
        {
            var cited = check.Syntax.Citations.Select(c => c.Value)
                .Where(c => c.StartsWith(Citation, StringComparison.Ordinal)).Select(c => c[Citation.Length..].Trim());
            foreach (var ruleId in cited)
                foreach (var (_, folder, rule) in coreByCitation[ruleId])
                    foreach (var caseFolder in Cases(folder))
                        comparisons.Add(CompareCase(check.Id, rule, folder, caseFolder));
        }
        return comparisons;
    }

    private static IEnumerable<string> Cases(string ruleFolder) =>
        new[] { "positive", "negative" }.Select(kind => Path.Combine(ruleFolder, kind)).Where(Directory.Exists)
            .SelectMany(kind => Directory.EnumerateDirectories(kind).Order(StringComparer.Ordinal))
            .Where(c => Directory.Exists(Path.Combine(c, "data")) && File.Exists(Path.Combine(c, "results", "results.csv")));

    private static Comparison CompareCase(string checkId, CoreRule rule, string ruleFolder, string caseFolder)
    {
        var caseName = Path.GetRelativePath(ruleFolder, caseFolder).Replace('\\', '/');
        var coreStudy = CoreCaseReader.Read(Path.Combine(caseFolder, "data"));
        var study = ToStudyData(coreStudy);
        var report = CheckRunner.Run(Library.Value, study, new CheckRunOptions { Only = [checkId], AsOf = CqlDateTime.ParseIso("2025-01-01"), Parallelism = 1 });
        var result = Assert.Single(report.Checks);
        var dataset = result.Dataset ?? throw new InvalidOperationException($"{checkId} reads no dataset's records");
        var findings = result.Failures.Concat(result.NotEvaluated).ToList();
        bool present = coreStudy.Find(dataset) is not null;
        var checkRecords = findings.Where(f => string.Equals(f.Dataset, dataset, StringComparison.OrdinalIgnoreCase) && f.Record is not null)
            .Select(f => f.Record!.Value).ToHashSet();
        var (cols, rows) = CoreCaseReader.ReadCsv(Path.Combine(caseFolder, "results", "results.csv"));
        int d = Array.IndexOf(cols, "Dataset"), r = Array.IndexOf(cols, "Record");
        var coreRecords = rows.Where(row => d >= 0 && string.Equals(row[d], dataset, StringComparison.OrdinalIgnoreCase))
            .Select(row => r >= 0 && int.TryParse(row[r], out var n) ? n : -1).Where(n => n > 0).ToHashSet();
        var detail = $"{checkId} (cites {string.Join(", ", rule.RuleIds)}) on {rule.Id} {caseName}, {dataset}: " +
            $"status {result.StatusText}{(result.Error is { } e ? " (" + e.Message + ")" : "")}; CORE reports records [{string.Join(", ", coreRecords.Order())}], " +
            $"the check [{string.Join(", ", checkRecords.Order())}]; " +
            string.Join("; ", findings.Where(f => f.Record is { } n && !coreRecords.Contains(n)).Take(3).Select(f => $"record {f.Record} {f.Outcome}: {f.Message}"));
        return new Comparison(checkId, rule.Id, caseName, dataset, present, coreRecords, checkRecords, detail);
    }

    private static StudyData ToStudyData(CoreStudy study) =>
        RecordText.Study(study.Datasets.Select(ds => KeyValuePair.Create(ds.Name,
            ds.Rows.Select(row => ds.Columns.Select((c, i) => (c, v: row[i]))
                .Where(x => !string.IsNullOrWhiteSpace(x.v)).ToDictionary(x => x.c, x => x.v!.Trim(), StringComparer.Ordinal)).ToList())), strictNumbers: false);

    [Fact]
    public void Every_shipped_check_citing_a_CORE_rule_reports_the_records_CORE_reports()
    {
        var compared = Comparisons.Value.Where(c => c.DatasetPresent).ToList();
        // CG0033, CG0042, CG0220 (CM), CG0221 and CG0222 (AE, CM) have CORE cases here; the other citations
        // (CG0020, CG0027, CG0039, CG0041) have no rule in the corpus: five checks on 15 cases (docs/conformance.md).
        Assert.Contains(compared, c => c.CoreRecords.Count > 0);
        Assert.Equal(["CG0033", "CG0042", "CG0220_CMSTDY", "CG0221_AESTDY", "CG0222_AEENDY"], compared.Select(c => c.CheckId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(15, compared.Count);
        var disagreements = compared.Where(c => !c.CoreRecords.SetEquals(c.CheckRecords)).Select(c => c.Detail).ToList();
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }
}
