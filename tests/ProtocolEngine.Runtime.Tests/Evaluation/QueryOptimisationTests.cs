using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using static ProtocolEngine.Runtime.Tests.Evaluation.TestStudy;

namespace ProtocolEngine.Runtime.Tests.Evaluation;

/// <summary>
/// The query optimisations change the work, never the value: prefiltering on dictionary codes, parts of a filter
/// computed once per query, First and exists stopping early, memoised calls. Each rule is checked against the
/// same rule written so no optimisation applies.
/// </summary>
public sealed class QueryOptimisationTests
{
    private const string Protocol = """
        protocol Q version "1"
          data SDTM "3.4"

        define ScreeningDate: DM.RFICDTC
        define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1 sort by LBDTC)

        criteria
          // Filter parts that do not depend on the record (the interval) are computed once per query.
          exclusion RECENT "Recent history." exists (MH M where M.MHSTDTC in Interval[ScreeningDate - 1 year, ScreeningDate])
          exclusion RECENTPLAIN "The same, the interval depending on the record." exists (MH M where M.MHSTDTC in Interval[ScreeningDate - 1 year, ScreeningDate + 0 days * Length(M.MHDECOD)])
          // An invariant part that would fail is never computed when no record reaches it.
          exclusion UNREACHED "Never reached." exists (MH M where M.MHDECOD = 'NO SUCH TERM' and M.MHSTDTC in Interval[DM.RFICDTC, DM.RFICDTC - 1 day])
          // Prefilter on codes, memoised calls, First stopping at the first match after sorting.
          inclusion ALT "ALT below 3 x ULN." Lab('ALT').LBSTRESN < 3 * Lab('ALT').LBSTNRHI
          inclusion ALTPLAIN "The same without the prefilter." (First(LB L where Upper(L.LBTESTCD) = 'ALT' and L.VISITNUM = 1 sort by LBDTC)).LBSTRESN < 3 * (First(LB L where Upper(L.LBTESTCD) = 'ALT' and L.VISITNUM = 1 sort by LBDTC)).LBSTNRHI
          inclusion IN "Coded in a list." exists (MH M where M.MHDECOD in {'ASTHMA', 'HYPERTENSION'})
          inclusion INPLAIN "The same, spelt out." exists (MH M where Lower(M.MHDECOD) = 'asthma' or Lower(M.MHDECOD) = 'hypertension')
        """;

    private static (ExecutableProtocol Protocol, EvaluationContext Context) Setup()
    {
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Protocol, "q.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var study = new TestStudy()
            .Table("DM", Row(("USUBJID", "S1"), ("RFICDTC", "2024-03-01")), Row(("USUBJID", "S2"), ("RFICDTC", "2024-03-01")), Row(("USUBJID", "S3"), ("RFICDTC", "2024-03-01")))
            .Table("MH",
                Row(("USUBJID", "S1"), ("MHSEQ", 1), ("MHDECOD", "HYPERTENSION"), ("MHSTDTC", "2010-05-01")),
                Row(("USUBJID", "S1"), ("MHSEQ", 2), ("MHDECOD", "ASTHMA"), ("MHSTDTC", "2023-09-01")),
                Row(("USUBJID", "S2"), ("MHSEQ", 1), ("MHDECOD", "GOUT"), ("MHSTDTC", "2023")),
                Row(("USUBJID", "S3"), ("MHSEQ", 1), ("MHDECOD", "GOUT"), ("MHSTDTC", "2019-01-01")))
            .Table("LB",
                Row(("USUBJID", "S1"), ("LBSEQ", 1), ("LBTESTCD", "AST"), ("LBSTRESN", 300), ("LBSTNRHI", 40), ("VISITNUM", 1), ("LBDTC", "2024-02-01")),
                Row(("USUBJID", "S1"), ("LBSEQ", 2), ("LBTESTCD", "ALT"), ("LBSTRESN", 130), ("LBSTNRHI", 40), ("VISITNUM", 1), ("LBDTC", "2024-02-20")),
                Row(("USUBJID", "S1"), ("LBSEQ", 3), ("LBTESTCD", "ALT"), ("LBSTRESN", 20), ("LBSTNRHI", 40), ("VISITNUM", 1), ("LBDTC", "2024-02-10")),
                Row(("USUBJID", "S2"), ("LBSEQ", 1), ("LBTESTCD", "ALT"), ("LBSTRESN", null), ("LBSTNRHI", 40), ("VISITNUM", 1), ("LBDTC", "2024-02-10")))
            .Build();
        var protocol = ExecutableProtocol.For(compiled);
        return (protocol, protocol.CreateContext(study, CqlDateTime.ParseIso("2024-06-01")));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void OptimisedAndPlainRules_Agree_ForEverySubject_WithAndWithoutEvidenceAndStrictMissingData(bool evidence, bool strict)
    {
        var (protocol, ctx) = Setup();
        ctx.MissingDataIsUnknown = strict;
        ctx.ReuseRecords = true;
        var rules = protocol.Criteria.ToDictionary(c => c.Criterion.Id, c => c.Rule!);
        for (int subject = 0; subject < 3; subject++)
        {
            ctx.BeginSubject(subject);
            bool? Run(string id)
            {
                ctx.Evidence = evidence ? new EvidenceRecorder() : null;
                var result = RuleRunner.Run(ctx, rules[id], id, default, null);
                Assert.True(result.Succeeded, $"{id}: {result.Error?.Message}");
                return result.Value;
            }
            Assert.Equal(Run("RECENTPLAIN"), Run("RECENT"));
            Assert.Equal(Run("ALTPLAIN"), Run("ALT"));
            Assert.Equal(Run("INPLAIN"), Run("IN"));
            // The invalid interval is never built: no record has the term, so the filter never reaches it.
            Assert.Equal(false, Run("UNREACHED"));
        }
    }

    [Fact]
    public void TheValues_AreTheExpectedOnes()
    {
        var (protocol, ctx) = Setup();
        ctx.MissingDataIsUnknown = true;
        var rules = protocol.Criteria.ToDictionary(c => c.Criterion.Id, c => c.Rule!);
        bool? Run(int subject, string id)
        {
            ctx.BeginSubject(subject);
            return RuleRunner.Run(ctx, rules[id], id, default, null).Value;
        }
        Assert.Equal(true, Run(0, "RECENT"));  // asthma 2023-09-01, within the year before 2024-03-01
        Assert.Null(Run(1, "RECENT"));         // 2023 only: cannot be placed
        Assert.Equal(false, Run(2, "RECENT"));
        Assert.Equal(true, Run(0, "ALT"));     // sorted by date the first ALT is 20 (2024-02-10), below 3 x 40; the AST is skipped
        Assert.Null(Run(1, "ALT"));            // the ALT value is missing
        Assert.Equal(true, Run(0, "IN"));
        Assert.Equal(false, Run(1, "IN"));
    }
}
