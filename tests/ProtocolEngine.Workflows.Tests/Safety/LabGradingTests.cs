using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Workflows.Safety;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Safety;

/// <summary>The pilot's 59,580 LB records (pharmaverse CSV) graded with protocols/std/ctcae5.protocol.</summary>
public sealed class LabGradingTests
{
    private static readonly Lazy<LabGradingResult> Graded = new(() =>
        LabGrading.Grade(new FileSourceResolver(), Path.Combine(RepoPaths.Root, "protocols", "cdiscpilot01.protocol"), PilotData.CsvStudy));

    private static LabGrade Record(string subject, int seq) => Graded.Value.Grades.Single(g => g.SubjectId == subject && g.Sequence == seq);

    [Fact]
    public void AltResults_PerGrade_MatchAnIndependentCount()
    {
        var result = Graded.Value;
        Assert.Empty(result.Errors);
        Assert.Equal(59_580, result.LabRecords);
        Assert.StartsWith("std.ctcae5 5.", result.Library, StringComparison.Ordinal);
        var alt = result.Tests.Single(t => t.TestCode == "ALT");
        // Counted separately from lb.csv (a short Python script applying the CTCAE v5.0 wording, the baseline the
        // record flagged LBBLFL, and the baseline-abnormal table for results after that baseline when it is above its ULN).
        Assert.Equal(1_814, alt.Records);
        Assert.Equal([1_760, 52, 2, 0, 0], alt.ByGrade);
        Assert.Equal(0, alt.Unknown);
        Assert.Equal(70, alt.BaselineAbnormal);
        Assert.Equal(["Alanine aminotransferase increased"], alt.Terms);
    }

    [Fact]
    public void AHandfulOfRealRecords_GradeAsCalculatedByHand()
    {
        // 129 U/L, ULN 32, baseline 10 (normal): 129 / 32 = 4.03 x ULN, in > 3.0 - 5.0: grade 2.
        Assert.Equal(2, Record("01-705-1310", 135).Grade);
        // 124 / 32 = 3.875 x ULN: grade 2.
        Assert.Equal(2, Record("01-708-1286", 207).Grade);
        // 40 / 35 = 1.14 x ULN, in > ULN - 3.0: grade 1.
        Assert.Equal(1, Record("01-701-1234", 166).Grade);
        // Baseline 50 U/L above its ULN 32, so the baseline-abnormal table applies: 104 / 50 = 2.08 x baseline, in
        // 1.5 - 3.0: grade 1 (the baseline-normal table would have said 104 / 32 = 3.25: grade 2).
        var abnormal = Record("01-705-1186", 40);
        Assert.True(abnormal.BaselineAbnormal);
        Assert.Equal(50m, abnormal.Baseline);
        Assert.Equal(1, abnormal.Grade);
        // The abnormal baseline itself is graded against the ULN, not against itself: 50 / 32 = 1.56 x ULN: grade 1.
        var baseline = Record("01-705-1186", 3);
        Assert.False(baseline.BaselineAbnormal);
        Assert.Equal(1, baseline.Grade);
        // Glucose 2.66 mmol/L under the LLN 2.8 and under 3.0, not under 2.2: grade 2 hypoglycemia.
        var hypo = Record("01-701-1115", 114);
        Assert.Equal((2, "Hypoglycemia"), (hypo.Grade, hypo.Term));
        // Glucose 2.94 mmol/L is under CTCAE's 3.0 but within this laboratory's range (LLN 2.8): grade 0.
        Assert.Equal(0, Record("01-708-1272", 87).Grade);
        // Glucose reported only as text ("<2.2204"): no value to grade, so Unknown, never 0.
        Assert.Null(Record("01-701-1115", 87).Grade);
        // Hemoglobin 6.08188 mmol/L x 16.1145 = 98.0 g/L, below 100 g/L (and the LLN 7.14 mmol/L = 115 g/L): grade 2 anemia.
        var hgb = Record("01-705-1292", 90);
        Assert.Equal((2, "Anemia"), (hgb.Grade, hgb.Term));
        // Potassium 3.1 mmol/L under the LLN 3.4, not under 3.0: grade 1 hypokalemia.
        var low = Record("01-705-1292", 133);
        Assert.Equal((1, "Hypokalemia"), (low.Grade, low.Term));
        // Potassium 5.9 mmol/L above 5.5, not above 6.0: grade 2 hyperkalemia.
        var high = Record("01-709-1001", 290);
        Assert.Equal((2, "Hyperkalemia"), (high.Grade, high.Term));
    }

    [Fact]
    public void EveryGradedTestOfThePilot_HasADistribution_AndOnlyGradedTestsAreListed()
    {
        var tests = Graded.Value.Tests.Select(t => t.TestCode).ToList();
        Assert.Equal(["ALP", "ALT", "AST", "BILI", "CREAT", "GLUC", "HGB", "K", "PLAT", "SODIUM"], tests);
        foreach (var t in Graded.Value.Tests)
            Assert.Equal(t.Records, t.ByGrade.Sum() + t.Unknown);
    }
}
