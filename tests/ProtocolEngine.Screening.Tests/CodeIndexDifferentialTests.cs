using System.Text;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Tests.Evaluation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// Queries filtering on a coded test read the tables' per-subject code indexes; these tests screen every shipped
/// protocol with and without them (the scan every query used before) and require the same report, byte for byte:
/// outcomes, causes, evidence in its order, gap lists.
/// </summary>
public class CodeIndexDifferentialTests
{
    public static TheoryData<string, string> Cases() => Paths.ShippedProtocolsOverRealData();

    [Theory]
    [MemberData(nameof(Cases))]
    public void RealData_ScreenedWithAndWithoutCodeIndexes_GiveTheSameReport(string protocol, string data)
    {
        var study = Paths.RealStudy(data);
        AssertSameReport(protocol, study, Paths.RealDataAsOf);
    }

    [Fact]
    public void Synthetic_EveryShippedProtocol_ScreenedWithAndWithoutCodeIndexes_GivesTheSameReport()
    {
        var study = Paths.SyntheticStudy(3_000, seed: 11);
        foreach (var protocol in Paths.ShippedProtocols) AssertSameReport(protocol, study, CqlDateTime.ParseIso("2025-06-01"));
        // The indexes were used, not just available: the lab and questionnaire tests built theirs.
        Assert.True(study.CodeIndexBytes > 0, "no code index was built");
    }

    [Fact]
    public void MissingCodes_AndSeveralCodesOfAnInList_AreVisitedInRowOrder_AsByTheScan()
    {
        // S1's second LB row has no LBTESTCD (the index cannot order it among the others, so S1 is scanned); S2 took both
        // drugs of the in list (two ranges to merge, so S2 is scanned); S3 has one of each and no gaps (the index answers).
        var study = new TestStudy()
            .Table("DM",
                TestStudy.Row(("USUBJID", "S1"), ("AGE", 60m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S2"), ("AGE", 61m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S3"), ("AGE", 62m), ("RFICDTC", "2024-01-01")))
            .Table("LB",
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 50m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 2m), ("LBTESTCD", null), ("LBSTRESN", 51m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 3m), ("LBTESTCD", "HBA1C"), ("LBSTRESN", 7m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S2"), ("LBSEQ", 1m), ("LBTESTCD", "HBA1C"), ("LBSTRESN", 11m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S2"), ("LBSEQ", 2m), ("LBTESTCD", "ALT"), ("LBSTRESN", 20m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S3"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 30m), ("VISITNUM", 2m)),
                TestStudy.Row(("USUBJID", "S3"), ("LBSEQ", 2m), ("LBTESTCD", "HBA1C"), ("LBSTRESN", 8m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S3"), ("LBSEQ", 3m), ("LBTESTCD", "ALT"), ("LBSTRESN", 31m), ("VISITNUM", 1m)))
            .Table("CM",
                TestStudy.Row(("USUBJID", "S2"), ("CMSEQ", 1m), ("CMDECOD", "RIVASTIGMINE")),
                TestStudy.Row(("USUBJID", "S2"), ("CMSEQ", 2m), ("CMDECOD", "ASPIRIN")),
                TestStudy.Row(("USUBJID", "S2"), ("CMSEQ", 3m), ("CMDECOD", "DONEPEZIL")),
                TestStudy.Row(("USUBJID", "S3"), ("CMSEQ", 1m), ("CMDECOD", "DONEPEZIL")))
            .Build();
        const string text = """
            protocol Indexed version "1"
              data SDTM "3.4"

            define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
            define Drugs: CM C where C.CMDECOD in {'DONEPEZIL', 'RIVASTIGMINE'}

            criteria
              exclusion ALT "ALT above 40."
                Lab('ALT').LBSTRESN > 40
              exclusion HBA1C "HbA1c above 10."
                Lab('HBA1C').LBSTRESN > 10
              exclusion DRUG "First drug taken is donepezil."
                First(Drugs).CMDECOD = 'DONEPEZIL'
              exclusion NONE "A test no subject has."
                exists (LB L where L.LBTESTCD = 'XYZ')
            """;
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, "indexed.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var options = new ScreeningOptions { AsOf = CqlDateTime.ParseIso("2024-02-01"), MaxDegreeOfParallelism = 1 };
        var indexed = Screener.Screen(compiled, study, options);
        var scanned = Screener.Screen(compiled, study.WithoutCodeIndexes(), options);
        Assert.Equal(Report(scanned), Report(indexed));
        // The outcomes themselves, so that agreeing on a wrong answer would fail too.
        Assert.Equal(CriterionOutcome.Met, indexed.Outcome(0, 0));     // S1: ALT 50
        Assert.Equal(CriterionOutcome.NotMet, indexed.Outcome(2, 0));  // S3: ALT at visit 1 is 31
        Assert.Equal(CriterionOutcome.Met, indexed.Outcome(1, 1));     // S2: HbA1c 11
        Assert.Equal(CriterionOutcome.NotMet, indexed.Outcome(1, 2));  // S2: rivastigmine comes first
        Assert.Equal(CriterionOutcome.Met, indexed.Outcome(2, 2));     // S3: donepezil
        Assert.True(study.CodeIndexBytes > 0);
    }

    private static void AssertSameReport(string protocol, StudyData study, CqlDateTime asOf)
    {
        var compiled = Paths.Compile(protocol);
        var options = new ScreeningOptions { AsOf = asOf, MaxDegreeOfParallelism = 2 };
        var indexed = Report(Screener.Screen(compiled, study, options));
        var scanned = Report(Screener.Screen(compiled, study.WithoutCodeIndexes(), options));
        SameReport.Assert(indexed, scanned, protocol, "indexed", "scanned");
    }

    private static string Report(ScreeningResult result) => SameReport.Json(result);
}
