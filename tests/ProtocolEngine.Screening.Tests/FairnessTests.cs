using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Tests.Evaluation;
using static ProtocolEngine.Runtime.Tests.Evaluation.TestStudy;

namespace ProtocolEngine.Screening.Tests;

public class FairnessTests
{
    [Fact]
    public void RatioToOverall_MatchesAHandCalculation()
    {
        // 30 of 100 women and 10 of 100 men excluded: overall 40/200 = 0.2; women 0.3, ratio 1.5.
        var (ratio, low, high) = FairnessAudit.RatioToOverall(30, 100, 40, 200);
        Assert.Equal(1.5, ratio!.Value, 10);
        // Delta method with the overlap: var(log RR) = 0.0023333 + 0.0025 - 0.0035 = 0.0013333 -> se 0.036515.
        double se = Math.Sqrt(0.3 * 0.7 / 100 / 0.09 + (0.25 * 0.0021 + 0.25 * 0.0009) / 0.04 - 2 * 0.5 * 0.0021 / (0.3 * 0.2));
        Assert.Equal(1.5 * Math.Exp(-1.959963984540054 * se), low!.Value, 6);
        Assert.Equal(1.5 * Math.Exp(1.959963984540054 * se), high!.Value, 6);
        Assert.True(low > 1);
    }

    [Fact]
    public void RatioToOverall_WithNobodyExcluded_IsUndefined_AndWithTheWholePopulation_IsOne()
    {
        Assert.Null(FairnessAudit.RatioToOverall(0, 50, 0, 100).Ratio);
        Assert.Equal((1.0, 1.0, 1.0), FairnessAudit.RatioToOverall(10, 100, 10, 100) is var (r, l, h) ? (r!.Value, l!.Value, h!.Value) : default);
        var none = FairnessAudit.RatioToOverall(0, 50, 20, 100);
        Assert.Equal(0, none.Ratio);
        Assert.True(none.High > 0 && none.High < 1);
    }

    [Theory]
    [InlineData(49.9, "<50")]
    [InlineData(50, "50-64")]
    [InlineData(64.99, "50-64")]
    [InlineData(65, "65-74")]
    [InlineData(84, "75-84")]
    [InlineData(85, ">=85")]
    public void AgeGroups_HaveTheirBoundaries(double age, string group) => Assert.Equal(group, FairnessAudit.AgeGroup(age));

    [Fact]
    public void ASubgroupExcludedFarMoreOften_IsFlagged_AndCompositionShowsTheShift()
    {
        const string source = """
            protocol Fair version "1"
              data SDTM "3.4"
            criteria
              inclusion HB "Haemoglobin at least 12."
                First(LB L where L.LBTESTCD = 'HGB').LBSTRESN >= 12
            """;
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(source, "fair.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        // 200 women, 60 of them below 12; 200 men, 10 below: women are excluded at 1.71 times the overall rate.
        var dm = new List<Dictionary<string, object?>>();
        var lb = new List<Dictionary<string, object?>>();
        for (int i = 0; i < 400; i++)
        {
            bool female = i < 200;
            bool low = female ? i < 60 : i < 210;
            var id = $"S{i:D3}";
            dm.Add(Row(("USUBJID", id), ("SEX", female ? "F" : "M"), ("AGE", 40 + i % 50)));
            lb.Add(Row(("USUBJID", id), ("LBSEQ", 1), ("LBTESTCD", "HGB"), ("LBSTRESN", low ? 10.5 : 14.0)));
        }
        var study = new TestStudy().Table("DM", [.. dm]).Table("LB", [.. lb]).Build();
        var result = Screener.Screen(compiled, study);
        var audit = FairnessAudit.Compute(result, ["SEX", "AGEGROUP"]);
        var women = audit.Rows.Single(r => r.CriterionId == "HB" && r.Variable == "SEX" && r.Level == "F");
        Assert.Equal((200, 60), (women.Subjects, women.Excluded));
        Assert.Equal(60.0 / 200 / (70.0 / 400), women.Ratio!.Value, 10);
        Assert.True(women.Flagged);
        Assert.False(audit.Rows.Single(r => r.CriterionId == "HB" && r.Level == "M").Flagged);
        var composition = audit.Composition.Single(c => c.Variable == "SEX" && c.Level == "F");
        Assert.Equal(0.5, composition.ScreenedShare, 10);
        Assert.Equal(140.0 / 330, composition.EligibleShare, 10);
        Assert.Contains(audit.Rows, r => r.CriterionId == FairnessReport.AnyCriterion);
    }
}
