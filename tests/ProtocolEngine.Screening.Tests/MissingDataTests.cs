using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Tests.Evaluation;
using ProtocolEngine.Runtime.Values;
using static ProtocolEngine.Runtime.Tests.Evaluation.TestStudy;

namespace ProtocolEngine.Screening.Tests;

/// <summary>Missing data never decide: they make a criterion Unknown and send the subject to a person.</summary>
public class MissingDataTests
{
    private const string Protocol = """
        protocol MissingData version "1"
          data SDTM "3.4"

        roles
          Investigator "Investigator"

        define function ScreeningLab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1 sort by LBDTC)

        criteria
          inclusion AGE "At least 50 years old."
            DM.AGE >= 50
          inclusion EGFR "eGFR at least 30 at screening."
            ScreeningLab('EGFR').LBSTRESN >= 30
          exclusion MI "Myocardial infarction in the history."
            exists (MH M where Upper(M.MHDECOD) = 'MYOCARDIAL INFARCTION')
          exclusion CONSENT "Cannot give consent."
            attested by Investigator
        """;

    private static CompiledProtocol Compile()
    {
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Protocol, "missing-data.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        return compiled;
    }

    private static StudyData Study(bool withEgfr, bool withHistory) => new TestStudy()
        .Table("DM", Row(("USUBJID", "S1"), ("AGE", 61)))
        .Table("LB", withEgfr
            ? [Row(("USUBJID", "S1"), ("LBSEQ", 1), ("LBTESTCD", "EGFR"), ("LBSTRESN", 25), ("VISITNUM", 1), ("LBDTC", "2024-01-02"))]
            : [Row(("USUBJID", "S1"), ("LBSEQ", 1), ("LBTESTCD", "EGFR"), ("LBSTRESN", null), ("VISITNUM", 1), ("LBDTC", "2024-01-02"))])
        .Table("MH", withHistory
            ? [Row(("USUBJID", "S1"), ("MHSEQ", 1), ("MHDECOD", "HYPERTENSION"))]
            : [Row(("USUBJID", "OTHER"), ("MHSEQ", 1), ("MHDECOD", "HYPERTENSION"))])
        .Build();

    private static ScreeningResult Screen(StudyData study) =>
        Screener.Screen(Compile(), study, new ScreeningOptions { AsOf = CqlDateTime.ParseIso("2024-02-01") });

    [Fact]
    public void OnlyScreeningLabMissing_IsNeedsReview_WithThatCriterionUnknown_NeverIneligible()
    {
        var result = Screen(Study(withEgfr: false, withHistory: true));
        var subject = result.Subject(0);
        var egfr = subject.Criteria.Single(c => c.Id == "EGFR");
        Assert.Equal(CriterionOutcome.Unknown, egfr.Outcome);
        Assert.Equal(OutcomeCause.NullResult, egfr.Cause);
        Assert.Contains("LB.LBSTRESN is missing (LBSEQ 1)", egfr.MissingData);
        Assert.Equal(CriterionOutcome.Met, subject.Criteria.Single(c => c.Id == "AGE").Outcome);
        Assert.Equal(CriterionOutcome.NotMet, subject.Criteria.Single(c => c.Id == "MI").Outcome);
        Assert.Equal(EligibilityStatus.NeedsReview, subject.Status);
        Assert.StartsWith("EGFR unknown", subject.Reasons[0]);
    }

    [Fact]
    public void TheSameLabPresentAndLow_IsIneligible()
    {
        var subject = Screen(Study(withEgfr: true, withHistory: true)).Subject(0);
        Assert.Equal(CriterionOutcome.NotMet, subject.Criteria.Single(c => c.Id == "EGFR").Outcome);
        Assert.Equal(EligibilityStatus.Ineligible, subject.Status);
        Assert.Equal("EGFR not met", subject.Reasons[0]);
    }

