using ProtocolEngine.Runtime.Conformance;

namespace ProtocolEngine.Checks.Core;

/// <summary>One CORE test case run and compared with what the CDISC CORE engine reported (results/results.csv).</summary>
/// <param name="Rule">The CORE id.</param>
/// <param name="Case">The case: positive/01 (CORE reports nothing) or negative/01 (CORE reports issues).</param>
/// <param name="Families">The rule's families (CG, FB, SEND, TIG, DDF).</param>
/// <param name="Outcome">Passed when the same records (and the same number of dataset-level issues) are reported.</param>
/// <param name="ExpectedIssues">Issues CORE reports: distinct records, plus one for each dataset it reports without a record.</param>
/// <param name="ActualIssues">Issues this engine reports, counted the same way.</param>
/// <param name="Detail">Why the case was skipped, or how the issues differ; empty when passed.</param>
public sealed record CoreCaseResult(string Rule, string Case, IReadOnlyList<string> Families, ConformanceOutcome Outcome, int ExpectedIssues, int ActualIssues, string Detail);

/// <summary>
/// Runs CDISC CORE rules on their own test cases (a folder of CORE-nnnnnn/ with rule.yml and positive/ and
/// negative/ cases) and compares each case's issues with the results CORE published.
/// </summary>
public static class CoreConformanceRunner
{
    /// <summary>The rule folders under <paramref name="root"/>, in id order.</summary>
    public static IReadOnlyList<string> FindRules(string root) =>
        [.. Directory.EnumerateDirectories(root).Where(d => File.Exists(Path.Combine(d, "rule.yml"))).Order(StringComparer.Ordinal)];

    /// <summary>Runs every case of one rule folder.</summary>
    /// <exception cref="CoreRuleFormatException">The rule or a case file cannot be read.</exception>
    public static IReadOnlyList<CoreCaseResult> RunRule(string ruleFolder)
    {
        var rule = CoreRuleReader.Read(Path.Combine(ruleFolder, "rule.yml"));
        var results = new List<CoreCaseResult>();
        foreach (var kind in new[] { "positive", "negative" })
        {
            var kindFolder = Path.Combine(ruleFolder, kind);
            if (!Directory.Exists(kindFolder)) continue;
            foreach (var caseFolder in Directory.EnumerateDirectories(kindFolder).Order(StringComparer.Ordinal))
            {
                var data = Path.Combine(caseFolder, "data");
                var expectedFile = Path.Combine(caseFolder, "results", "results.csv");
                if (!Directory.Exists(data) || !File.Exists(expectedFile)) continue;
                results.Add(RunCase(rule, $"{kind}/{Path.GetFileName(caseFolder)}", data, expectedFile));
            }
        }
        return results;
    }

    /// <summary>Runs a rule on one case's data and compares with the expected results.</summary>
    public static CoreCaseResult RunCase(CoreRule rule, string caseName, string dataFolder, string expectedFile)
    {
        var (records, datasetLevel) = Expected(expectedFile);
        int expected = records.Count + datasetLevel.Values.Sum();
        CoreRunResult run;
        try
        {
            run = CoreRuleEngine.Run(rule, CoreCaseReader.Read(dataFolder));
        }
        catch (CoreNotEvaluableException e)
        {
            return new CoreCaseResult(rule.Id, caseName, rule.Families, ConformanceOutcome.Skipped, expected, 0, e.Message);
        }
        // A dataset-sensitive rule or a metadata check raises its issues about a dataset: CORE numbers them
        // inconsistently (no record, the variable's position, 1), so they are compared dataset by dataset.
        if (rule.RuleType is not ("Record Data" or "Value Check with Variable Metadata") || string.Equals(rule.Sensitivity, "Dataset", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (ds, _) in records) datasetLevel[ds] = 1;
            records.Clear();
            run = run with { Issues = [.. run.Issues.Select(i => i with { Record = null })] };
        }
        var actualRecords = run.Issues.Where(i => i.Record is not null).Select(i => (i.Dataset.ToUpperInvariant(), i.Record!.Value)).ToHashSet();
        // CORE reports some datasets it could not evaluate as a row with neither record nor variable: our "not
        // evaluable" for the same dataset agrees with it (a dataset we find not evaluable where CORE is silent is
        // not an issue either way).
        var notEvaluable = run.NotEvaluable.Select(n => n.Split(':')[0].ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        var actualDataset = run.Issues.Where(i => i.Record is null).Select(i => i.Dataset.ToUpperInvariant())
            .Concat(notEvaluable.Where(datasetLevel.ContainsKey))
            .Distinct(StringComparer.Ordinal).ToDictionary(d => d, _ => 1, StringComparer.Ordinal);
        int actual = actualRecords.Count + actualDataset.Values.Sum();
        var missing = records.Except(actualRecords).ToList();
        var extra = actualRecords.Except(records).ToList();
        var datasetDiff = datasetLevel.Keys.Union(actualDataset.Keys)
            .Where(k => datasetLevel.GetValueOrDefault(k) != actualDataset.GetValueOrDefault(k))
            .Select(k => datasetLevel.ContainsKey(k) ? $"{k}: a dataset issue expected, none reported" : $"{k}: a dataset issue reported, none expected").ToList();
        if (missing.Count == 0 && extra.Count == 0 && datasetDiff.Count == 0)
            return new CoreCaseResult(rule.Id, caseName, rule.Families, ConformanceOutcome.Passed, expected, actual, "");
        var detail = new List<string>();
        if (missing.Count > 0) detail.Add("not reported: " + string.Join(", ", missing.Take(5).Select(m => $"{m.Item1} {m.Item2}")) + (missing.Count > 5 ? $" and {missing.Count - 5} more" : ""));
        if (extra.Count > 0) detail.Add("reported, not expected: " + string.Join(", ", extra.Take(5).Select(m => $"{m.Item1} {m.Item2}")) + (extra.Count > 5 ? $" and {extra.Count - 5} more" : ""));
        detail.AddRange(datasetDiff);
        if (run.NotEvaluable.Count > 0) detail.Add("not evaluable: " + string.Join("; ", run.NotEvaluable.Take(3)));
        return new CoreCaseResult(rule.Id, caseName, rule.Families, ConformanceOutcome.Failed, expected, actual, string.Join("; ", detail));
    }

    // results.csv: one row per variable shown; an issue is a (dataset, record), or the dataset when CORE names no record
    // (dataset-sensitive rules and metadata checks), counted once per dataset.
    private static (HashSet<(string, int)> Records, Dictionary<string, int> DatasetLevel) Expected(string file)
    {
        var (cols, rows) = CoreCaseReader.ReadCsv(file);
        int d = Array.IndexOf(cols, "Dataset"), r = Array.IndexOf(cols, "Record");
        var records = new HashSet<(string, int)>();
        var datasetLevel = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var dataset = (d >= 0 ? row[d] : null)?.ToUpperInvariant() ?? "";
            if (r >= 0 && int.TryParse(row[r], out var n)) records.Add((dataset, n));
            else datasetLevel[dataset] = 1;
        }
        return (records, datasetLevel);
    }
}
