using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Native;
using ProtocolEngine.Runtime.Tests.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// The typed kernels of the batch criteria: <c>exists</c> over a coded column answered from the codes of a subject's rows
/// (<see cref="CodedExistsNode"/>), number comparisons and ranges decided on the column's doubles where the decimal could not
/// differ (<see cref="NumberKernel"/>), and variables read straight from their columns. Each case is screened with and
/// without the batches (code indexes on and off, one and two threads) and must give the same screening JSON byte for byte.
/// </summary>
public class KernelDifferentialTests
{
    /// <summary>The eight rules of the benchmark (tests/protocols/eight-rules.protocol, which <c>-- screening-rules</c> measures).</summary>
    private static readonly string EightRules = File.ReadAllText(Path.Combine(Paths.Root, "tests", "protocols", "eight-rules.protocol"));

    private const string Hostile = """
        protocol Kernels version "1"
          data SDTM "3.4"

        define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
        define function Score(code String): First(QS Q where Q.QSTESTCD = code and Q.VISITNUM = 1).QSSTRESN
        define Consent: DM.RFICDTC

        criteria
          inclusion GE "HbA1c 10 or more."
            Lab('HBA1C').LBSTRESN >= 10
          inclusion LT "10 below HbA1c."
            10 < Lab('HBA1C').LBSTRESN
          inclusion EQ "HbA1c exactly 10."
            Lab('HBA1C').LBSTRESN = 10
          inclusion NE "HbA1c not 6.5."
            Lab('HBA1C').LBSTRESN != 6.5
          inclusion RANGE "HbA1c in (9.99999999, 10]."
            Lab('HBA1C').LBSTRESN in Interval(9.99999999, 10]
          inclusion TEXTNUM "A score held as text, in range."
            Score('MMSETOT') in Interval[10, 23]
          inclusion TEXTCMP "A score held as text, compared."
            Score('MMSETOT') > 12
          inclusion ANYOF "Postmenopausal or hysterectomy."
            exists (MH M where M.MHDECOD in {'Postmenopausal', 'Hysterectomy'})
          exclusion NOTASA "Aspirin."
            not exists (CM C where C.CMDECOD = 'ASPIRIN')
          exclusion NOCODE "A code no row holds."
            exists (CM C where C.CMDECOD = 'NEVER SEEN')
          exclusion NOAE "A domain the study lacks."
            exists (AE A where A.AEDECOD = 'HEADACHE')
          exclusion NOVAR "A variable the study lacks."
            exists (MH M where M.MHTERM = 'HEADACHE')
          inclusion OLD "Aged 50 or more, as a whole number."
            DM.AGE >= 50
          inclusion MALE "Male."
            DM.SEX = 'M'
          inclusion DAY "Study day 1 or later (a whole-number variable)."
            DM.DMDY >= 1
          exclusion ULN3 "ALT above 3 times the upper limit of normal."
            Lab('ALT').LBSTRESN > 3 * Lab('ALT').LBSTNRHI
          exclusion MIWIN "Myocardial infarction 180 days or less before consent."
            exists (MH M where M.MHDECOD = 'Myocardial infarction' and M.MHSTDTC 180 days or less before DM.RFICDTC)
          exclusion MILT "Myocardial infarction less than 30 days after consent."
            exists (MH M where M.MHDECOD = 'Myocardial infarction' and M.MHSTDTC less than 30 days after DM.RFICDTC)
          exclusion MIBEFORE "Infarction or hysterectomy without a date, or before consent."
            exists (MH M where M.MHDECOD in {'Myocardial infarction', 'Hysterectomy'} and (M.MHSTDTC is null or M.MHSTDTC before DM.RFICDTC))
          exclusion MIAFTER "Infarction on or after consent and not after it."
            exists (MH M where M.MHDECOD = 'Myocardial infarction' and (M.MHSTDTC on or after DM.RFICDTC and not (M.MHSTDTC after DM.RFICDTC)))
          inclusion EGFRSEEN "An eGFR at visit 1, read before the memoised lookup is first computed (its kept evidence is then empty)."
            exists (LB L where L.LBTESTCD = 'EGFR' and L.VISITNUM = 1) and Lab('EGFR').LBSTNRHI is null
          inclusion EGFR "eGFR 30 or more: the memoised lookup replays, on the compiled path, the evidence kept in EGFRSEEN."
            Lab('EGFR').LBSTRESN >= 30
          exclusion KEYLATE "The key after a date test: the compiled query skips the other codes' rows, whose dates it never reads."
            exists (MH M where M.MHSTDTC before DM.RFICDTC and M.MHDECOD = 'Myocardial infarction')
          exclusion KEYREST "A key and a rest no kernel decides: the key's rows go to the compiled rule."
            exists (MH M where M.MHDECOD = 'Hysterectomy' and M.MHSEQ * 2 > 3)
          exclusion WEEKS "An infarction in an open window of whole weeks and days around consent."
            exists (MH M where M.MHDECOD = 'Myocardial infarction' and M.MHSTDTC in Interval(DM.RFICDTC - 8 weeks, DM.RFICDTC + 3 days))
          exclusion SINCE "A hysterectomy on or after two weeks before consent, or without a date."
            exists (MH M where M.MHDECOD = 'Hysterectomy' and (M.MHSTDTC on or after Consent - 2 weeks or M.MHSTDTC is null))
          inclusion PMKEY "Postmenopausal (a key alone: a missing term among the rows is Unknown, not a fallback)."
            exists (MH M where M.MHDECOD = 'Postmenopausal')
        """;