    [Fact]
    public void NoRecordsInADomain_MakesExistsUnknown_NotFalse()
    {
        var subject = Screen(Study(withEgfr: true, withHistory: false)).Subject(0);
        var mi = subject.Criteria.Single(c => c.Id == "MI");
        Assert.Equal(CriterionOutcome.Unknown, mi.Outcome);
        Assert.Equal(OutcomeCause.NoSubjectRecords, mi.Cause);
        Assert.Contains("no MH records for this subject", mi.MissingData);
    }

    [Fact]
    public void ADomainTheStudyLacks_IsNamed()
    {
        var study = new TestStudy().Table("DM", Row(("USUBJID", "S1"), ("AGE", 61))).Build();
        var subject = Screen(study).Subject(0);
        var mi = subject.Criteria.Single(c => c.Id == "MI");
        Assert.Equal(CriterionOutcome.Unknown, mi.Outcome);
        Assert.Equal(OutcomeCause.DomainMissing, mi.Cause);
        Assert.Contains("the study has no MH domain", mi.MissingData);
    }

    [Fact]
    public void AVariableTheStudyLacks_IsNamed_EvenWhenReadThroughADefinitionCachedByAnEarlierCriterion()
    {
        // FIRST reads DM.RACE itself and then through Race; SECOND reads it only through the cached Race. Both must
        // name the variable the study lacks, not only the criterion that happened to evaluate the definition, and
        // large runs without evidence must still say it.
        const string source = """
            protocol Gaps version "1"
              data SDTM "3.4"
            define Race: DM.RACE
            criteria
              inclusion FIRST "Reads the variable, then the definition."
                DM.RACE = 'ASIAN' or Race = 'WHITE'
              inclusion SECOND "Reads the definition only."
                Race = 'WHITE'
            """;
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(source, "gaps.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var study = new TestStudy().Table("DM", Row(("USUBJID", "S1"), ("AGE", 40))).Build();
        foreach (var evidence in new[] { true, false })
        {
            var subject = Screener.Screen(compiled, study, new ScreeningOptions { RecordEvidence = evidence }).Subject(0);
            foreach (var id in new[] { "FIRST", "SECOND" })
            {
                var criterion = subject.Criteria.Single(c => c.Id == id);
                Assert.Equal(CriterionOutcome.Unknown, criterion.Outcome);
                Assert.Equal(OutcomeCause.VariableMissing, criterion.Cause);
                // With evidence or without, the Unknown says what was missing.
                Assert.Contains("the study's data have no variable DM.RACE", criterion.MissingData);
                Assert.Contains("no variable DM.RACE", criterion.Reason);
            }
        }
    }

    [Fact]
    public void AnUncodedRecord_MakesANegativeSearchUnknown_AndIsShownAsEvidence()
    {
        var study = new TestStudy()
            .Table("DM", Row(("USUBJID", "S1"), ("AGE", 61)))
            .Table("MH", Row(("USUBJID", "S1"), ("MHSEQ", 1), ("MHDECOD", "HYPERTENSION")), Row(("USUBJID", "S1"), ("MHSEQ", 2), ("MHDECOD", null)))
            .Build();
        var mi = Screen(study).Subject(0).Criteria.Single(c => c.Id == "MI");
        Assert.Equal(CriterionOutcome.Unknown, mi.Outcome);
        // The record that could not be checked is the evidence; the one that was checked and rejected is not.
        Assert.Contains(mi.Evidence, e => e.Domain == "MH" && e.Sequence == 2 && e.Variable == "MHDECOD" && e.Value is null);
        Assert.DoesNotContain(mi.Evidence, e => e.Domain == "MH" && e.Sequence == 1 && e.Variable == "MHDECOD");
    }

    [Fact]
    public void AttestedCriteria_AwaitAPerson()
    {
        var subject = Screen(Study(withEgfr: true, withHistory: true)).Subject(0);
        var consent = subject.Criteria.Single(c => c.Id == "CONSENT");
        Assert.Equal(CriterionOutcome.Attested, consent.Outcome);
        Assert.Equal("CONSENT awaits attestation by Investigator", consent.Reason);
    }

    [Fact]
    public void ARecordedDetermination_ContradictingTheRule_IsADiscrepancy_ForReview()
    {
        // The rule finds the inclusion met (AGE 61) but IE records it not met: both are shown, a person resolves it.
        var study = new TestStudy()
            .Table("DM", Row(("USUBJID", "S1"), ("AGE", 61)))
            .Table("LB", Row(("USUBJID", "S1"), ("LBSEQ", 1), ("LBTESTCD", "EGFR"), ("LBSTRESN", 80), ("VISITNUM", 1), ("LBDTC", "2024-01-02")))
            .Table("MH", Row(("USUBJID", "S1"), ("MHSEQ", 1), ("MHDECOD", "HYPERTENSION")))
            .Table("IE", Row(("USUBJID", "S1"), ("IESEQ", 1), ("IETESTCD", "AGE"), ("IECAT", "INCLUSION"), ("IEORRES", "N"), ("IESTRESC", "N"), ("IEDTC", "2024-01-03")),
                         Row(("USUBJID", "S1"), ("IESEQ", 2), ("IETESTCD", "NOSUCH"), ("IECAT", "INCLUSION"), ("IEORRES", "N"), ("IESTRESC", "N"), ("IEDTC", "2024-01-03")))
            .Build();
        var result = Screen(study);
        var subject = result.Subject(0);
        var age = subject.Criteria.Single(c => c.Id == "AGE");
        Assert.Equal(CriterionOutcome.Unknown, age.Outcome);
        Assert.Equal(CriterionOutcome.Met, age.RuleOutcome);
        Assert.Equal(OutcomeCause.Discrepancy, age.Cause);
        Assert.Contains("the rule says met but IE record IESEQ 1", age.Reason);
        Assert.Equal(EligibilityStatus.NeedsReview, subject.Status);
        Assert.Equal(1, result.Counts.WithDiscrepancy);
        Assert.Contains(result.Determinations.Notes, n => n.Contains("NOSUCH is not a criterion"));
    }

    [Fact]
    public void ARecordedDetermination_AgreeingWithTheRule_IsShownWithIt()
    {
        var study = new TestStudy()
            .Table("DM", Row(("USUBJID", "S1"), ("AGE", 40)))
            .Table("IE", Row(("USUBJID", "S1"), ("IESEQ", 1), ("IETESTCD", "AGE"), ("IECAT", "INCLUSION"), ("IEORRES", "N"), ("IESTRESC", "N"), ("IEDTC", "2024-01-03")))
            .Build();
        var age = Screen(study).Subject(0).Criteria.Single(c => c.Id == "AGE");
        Assert.Equal(CriterionOutcome.NotMet, age.Outcome);
        Assert.Equal(OutcomeCause.RuleAndRecordAgree, age.Cause);
        Assert.NotNull(age.Recorded);
    }

    [Fact]
    public void ARuntimeError_IsUnknown_WithItsDiagnostic_AndTheOtherCriteriaStillRun()
    {
        const string source = """
            protocol Broken version "1"
              data SDTM "3.4"
            criteria
              inclusion BAD "An interval whose low end is above its high end."
                DM.AGE in Interval[DM.AGE, 3]
              inclusion AGE "Adult."
                DM.AGE >= 18
            """;
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(source, "broken.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var study = new TestStudy().Table("DM", Row(("USUBJID", "S1"), ("AGE", 40))).Build();
        var subject = Screener.Screen(compiled, study).Subject(0);
        var bad = subject.Criteria.Single(c => c.Id == "BAD");
        Assert.Equal(CriterionOutcome.Unknown, bad.Outcome);
        Assert.Equal(OutcomeCause.RuntimeError, bad.Cause);
        Assert.Equal("PE9004", bad.Error!.Code);
        Assert.Contains("the rule stopped (PE9004", bad.Reason);
        Assert.Equal(CriterionOutcome.Met, subject.Criteria.Single(c => c.Id == "AGE").Outcome);
    }
}
