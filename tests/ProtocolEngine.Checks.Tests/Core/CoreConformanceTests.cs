using ProtocolEngine.Checks.Core;
using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Conformance;

namespace ProtocolEngine.Checks.Tests.Core;

/// <summary>CDISC's CORE rules on their own positive and negative test cases (../shared/conformance/core), and on the pilot study.</summary>
public sealed class CoreConformanceTests
{
    private static string CoreRules => Path.GetFullPath(Path.Combine(Paths.Root, "..", "shared", "conformance", "core"));

    private static readonly Lazy<List<CoreCaseResult>> Results = new(() =>
        [.. CoreConformanceRunner.FindRules(CoreRules).SelectMany(CoreConformanceRunner.RunRule)]);

    [Fact]
    public void The_SDTMIG_FDA_and_SEND_cases_agree_with_CORE_at_least_as_often_as_measured()
    {
        var scoped = Results.Value.Where(r => r.Families.Any(f => f is "CG" or "FB" or "SEND")).ToList();
        Assert.Equal(955, scoped.Count);
        int passed = scoped.Count(r => r.Outcome == ConformanceOutcome.Passed);
        // Measured 908 of 955 (95.1%, the issue's target is 95%); docs/conformance.md lists every disagreement with its cause.
        Assert.True(passed >= 908, $"{passed} of {scoped.Count} cases agree with CORE; failures: " +
            string.Join("; ", scoped.Where(r => r.Outcome == ConformanceOutcome.Failed).Take(10).Select(r => $"{r.Rule} {r.Case}: {r.Detail}")));
    }

    [Fact]
    public void A_skipped_case_names_the_construct_it_needs()
    {
        Assert.All(Results.Value.Where(r => r.Outcome == ConformanceOutcome.Skipped), r => Assert.False(string.IsNullOrWhiteSpace(r.Detail)));
        Assert.Contains(Results.Value, r => r.Outcome == ConformanceOutcome.Skipped && r.Detail.Contains("codelist_terms", StringComparison.Ordinal));
    }

    [Fact]
    public void The_upstream_case_with_swapped_results_disagrees_both_ways()
    {
        // CORE-000718's positive and negative results are swapped upstream (see the corpus README): we report the
        // issues in its negative data and none in its positive data, the reverse of results.csv.
        var cases = Results.Value.Where(r => r.Rule == "CORE-000718").ToList();
        Assert.Contains(cases, r => r.Case.StartsWith("positive", StringComparison.Ordinal) && r.ActualIssues == 0 && r.ExpectedIssues > 0);
        Assert.Contains(cases, r => r.Case.StartsWith("negative", StringComparison.Ordinal) && r.ActualIssues > 0 && r.ExpectedIssues == 0);
    }

    [Fact]
    public void CORE_rules_run_natively_on_the_pilot_XPT_data()
    {
        var study = CoreStudy.Load(Paths.Pilot, new StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") });
        var rules = CoreRuleSet.Read(CoreRules, new HashSet<string> { "CG", "FB" }, "SDTMIG");
        Assert.DoesNotContain(rules.Rules, r => r.Standards.All(s => !s.StartsWith("SDTMIG", StringComparison.Ordinal)));
        var outcomes = rules.Run(study);
        CoreRuleOutcome Of(string id) => outcomes.Single(o => o.Rule.Id == id);
        // The 52 screen failures: ACTARMCD 'Scrnfail' is not an arm of TA (CG0512).
        Assert.Equal(52, Of("CORE-000208").Result!.Issues.Count);
        Assert.All(Of("CORE-000208").Result!.Issues, i => Assert.Equal("DM", i.Dataset));
        // CORE's study-day rule (CG0220) finds the one AESTDY our own CG0220_AESTDY check finds, and nothing in MH,
        // which has no MHSTDY to compare.
        var studyDay = Assert.Single(Of("CORE-000552").Result!.Issues);
        Assert.Equal(("AE", "366"), (studyDay.Dataset, studyDay.Variables.Single(v => v.Key == "AESTDY").Value));
        // Records are named by their row in the XPT file.
        Assert.All(outcomes.Where(o => o.Result is not null).SelectMany(o => o.Result!.Issues).Where(i => i.Record is not null),
            i => Assert.InRange(i.Record!.Value, 1, study.Find(i.Dataset)!.Rows.Count));
        // A rule that cannot run yet says why.
        Assert.All(outcomes.Where(o => o.Result is null), o => Assert.False(string.IsNullOrWhiteSpace(o.NotRun)));
    }
}
