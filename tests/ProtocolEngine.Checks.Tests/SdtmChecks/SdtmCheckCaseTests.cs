using ProtocolEngine.Checks.Results;
using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks.Tests.SdtmChecks;

/// <summary>Every check of std.`sdtm-checks` passes a record that conforms and fails one that does not (cases.txt).</summary>
public sealed class SdtmCheckCaseTests
{
    private static readonly Lazy<CompiledProtocol> Library = new(() => Protocols.File(Paths.SdtmChecks));

    public static TheoryData<string> CheckIds() => [.. CheckCase.Load().Select(c => c.CheckId)];

    private static CheckResult Run(string checkId, IReadOnlyList<string> records)
    {
        var study = RecordText.Study(records);
        var report = CheckRunner.Run(Library.Value, study, new CheckRunOptions { Only = [checkId], AsOf = CqlDateTime.ParseIso("2015-01-01"), Parallelism = 1 });
        return Assert.Single(report.Checks);
    }

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void A_conforming_record_passes(string checkId)
    {
        var c = CheckCase.Load().Single(x => x.CheckId == checkId);
        Assert.NotEmpty(c.Pass);
        var result = Run(checkId, c.Pass);
        Assert.True(result.Status == CheckStatus.Success,
            $"{checkId} (cases.txt line {c.Line}): {result.StatusText} {result.Error?.Message} failed {result.Failed}: {string.Join("; ", result.Failures.Select(f => f.Message))}");
        Assert.True(result.Evaluated >= 1, $"{checkId}: no record of the pass study was in the check's scope.");
        Assert.Equal(result.Evaluated, result.Passed);
    }

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void A_nonconforming_record_fails(string checkId)
    {
        var c = CheckCase.Load().Single(x => x.CheckId == checkId);
        Assert.NotEmpty(c.Fail);
        var result = Run(checkId, c.Fail);
        Assert.True(result.Status == CheckStatus.IssueReported,
            $"{checkId} (cases.txt line {c.Line}): {result.StatusText} {result.Error?.Message}, evaluated {result.Evaluated}, not evaluable {result.NotEvaluable}");
        var finding = result.Failures[0];
        Assert.Equal(checkId, finding.CheckId);
        Assert.Equal(result.Hash, finding.CheckHash);
        Assert.DoesNotContain("{", finding.Message, StringComparison.Ordinal);
        Assert.NotEmpty(finding.Evidence);
    }

    [Fact]
    public void Every_check_of_the_library_has_a_case_and_every_case_names_a_check()
    {
        var checks = Library.Value.Checks.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var cases = CheckCase.Load().Select(c => c.CheckId).ToList();
        Assert.Equal(cases.Count, cases.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(checks.Except(cases));
        Assert.Empty(cases.Except(checks));
        Assert.True(checks.Count >= 30, $"The library has {checks.Count} checks; the issue asks for at least 30.");
    }

    [Fact]
    public void Every_check_cites_an_sdtmig_section_and_ids_named_after_a_rule_cite_it()
    {
        foreach (var check in Library.Value.Checks)
        {
            var cites = check.Syntax.Citations.Select(c => c.Value).ToList();
            Assert.Contains(cites, c => c.Contains("SDTMIG 3.4", StringComparison.Ordinal));
            if (check.Id.StartsWith("CG", StringComparison.Ordinal))
                Assert.Contains(cites, c => c.Contains("CDISC SDTM Conformance Rule " + check.Id[..6], StringComparison.Ordinal));
        }
    }
}
