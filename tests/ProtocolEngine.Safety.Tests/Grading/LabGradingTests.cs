using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Safety.Grading;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Safety.Tests.Grading;

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

/// <summary>The grading rules on small made-up records, where the pilot has no example: units, baselines, dates.</summary>
public sealed class LabGradingRuleTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pe-grading-" + Guid.NewGuid().ToString("N"));

    public LabGradingRuleTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact]
    public void UnitsBaselinesAndDates_GradeAsCtcaeSays_OrUnknown_NeverZeroByDefault()
    {
        File.WriteAllText(Path.Combine(_dir, "dm.csv"), "STUDYID,DOMAIN,USUBJID,AGE\nT,DM,S-1,50\nT,DM,S-2,50\nT,DM,S-3,50\n");
        File.WriteAllText(Path.Combine(_dir, "lb.csv"), """
            STUDYID,DOMAIN,USUBJID,LBSEQ,LBTESTCD,LBSTRESC,LBSTRESN,LBSTRESU,LBSTNRLO,LBSTNRHI,LBBLFL,LBDTC
            T,LB,S-1,1,GLUC,30.3,30.3,mg/dL,70,110,,2020-01-10
            T,LB,S-1,2,GLUC,5.0,5.0,g/L,0.7,1.1,,2020-01-10
            T,LB,S-1,3,CREAT,50,50,umol/L,40,100,Y,2020-01-10
            T,LB,S-1,4,CREAT,90,90,umol/L,40,100,,2020-01-01
            T,LB,S-1,5,CREAT,90,90,umol/L,40,100,,2020-02-10
            T,LB,S-2,1,ALT,<5,,U/L,0,40,Y,2020-01-10
            T,LB,S-2,2,ALT,200,200,U/L,0,40,,2020-02-10
            T,LB,S-3,1,ALT,80,80,U/L,0,40,Y,2020-01-10
            T,LB,S-3,2,ALT,200,200,U/L,0,40,,
            T,LB,S-3,3,ALT,200,200,U/L,0,40,,2020-02-10
            """);
        var study = StudyLoader.Load(_dir).Data;
        var result = LabGrading.Grade(new FileSourceResolver(), Path.Combine(RepoPaths.Root, "protocols", "cdiscpilot01.protocol"), study);
        Assert.Empty(result.Errors);
        LabGrade G(string subject, int seq) => result.Grades.Single(g => g.SubjectId == subject && g.Sequence == seq);

        // 30.3 mg/dL against CTCAE's mg/dL thresholds: grade 3 (< 40 - 30), not 4 (1.68 mmol/L is under the rounded 1.7).
        Assert.Equal((3, "Hypoglycemia"), (G("S-1", 1).Grade, G("S-1", 1).Term));
        // A unit the tables do not know is not read as one they know.
        Assert.Null(G("S-1", 2).Grade);
        // Creatinine before the baseline: against the ULN only (0.9 x ULN: 0), not 1.8 x a later baseline.
        Assert.Equal(0, G("S-1", 4).Grade);
        // After the baseline: the worse of 0.9 x ULN (0) and 1.8 x baseline (grade 2).
        Assert.Equal(2, G("S-1", 5).Grade);
        // A baseline reported only as text ("<5"): whether it was abnormal is unknown, so is the grade of what follows.
        Assert.Null(G("S-2", 2).Grade);
        Assert.Null(G("S-2", 2).BaselineAbnormal);
        // An abnormal baseline (80, ULN 40) and a later result without a date: before or after it is unknown.
        Assert.Null(G("S-3", 2).Grade);
        // The same result dated after it: 200 / 80 = 2.5 x baseline, grade 1.
        Assert.Equal(1, G("S-3", 3).Grade);
        Assert.True(G("S-3", 3).BaselineAbnormal);
    }
}