    [Fact]
    public void HostileData_GivesTheSameReports_AndTheKernelsAnswerExactly()
    {
        // S1 a complete record; S2 an MH term and a CM term missing; S3 a recent myocardial infarction; S4 one without a
        // date; S5 only other terms; S6 no MH, CM, LB or QS records; S7 an old infarction. HbA1c values straddle 10 by
        // less than decimal's 15 digits can tell apart (9.999999999999999 is 10 as a decimal), or are huge, infinite or missing.
        var study = new TestStudy()
            .Table("DM",
                TestStudy.Row(("USUBJID", "S1"), ("DMDY", 1.0), ("AGE", 60.0), ("SEX", "M"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S2"), ("DMDY", 2.5), ("AGE", 49.5), ("SEX", "F"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S3"), ("DMDY", 3e9), ("AGE", 1e30), ("SEX", null), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S4"), ("DMDY", double.NaN), ("AGE", null), ("SEX", "F"), ("RFICDTC", null)),
                TestStudy.Row(("USUBJID", "S5"), ("DMDY", -5.0), ("AGE", 70.0), ("SEX", "F"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S6"), ("AGE", 55.0), ("SEX", "F"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S7"), ("AGE", double.NaN), ("SEX", "M"), ("RFICDTC", "2024-01")),
                TestStudy.Row(("USUBJID", "S8"), ("AGE", -1e30), ("SEX", "M"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S9"), ("AGE", 50.0), ("SEX", "M"), ("RFICDTC", "2024-01-01")),
                // Consent in year 2: windows reaching back into year 1 are not plain days.
                TestStudy.Row(("USUBJID", "S10"), ("AGE", 50.0), ("SEX", "F"), ("RFICDTC", "0002-01-05")))
            .Table("MH",
                TestStudy.Row(("USUBJID", "S1"), ("MHSEQ", 1.0), ("MHDECOD", "Postmenopausal"), ("MHSTDTC", "2010")),
                TestStudy.Row(("USUBJID", "S2"), ("MHSEQ", 1.0), ("MHDECOD", null), ("MHSTDTC", "2023-12-01")),
                TestStudy.Row(("USUBJID", "S2"), ("MHSEQ", 2.0), ("MHDECOD", "Hysterectomy"), ("MHSTDTC", null)),
                TestStudy.Row(("USUBJID", "S3"), ("MHSEQ", 1.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2023-11-15")),
                TestStudy.Row(("USUBJID", "S4"), ("MHSEQ", 1.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", null)),
                TestStudy.Row(("USUBJID", "S5"), ("MHSEQ", 1.0), ("MHDECOD", "Hypertension"), ("MHSTDTC", "2020-01-01")),
                TestStudy.Row(("USUBJID", "S7"), ("MHSEQ", 1.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2019-05")),
                TestStudy.Row(("USUBJID", "S7"), ("MHSEQ", 2.0), ("MHDECOD", "Postmenopausal"), ("MHSTDTC", "2015")),
                TestStudy.Row(("USUBJID", "S8"), ("MHSEQ", 1.0), ("MHDECOD", "Hysterectomy"), ("MHSTDTC", "2015")),
                TestStudy.Row(("USUBJID", "S9"), ("MHSEQ", 1.0), ("MHDECOD", "Hypertension"), ("MHSTDTC", "2015")),
                // Date windows: exactly 180 days before consent (S1), a day more, then one with a time (S5), spaces around
                // a date then a malformed one (S8), on the day of consent (S9).
                TestStudy.Row(("USUBJID", "S1"), ("MHSEQ", 2.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2023-07-05")),
                TestStudy.Row(("USUBJID", "S5"), ("MHSEQ", 2.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2023-07-04")),
                TestStudy.Row(("USUBJID", "S5"), ("MHSEQ", 3.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2023-12-15T10:30")),
                TestStudy.Row(("USUBJID", "S8"), ("MHSEQ", 2.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", " 2023-12-01 ")),
                TestStudy.Row(("USUBJID", "S8"), ("MHSEQ", 3.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2023-13-45")),
                TestStudy.Row(("USUBJID", "S9"), ("MHSEQ", 2.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2024-01-01")),
                // Whole-week windows: an open end exactly 8 weeks before consent (S1), a day inside it (S5), 3 days after
                // consent (S9, the open end), a hysterectomy 2 weeks before consent (S9) and one in year 1 (S10).
                TestStudy.Row(("USUBJID", "S1"), ("MHSEQ", 3.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2023-11-06")),
                TestStudy.Row(("USUBJID", "S5"), ("MHSEQ", 4.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2023-11-07")),
                TestStudy.Row(("USUBJID", "S9"), ("MHSEQ", 3.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2024-01-04")),
                TestStudy.Row(("USUBJID", "S9"), ("MHSEQ", 4.0), ("MHDECOD", "Hysterectomy"), ("MHSTDTC", "2023-12-18")),
                TestStudy.Row(("USUBJID", "S10"), ("MHSEQ", 1.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "0001-12-20")),
                TestStudy.Row(("USUBJID", "S10"), ("MHSEQ", 2.0), ("MHDECOD", "Hysterectomy"), ("MHSTDTC", "0001-12-25")))
            .Table("CM",
                TestStudy.Row(("USUBJID", "S1"), ("CMSEQ", 1.0), ("CMDECOD", "DONEPEZIL"), ("CMENDTC", null)),
                TestStudy.Row(("USUBJID", "S2"), ("CMSEQ", 1.0), ("CMDECOD", "ASPIRIN"), ("CMENDTC", "2023-01-01")),
                TestStudy.Row(("USUBJID", "S3"), ("CMSEQ", 1.0), ("CMDECOD", null), ("CMENDTC", null)),
                TestStudy.Row(("USUBJID", "S4"), ("CMSEQ", 1.0), ("CMDECOD", "RIVASTIGMINE"), ("CMENDTC", "2020-01-01")),
                TestStudy.Row(("USUBJID", "S5"), ("CMSEQ", 1.0), ("CMDECOD", "PARACETAMOL"), ("CMENDTC", null)),
                TestStudy.Row(("USUBJID", "S7"), ("CMSEQ", 1.0), ("CMDECOD", "PARACETAMOL"), ("CMENDTC", null)),
                TestStudy.Row(("USUBJID", "S7"), ("CMSEQ", 2.0), ("CMDECOD", "ASPIRIN"), ("CMENDTC", null)),
                TestStudy.Row(("USUBJID", "S8"), ("CMSEQ", 1.0), ("CMDECOD", "PARACETAMOL"), ("CMENDTC", null)),
                TestStudy.Row(("USUBJID", "S9"), ("CMSEQ", 1.0), ("CMDECOD", "PARACETAMOL"), ("CMENDTC", null)))
            .Table("LB",
                Lab("S1", 1, "HBA1C", 9.999999999999999), Lab("S1", 2, "EGFR", 30.0), Lab("S1", 3, "ALT", 130.0, 40.0),
                Lab("S2", 1, "HBA1C", 10.000000000000002), Lab("S2", 2, "EGFR", 29.99999999999999), Lab("S2", 3, "ALT", 1e20, 5e19),
                Lab("S3", 1, "HBA1C", 10.0), Lab("S3", 2, "EGFR", 1e30), Lab("S3", 3, "ALT", 130.0, 43.333333333333336),
                Lab("S4", 1, "HBA1C", 1e30), Lab("S4", 2, "EGFR", double.NegativeInfinity),
                Lab("S5", 1, "HBA1C", double.PositiveInfinity), Lab("S5", 2, "EGFR", double.NaN),
                Lab("S7", 1, "HBA1C", 6.5), Lab("S7", 2, "EGFR", 45.0),
                Lab("S8", 1, "HBA1C", -1e30), Lab("S8", 2, "EGFR", 9.999999990000001),
                Lab("S9", 1, "HBA1C", double.NaN), Lab("S9", 2, "HBA1C", 12.0))
            .Table("QS",
                TestStudy.Row(("USUBJID", "S1"), ("QSSEQ", 1.0), ("QSTESTCD", "MMSETOT"), ("QSSTRESN", "12"), ("VISITNUM", 1.0)),
                TestStudy.Row(("USUBJID", "S2"), ("QSSEQ", 1.0), ("QSTESTCD", "MMSETOT"), ("QSSTRESN", "not a number"), ("VISITNUM", 1.0)),
                TestStudy.Row(("USUBJID", "S3"), ("QSSEQ", 1.0), ("QSTESTCD", "MMSETOT"), ("QSSTRESN", null), ("VISITNUM", 1.0)),
                TestStudy.Row(("USUBJID", "S4"), ("QSSEQ", 1.0), ("QSTESTCD", "MMSETOT"), ("QSSTRESN", "23.0000000000001"), ("VISITNUM", 1.0)),
                TestStudy.Row(("USUBJID", "S5"), ("QSSEQ", 1.0), ("QSTESTCD", "HACHTOT"), ("QSSTRESN", "3"), ("VISITNUM", 1.0)),
                TestStudy.Row(("USUBJID", "S7"), ("QSSEQ", 1.0), ("QSTESTCD", "MMSETOT"), ("QSSTRESN", "1E30"), ("VISITNUM", 1.0)))
            .Build();
        var asOf = CqlDateTime.ParseIso("2024-02-01");
        AssertSameIndexedAndScanned(study, asOf, "kernels.protocol", [("eight rules", EightRules), ("hostile", Hostile)]);

        var hostile = ProtocolCompiler.Standalone.Compile(new SourceText(Hostile, "kernels.protocol"));
        // With evidence on the batches answer too: the criteria whose definitions and memoised calls are their own (ULN3,
        // the exists and DM criteria; not the five sharing Lab('HBA1C') or the two sharing Score('MMSETOT')).
        long answered = BatchCriterion.Answered;
        Screener.Screen(hostile, study, new ScreeningOptions { AsOf = asOf, RecordEvidence = true, MaxDegreeOfParallelism = 1 });
        Assert.True(BatchCriterion.Answered - answered >= 6 * 9, $"batch criteria answered {BatchCriterion.Answered - answered} cells with evidence on");
        var result = Screener.Screen(hostile, study, new ScreeningOptions { AsOf = asOf, RecordEvidence = false });
        // 9.999999999999999 is 10 as a decimal (15 significant digits): >= 10 and = 10 hold, 10 < it does not.
        Assert.Equal(CriterionOutcome.Met, result.Outcome(0, 0));
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(0, 1));
        Assert.Equal(CriterionOutcome.Met, result.Outcome(0, 2));
        Assert.Equal(CriterionOutcome.Met, result.Outcome(0, 4));
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(1, 1));      // 10.000000000000002 is 10 as a decimal too: not above it
        Assert.Equal(CriterionOutcome.Met, result.Outcome(3, 0));         // 1e30 saturates to decimal's largest value
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(8, 0));     // S9: the first HbA1c at visit 1 is missing
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(5, 0));     // S6: no LB records
        Assert.Equal(OutcomeCause.NoSubjectRecords, result.Cause(5, 0));
        Assert.Equal(CriterionOutcome.Met, result.Outcome(0, 5));         // "12" as text, in [10, 23]
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(1, 5));     // "not a number"
        Assert.Equal(CriterionOutcome.Met, result.Outcome(1, 7));         // S2: a missing term, then a hysterectomy
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(5, 7));     // S6: no MH records
        Assert.Equal(OutcomeCause.NoSubjectRecords, result.Cause(5, 7));
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(4, 7));      // S5: hypertension only
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(2, 8));     // S3: a missing CM term may be aspirin
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(4, 9));      // no row holds the code
        Assert.Equal(OutcomeCause.DomainMissing, result.Cause(0, 10));    // AE
        Assert.Equal(OutcomeCause.VariableMissing, result.Cause(0, 11));  // MHTERM
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(1, 12));     // AGE is a decimal: 49.5
        Assert.Equal(CriterionOutcome.Met, result.Outcome(2, 12));        // 1e30 saturates to decimal's largest value
        Assert.Equal(CriterionOutcome.Met, result.Outcome(8, 12));
        Assert.Equal(CriterionOutcome.Met, result.Outcome(0, 14));        // DMDY, a whole number: 1
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(1, 14));    // 2.5 is not a whole number
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(2, 14));    // 3e9 is beyond a whole number's range
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(4, 14));     // -5
        Assert.Equal(CriterionOutcome.Met, result.Outcome(0, 15));        // 130 > 3 x 40
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(1, 15));    // 3 x 5e19 is beyond CQL's decimals: null
        Assert.Equal(CriterionOutcome.Met, result.Outcome(2, 15));        // 130 > 3 x 43.3333333333333 as decimals (130.0 as doubles)
        Assert.Equal(CriterionOutcome.Met, result.Outcome(0, 16));        // exactly 180 days before consent: in the window
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(8, 16));     // on the day of consent: not before it
        Assert.Equal(CriterionOutcome.Met, result.Outcome(8, 19));        // on the day of consent
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(3, 16));    // S4: an infarction without a date
        Assert.Equal(CriterionOutcome.Met, result.Outcome(2, 22));        // S3: an infarction before consent, the key after the date test
        Assert.Equal(CriterionOutcome.Met, result.Outcome(4, 24));        // S5: a day inside the 8-week window
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(0, 24));     // S1: on the window's open end only
        Assert.Equal(CriterionOutcome.Met, result.Outcome(8, 25));        // S9: a hysterectomy exactly 2 weeks before consent
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(1, 26));    // S2: a missing term may be postmenopausal
    }

    [Fact]
    public void Synthetic_TheEightRules_GiveTheSameReportsWithAndWithoutBatches()
    {
        var study = Paths.SyntheticStudy(3_000, seed: 29);
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(EightRules, "eight-rules.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        long before = BatchCriterion.Answered;
        AssertSame(compiled, study, CqlDateTime.ParseIso("2025-06-01"), "eight rules, indexed");
        AssertSame(compiled, study.WithoutCodeIndexes(), CqlDateTime.ParseIso("2025-06-01"), "eight rules, scanned");
        AssertSame(compiled, study, CqlDateTime.ParseIso("2025-06-01"), "eight rules, every 7th subject", [.. study.SubjectIds.Where((_, i) => i % 7 == 2)]);
        // Most of the 6,429 subjects' eight cells (MI and ACHEI too, for those without an infarction or those drugs).
        Assert.True(BatchCriterion.Answered - before >= 6_429 * 8 * 9 / 10, $"batch criteria answered {BatchCriterion.Answered - before} cells");
        // MI and ACHEI for every subject, evidence off (a missing term, a partial or timed date no longer leave one to the compiled rule).
        before = CodedExistsNode.Answered;
        Screener.Screen(compiled, study, new ScreeningOptions { AsOf = CqlDateTime.ParseIso("2025-06-01"), RecordEvidence = false, MaxDegreeOfParallelism = 1 });
        Assert.True(CodedExistsNode.Answered - before >= 3_000 * 2, $"the exists kernels answered {CodedExistsNode.Answered - before} subjects' exists");
    }

    /// <summary>
    /// Exists over one coded column whose members could hold on a few codes only: with code indexes, the pass tells the
    /// subjects it must walk from those codes' first rows (which also meet a row missing the column) instead of scanning the
    /// rows' bytes. Subjects without rows, with a missing term alone, before or after the key, duplicates of a key, rows of
    /// other codes only, a key of another member only; a member on a code no row holds (only missing rows could hold); a
    /// member whose filter holds on every code but one. Indexed (the first rows), scanned (the bytes) and per subject alike.
    /// </summary>
    [Fact]
    public void CandidateCodesFromFirstRows_GiveTheSameReports()
    {
        const string text = """
            protocol Candidates version "1"
              data SDTM "3.4"

            criteria
              inclusion PM "Postmenopausal."
                exists (MH M where M.MHDECOD = 'Postmenopausal')
              exclusion MI "Myocardial infarction before consent."
                exists (MH M where M.MHDECOD = 'Myocardial infarction' and M.MHSTDTC before DM.RFICDTC)
              inclusion ANYOF "Hysterectomy or postmenopausal."
                exists (MH M where M.MHDECOD in {'Hysterectomy', 'Postmenopausal'})
              exclusion ACHEI "Donepezil or rivastigmine, not ended before consent."
                exists (CM C where C.CMDECOD in {'DONEPEZIL', 'RIVASTIGMINE'} and (C.CMENDTC is null or C.CMENDTC on or after DM.RFICDTC))
              exclusion NOCODE "An adverse event no row holds."
                exists (AE A where A.AEDECOD = 'NEVER SEEN')
              exclusion BLANK "A history term left blank."
                exists (MH M where M.MHDECOD is null)
            """;
        const string others = """
            protocol Others version "1"
              data SDTM "3.4"

            criteria
              exclusion NOTPM "A term other than postmenopausal."
                exists (MH M where not (M.MHDECOD = 'Postmenopausal'))
              exclusion HYST "Hysterectomy."
                exists (MH M where M.MHDECOD = 'Hysterectomy')
            """;
        static Dictionary<string, object?> Mh(string subject, int seq, string? term, string? start = "2020-01-01") =>
            TestStudy.Row(("USUBJID", subject), ("MHSEQ", (double)seq), ("MHDECOD", term), ("MHSTDTC", start));
        static Dictionary<string, object?> Cm(string subject, int seq, string? term, string? end = null) =>
            TestStudy.Row(("USUBJID", subject), ("CMSEQ", (double)seq), ("CMDECOD", term), ("CMENDTC", end));
        static Dictionary<string, object?> Ae(string subject, int seq, string? term) =>
            TestStudy.Row(("USUBJID", subject), ("AESEQ", (double)seq), ("AEDECOD", term));
        var ids = Enumerable.Range(1, 13).Select(i => $"T{i}").ToArray();
        var study = new TestStudy()
            .Table("DM", [.. ids.Select(id => TestStudy.Row(("USUBJID", id), ("RFICDTC", "2024-01-01")))])
            .Table("MH",
                // T1 none; T2 a missing term alone; T3 missing then the key; T4 the key then missing; T5 other terms only;
                // T6 duplicates of two keys (an infarction after consent, then one before); T7 an infarction after consent
                // only; T8 a hysterectomy only; T9 another term, a missing one, an infarction before consent; T10 to T12 below;
                // T13 every candidate term, then a missing one (only BLANK could hold on it, and no candidate term's first rows meet it).
                Mh("T2", 1, null),
                Mh("T3", 1, null), Mh("T3", 2, "Postmenopausal"),
                Mh("T4", 1, "Postmenopausal"), Mh("T4", 2, null),
                Mh("T5", 1, "Hypertension"), Mh("T5", 2, "Hypertension"),
                Mh("T6", 1, "Postmenopausal"), Mh("T6", 2, "Postmenopausal"), Mh("T6", 3, "Myocardial infarction", "2024-03-01"), Mh("T6", 4, "Myocardial infarction", "2023-06-01"),
                Mh("T7", 1, "Myocardial infarction", "2024-02-01"),
                Mh("T8", 1, "Hysterectomy"),
                Mh("T9", 1, "Hypertension"), Mh("T9", 2, null), Mh("T9", 3, "Myocardial infarction", "2023"),
                Mh("T10", 1, "Myocardial infarction", null), Mh("T10", 2, "Hypertension"),
                Mh("T11", 1, "Postmenopausal"),
                Mh("T13", 1, "Hysterectomy"), Mh("T13", 2, "Postmenopausal"), Mh("T13", 3, "Myocardial infarction", "2023-06-01"), Mh("T13", 4, null))
            .Table("CM",
                Cm("T2", 1, null),
                Cm("T3", 1, "PARACETAMOL"), Cm("T3", 2, "RIVASTIGMINE", "2023-01-01"),
                Cm("T4", 1, "DONEPEZIL"), Cm("T4", 2, "DONEPEZIL", "2020-01-01"),
                Cm("T5", 1, "PARACETAMOL"),
                Cm("T6", 1, "RIVASTIGMINE", "2024-06-01"), Cm("T6", 2, null),
                Cm("T9", 1, "ASPIRIN"), Cm("T9", 2, "ASPIRIN"),
                Cm("T11", 1, "RIVASTIGMINE"),
                Cm("T12", 1, null), Cm("T12", 2, "DONEPEZIL", "2023-12-31"))
            .Table("AE",
                Ae("T2", 1, null),
                Ae("T3", 1, "HEADACHE"), Ae("T3", 2, null),
                Ae("T5", 1, "HEADACHE"), Ae("T5", 2, "NAUSEA"),
                Ae("T12", 1, "NAUSEA"))
            .Build();
        var asOf = CqlDateTime.ParseIso("2024-02-01");
        AssertSameIndexedAndScanned(study, asOf, "candidates.protocol", [("candidates", text), ("others", others)],
            ("every other subject in reverse", [.. ids.Where((_, i) => i % 2 == 1).Reverse()]));
        var result = Screener.Screen(ProtocolCompiler.Standalone.Compile(new SourceText(text, "candidates.protocol")), study,
            new ScreeningOptions { AsOf = asOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 });
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(0, 0));     // T1: no MH records
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(1, 0));     // T2: a missing term may be postmenopausal
        Assert.Equal(CriterionOutcome.Met, result.Outcome(2, 0));         // T3: missing, then postmenopausal
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(4, 0));      // T5: other terms only
        Assert.Equal(CriterionOutcome.Met, result.Outcome(5, 1));         // T6: the second infarction is before consent
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(6, 1));      // T7: after consent only
        Assert.Equal(CriterionOutcome.Met, result.Outcome(7, 2));         // T8: a hysterectomy
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(1, 4));     // T2: a missing adverse event term
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(4, 4));      // T5: other terms only
        Assert.Equal(CriterionOutcome.Met, result.Outcome(3, 3));         // T4: a donepezil without an end
        Assert.Equal(CriterionOutcome.Met, result.Outcome(10, 3));        // T11: a rivastigmine without an end
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(11, 3));     // T12: a missing drug is in no list (CQL's In), a donepezil ended before consent
        Assert.Equal(CriterionOutcome.Met, result.Outcome(12, 5));        // T13: a blank term after every candidate term
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(4, 5));      // T5: no blank term
    }

    /// <summary>
    /// Column lookups and exists kernels keep each subject's answer for the study once computed (shared by threads and
    /// later screenings): a sparse selection first (answers kept for some subjects only), then everyone on two threads,
    /// then everyone again (every answer read back), then another selection, each against the per-subject path.
    /// </summary>
    [Fact]
    public void KeptAnswers_AcrossScreeningsOfOneStudy_GiveTheSameReports()
    {
        var study = Paths.SyntheticStudy(2_000, seed: 31);
        var asOf = CqlDateTime.ParseIso("2025-06-01");
        var perSubject = study.WithoutBatchCriteria().WithoutColumnLookups();
        var protocols = new[] { ("eight rules", EightRules), ("hostile", Hostile) }
            .Select(p => (p.Item1, ProtocolCompiler.Standalone.Compile(new SourceText(p.Item2, "kept.protocol"))))
            .Concat(Paths.ShippedProtocols.Select(p => (p, Paths.Compile(p))));
        foreach (var (name, compiled) in protocols)
        {
            Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
            foreach (var (subjects, threads, what) in new (string[]?, int, string)[]
            {
                ([.. study.SubjectIds.Where((_, i) => i % 13 == 5)], 1, "every 13th first"),
                (null, 2, "everyone, two threads"),
                (null, 1, "everyone again"),
                ([.. study.SubjectIds.Where((_, i) => i % 5 == 0).Reverse()], 2, "every 5th, in reverse"),
            })
            {
                var options = new ScreeningOptions { AsOf = asOf, RecordEvidence = false, MaxDegreeOfParallelism = threads, Subjects = subjects };
                SameReport.Assert(SameReport.Json(Screener.Screen(compiled, perSubject, options)), SameReport.Json(Screener.Screen(compiled, study, options)),
                    $"{name}, {what}", "per subject", "kept answers");
            }
        }
    }

    /// <summary>
    /// A subject date computed from the screening's date (<c>Now()</c>, through a definition) is never kept per study:
    /// one study screened by one executable as of two dates must answer as of each, as the compiled rule does.
    /// </summary>
    [Fact]
    public void SubjectDateFromTheScreeningDate_IsNotKeptAcrossScreenings()
    {
        const string text = """
            protocol AsOf version "1"
              data SDTM "3.4"

            define Clock: Now()
            define Recent: Clock - 30 days

            criteria
              exclusion RECENTMI "Myocardial infarction in the 30 days before screening."
                exists (MH M where M.MHDECOD = 'Myocardial infarction' and M.MHSTDTC on or after Recent)
              exclusion CONSENTMI "Myocardial infarction on or after consent (a date of the data alone)."
                exists (MH M where M.MHDECOD = 'Myocardial infarction' and M.MHSTDTC on or after DM.RFICDTC)
            """;
        var study = new TestStudy()
            .Table("DM",
                TestStudy.Row(("USUBJID", "S1"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S2"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S3"), ("RFICDTC", "2024-01-01")))
            .Table("MH",
                TestStudy.Row(("USUBJID", "S1"), ("MHSEQ", 1.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2024-01-10")),
                TestStudy.Row(("USUBJID", "S2"), ("MHSEQ", 1.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", "2024-02-20")),
                TestStudy.Row(("USUBJID", "S3"), ("MHSEQ", 1.0), ("MHDECOD", "Hypertension"), ("MHSTDTC", "2024-02-20")))
            .Build();
        var protocol = ProtocolCompiler.Standalone.Compile(new SourceText(text, "asof.protocol"));
        Assert.False(protocol.HasErrors, string.Join("\n", protocol.Diagnostics));
        var perSubject = study.WithoutBatchCriteria().WithoutColumnLookups();
        var recentMi = new Dictionary<string, CriterionOutcome>();
        // As of 1 February S1's infarction (10 January) is recent; as of 1 March only S2's (20 February) is.
        foreach (var asOf in new[] { "2024-02-01", "2024-03-01", "2024-02-01" })
        {
            var options = new ScreeningOptions { AsOf = CqlDateTime.ParseIso(asOf), RecordEvidence = false, MaxDegreeOfParallelism = 1 };
            var batched = Screener.Screen(protocol, study, options);
            SameReport.Assert(SameReport.Json(Screener.Screen(protocol, perSubject, options)), SameReport.Json(batched), $"as of {asOf}", "per subject", "batches");
            for (int i = 0; i < batched.SubjectCount; i++) recentMi[$"{asOf} {batched.SubjectId(i)}"] = batched.Outcome(i, 0);
        }
        Assert.Equal(CriterionOutcome.Met, recentMi["2024-02-01 S1"]);
        Assert.Equal(CriterionOutcome.NotMet, recentMi["2024-03-01 S1"]);
        Assert.Equal(CriterionOutcome.Met, recentMi["2024-03-01 S2"]);
        Assert.Equal(CriterionOutcome.NotMet, recentMi["2024-03-01 S3"]);
    }

    /// <summary>
    /// Date windows around a subject's date holding dates known to the year or month only: the exists kernel decides those
    /// on month and year keys as CQL compares them (component by component, the missing day uncertain at the precision),
    /// which must be the compiled In's answer for every consent day, partial date, window and precision, whatever the rows'
    /// order. Each subject has one infarction per partial date, or two (an uncertain one before a certain one).
    /// </summary>
    [Fact]
    public void PartialDatesInWindows_GiveTheSameReports_AndTheKernelsAnswer()
    {
        const string text = """
            protocol Partial version "1"
              data SDTM "3.4"

            criteria
              exclusion DAYS "180 days or less before consent (days: whole-day bounds)."
                exists (MH M where M.MHDECOD = 'Myocardial infarction' and M.MHSTDTC 180 days or less before DM.RFICDTC)
              exclusion MONTHS "6 months or less before consent (bounds built by the compiled operators)."
                exists (MH M where M.MHDECOD = 'Myocardial infarction' and M.MHSTDTC 6 months or less before DM.RFICDTC)
              exclusion YEARS "2 years or less before consent."
                exists (MH M where M.MHDECOD = 'Myocardial infarction' and M.MHSTDTC 2 years or less before DM.RFICDTC)
              exclusion CLOSED "In a closed window of days around consent, without a precision."
                exists (MH M where M.MHDECOD = 'Myocardial infarction' and M.MHSTDTC in Interval[DM.RFICDTC - 31 days, DM.RFICDTC + 30 days])
              exclusion OPEN "In an open window of weeks before consent."
                exists (MH M where M.MHDECOD = 'Myocardial infarction' and M.MHSTDTC in Interval(DM.RFICDTC - 8 weeks, DM.RFICDTC))
              exclusion NOTIN "Not in the window: the uncertain stays uncertain."
                exists (MH M where M.MHDECOD = 'Myocardial infarction' and not (M.MHSTDTC 90 days or less before DM.RFICDTC))
            """;
        string[] consents = ["2024-01-01", "2024-01-15", "2024-02-29", "2024-03-01", "2024-07-04", "2024-12-31"];
        string[] partials = ["2021", "2022", "2023", "2024", "2025", "2022-12", "2023-01", "2023-06", "2023-07", "2023-08", "2023-09", "2023-11", "2023-12", "2024-01", "2024-02", "2024-03", "2024-06", "2024-07", "2024-12", "2025-01"];
        var dm = new List<Dictionary<string, object?>>();
        var mh = new List<Dictionary<string, object?>>();
        int n = 0;
        foreach (var consent in consents)
            for (int p = 0; p < partials.Length; p++)
            {
                string subject = $"S{++n:D3}";
                dm.Add(TestStudy.Row(("USUBJID", subject), ("RFICDTC", consent)));
                // Every third subject has no infarction first (a row the walk skips); every fourth a second, plain date after the partial one.
                if (n % 3 == 0) mh.Add(TestStudy.Row(("USUBJID", subject), ("MHSEQ", 0.0), ("MHDECOD", "Hypertension"), ("MHSTDTC", "2020")));
                mh.Add(TestStudy.Row(("USUBJID", subject), ("MHSEQ", 1.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", partials[p])));
                if (n % 4 == 0) mh.Add(TestStudy.Row(("USUBJID", subject), ("MHSEQ", 2.0), ("MHDECOD", "Myocardial infarction"), ("MHSTDTC", consent)));
            }
        var study = new TestStudy().Table("DM", [.. dm]).Table("MH", [.. mh]).Build();
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, "partial.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var asOf = CqlDateTime.ParseIso("2025-06-01");
        long before = CodedExistsNode.Answered;
        AssertSame(compiled, study, asOf, "partial dates, indexed");
        AssertSame(compiled, study.WithoutCodeIndexes(), asOf, "partial dates, scanned");
        AssertSame(compiled, study, asOf, "partial dates, every 3rd subject", [.. study.SubjectIds.Where((_, i) => i % 3 == 1)]);
        // The kernels answered (did not leave the subjects to the compiled rule): six criteria for most subjects, evidence off.
        Assert.True(CodedExistsNode.Answered - before >= n * 6, $"the exists kernels answered {CodedExistsNode.Answered - before} subjects' exists");
        // Some of each outcome, so the comparison above is not of one answer everywhere.
        var result = Screener.Screen(compiled, study, new ScreeningOptions { AsOf = asOf, RecordEvidence = false });
        foreach (var outcome in new[] { CriterionOutcome.Met, CriterionOutcome.NotMet, CriterionOutcome.Unknown })
            Assert.Contains(Enumerable.Range(0, n), i => result.Outcome(i, 0) == outcome);
    }

    private static Dictionary<string, object?> Lab(string subject, int seq, string test, double value, double? high = null) =>
        TestStudy.Row(("USUBJID", subject), ("LBSEQ", (double)seq), ("LBTESTCD", test), ("LBSTRESN", value), ("LBSTNRHI", high ?? double.NaN), ("VISITNUM", 1.0));

    /// <summary>
    /// Each protocol compiled and checked by <see cref="AssertSame"/> over the study with its code indexes and without them
    /// (scanned), over every subject and, when given, over a named subset of subjects as well.
    /// </summary>
    private static void AssertSameIndexedAndScanned(StudyData study, CqlDateTime asOf, string file, (string Name, string Text)[] protocols,
        (string Name, string[] Subjects)? subset = null)
    {
        foreach (var (name, text) in protocols)
        {
            var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, file));
            Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
            foreach (var (data, how) in new[] { (study, "indexed"), (study.WithoutCodeIndexes(), "scanned") })
            {
                AssertSame(compiled, data, asOf, $"{name}, {how}");
                if (subset is var (subsetName, subjects)) AssertSame(compiled, data, asOf, $"{name}, {how}, {subsetName}", subjects);
            }
        }
    }

    /// <summary>
    /// With and without the batches, evidence off (one and two threads), and with evidence on (batches whose criteria record
    /// each subject's evidence, against every criterion and query compiled and run subject by subject; capacities of 100,
    /// 3 and 1 items, one and two threads): the same JSON, and the same evidence items with their values' types.
    /// </summary>
    private static void AssertSame(CompiledProtocol protocol, StudyData study, CqlDateTime asOf, string what, string[]? subjects = null)
    {
        var options = new ScreeningOptions { AsOf = asOf, RecordEvidence = false, MaxDegreeOfParallelism = 2, Subjects = subjects };
        string batched = SameReport.Json(Screener.Screen(protocol, study, options));
        string compiled = SameReport.Json(Screener.Screen(protocol, study.WithoutBatchCriteria(), options with { MaxDegreeOfParallelism = 1 }));
        SameReport.Assert(compiled, batched, what, "per subject", "kernels");
        string neither = SameReport.Json(Screener.Screen(protocol, study.WithoutBatchCriteria().WithoutColumnLookups(), options));
        SameReport.Assert(neither, batched, what + " (no column lookups either)", "per subject", "kernels");
        foreach (var (capacity, threads) in new[] { (100, 2), (3, 1), (1, 2) })
        {
            var on = options with { RecordEvidence = true, EvidenceCapacity = capacity, MaxDegreeOfParallelism = threads };
            var expected = Screener.Screen(protocol, study.WithoutBatchCriteria().WithoutColumnLookups(), on);
            var actual = Screener.Screen(protocol, study, on);
            string label = $"{what}, evidence on, capacity {capacity}, {threads} thread(s)";
            SameReport.Assert(SameReport.Json(expected), SameReport.Json(actual), label, "per subject", "batches on");
            for (int i = 0; i < actual.SubjectCount; i++)
            {
                var a = expected.Subject(i).Criteria;
                var b = actual.Subject(i).Criteria;
                for (int j = 0; j < a.Count; j++)
                    Assert.True(a[j].Evidence.Select(e => (e, e.Value?.GetType())).SequenceEqual(b[j].Evidence.Select(e => (e, e.Value?.GetType()))),
                        $"{label}: {actual.SubjectId(i)} {a[j].Id}:\n{string.Join("\n", a[j].Evidence)}\nbatches:\n{string.Join("\n", b[j].Evidence)}");
            }
        }
    }
}
