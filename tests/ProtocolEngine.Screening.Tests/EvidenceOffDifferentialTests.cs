using System.Text;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Tests.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// Without evidence, screening takes shortcuts the evidence would show (a row the code index or the dictionary code
/// says holds a query's text key is not compared again). These tests screen every shipped protocol with evidence on
/// and off and require, for every subject, the same status and, for every criterion, the same outcome, rule outcome,
/// cause and data gaps (the reasons quote the evidence, so they differ by design).
/// </summary>
public class EvidenceOffDifferentialTests
{
    public static TheoryData<string, string> Cases() => Paths.ShippedProtocolsOverRealData();

    [Theory]
    [MemberData(nameof(Cases))]
    public void RealData_ScreenedWithAndWithoutEvidence_GiveTheSameOutcomesCausesAndGaps(string protocol, string data)
    {
        var study = Paths.RealStudy(data);
        AssertSameOutcomes(Paths.Compile(protocol), study, Paths.RealDataAsOf, protocol);
    }

    [Fact]
    public void Synthetic_EveryShippedProtocol_ScreenedWithAndWithoutEvidence_GivesTheSameOutcomesCausesAndGaps()
    {
        var study = Paths.SyntheticStudy(3_000, seed: 13);
        foreach (var protocol in Paths.ShippedProtocols)
        {
            AssertSameOutcomes(Paths.Compile(protocol), study, CqlDateTime.ParseIso("2025-06-01"), protocol);
            AssertSameOutcomes(Paths.Compile(protocol), study.WithoutCodeIndexes(), CqlDateTime.ParseIso("2025-06-01"), protocol + " (scanning)");
        }
    }

    [Fact]
    public void TextKeys_OnIndexedAndScannedSubjects_DecideAlike_WithAndWithoutEvidence()
    {
        // S1 has a row without LBTESTCD (scanned, the missing code compared in full); S2 took both drugs of the in list
        // (scanned); S3 is served by the index; S4 has no LB records (Unknown, a gap).
        var study = new TestStudy()
            .Table("DM",
                TestStudy.Row(("USUBJID", "S1"), ("AGE", 60m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S2"), ("AGE", 61m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S3"), ("AGE", 62m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S4"), ("AGE", 63m), ("RFICDTC", "2024-01-01")))
            .Table("LB",
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 1m), ("LBTESTCD", null), ("LBSTRESN", 51m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 2m), ("LBTESTCD", "ALT"), ("LBSTRESN", 50m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S2"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 20m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S3"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 30m), ("VISITNUM", 2m)),
                TestStudy.Row(("USUBJID", "S3"), ("LBSEQ", 2m), ("LBTESTCD", "ALT"), ("LBSTRESN", 41m), ("VISITNUM", 1m)))
            .Table("CM",
                TestStudy.Row(("USUBJID", "S2"), ("CMSEQ", 1m), ("CMDECOD", "RIVASTIGMINE")),
                TestStudy.Row(("USUBJID", "S2"), ("CMSEQ", 2m), ("CMDECOD", "DONEPEZIL")),
                TestStudy.Row(("USUBJID", "S3"), ("CMSEQ", 1m), ("CMDECOD", "ASPIRIN")))
            .Build();
        const string text = """
            protocol Keys version "1"
              data SDTM "3.4"

            define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)

            criteria
              exclusion ALT "ALT above 40."
                Lab('ALT').LBSTRESN > 40
              exclusion DRUG "Donepezil or rivastigmine."
                exists (CM C where C.CMDECOD in {'DONEPEZIL', 'RIVASTIGMINE'})
              exclusion MISSING "A lab test recorded without its code."
                exists (LB L where L.LBTESTCD = 'ALT' and L.LBSTRESN > 50)
            """;
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, "keys.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        foreach (var data in new[] { study, study.WithoutCodeIndexes() })
        {
            var off = AssertSameOutcomes(compiled, data, CqlDateTime.ParseIso("2024-02-01"), "keys");
            Assert.Equal(CriterionOutcome.Met, off.Outcome(0, 0));      // S1: ALT 50 at visit 1
            Assert.Equal(CriterionOutcome.NotMet, off.Outcome(1, 0));   // S2: ALT 20
            Assert.Equal(CriterionOutcome.Met, off.Outcome(2, 0));      // S3: ALT 41 at visit 1 (30 at visit 2)
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(3, 0));  // S4: no LB records
            Assert.Equal(OutcomeCause.NoSubjectRecords, off.Cause(3, 0));
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(0, 2));  // S1: the uncoded 51 may be ALT
            Assert.Equal(CriterionOutcome.NotMet, off.Outcome(2, 2));   // S3: no ALT above 50
            Assert.Equal(CriterionOutcome.Met, off.Outcome(1, 1));      // S2: both drugs
            Assert.Equal(CriterionOutcome.NotMet, off.Outcome(2, 1));   // S3: aspirin only
        }
    }

    private static ScreeningResult AssertSameOutcomes(CompiledProtocol protocol, StudyData study, CqlDateTime asOf, string what)
    {
        var on = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = asOf, RecordEvidence = true, MaxDegreeOfParallelism = 2 });
        var off = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = asOf, RecordEvidence = false, MaxDegreeOfParallelism = 2 });
        Assert.Equal(on.SubjectCount, off.SubjectCount);
        for (int i = 0; i < on.SubjectCount; i++)
        {
            string a = Describe(on.Subject(i)), b = Describe(off.Subject(i));
            if (a != b) Assert.Fail($"{what}, {on.SubjectId(i)}:\nevidence on:  {a}\nevidence off: {b}");
        }
        return off;
    }

    private static string Describe(SubjectEligibility subject)
    {
        var text = new StringBuilder($"{subject.Status}");
        foreach (var c in subject.Criteria)
            text.Append($" | {c.Id} {c.Outcome}/{c.RuleOutcome}/{c.Cause} gaps[{string.Join(", ", c.DataGaps)}]");
        return text.ToString();
    }
}
