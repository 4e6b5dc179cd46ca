using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Native;
using ProtocolEngine.Runtime.Tests.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// The batch kernel of <c>exists</c> over every row of a subject (<see cref="CodedExistsNode"/>): text tests decided per
/// dictionary code (<c>Upper(Coalesce(M.MHDECOD, M.MHTERM)) in list</c>), and dates (a Coalesce of the row's) against a
/// subject date computed by a definition (<c>ScreeningDate</c> from a sorted SV query). Each case is screened with and
/// without the batches (one and two threads, code indexes on and off, evidence on) and must give the same screening JSON
/// byte for byte; the pilot protocol runs over the same hostile data.
/// </summary>
public class CodedExistsDifferentialTests
{
    internal const string Coded = """
        protocol Coded version "1"
          data SDTM "3.4"

        codelist Cardio "Cardiac terms and hostile spellings" system "MedDRA"
          "ATRIAL FIBRILLATION", "MYOCARDIAL INFARCTION", "ÉPILEPSIE", "STRASSE", "İSTANBUL FEVER"

        define ScreeningDate: Coalesce(First(SV S where S.VISITNUM = 1 sort by SVSTDTC).SVSTDTC, DM.RFICDTC)
        define EnrollmentDate: Coalesce(DM.RFSTDTC, ScreeningDate)

        parameter Factor: Decimal default 1.5 "A multiple of the upper limit"

        define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1 sort by LBDTC)
        define Age: Coalesce(DM.AGE, years between DM.BRTHDTC and ScreeningDate)
        define Post: if exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) in {'MENOPAUSE'}) then true else if Age >= 60 then true else null

        define function HistoryWithin(terms CodeList, period Quantity):
          exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) in terms
            and (M.MHENRTPT = 'ONGOING'
              or Coalesce(M.MHENDTC, M.MHSTDTC) in Interval[ScreeningDate - period, ScreeningDate]))

        criteria
          exclusion EVER "A cardiac term ever."
            exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) in Cardio)
          exclusion H3M "Within 3 months."
            HistoryWithin(Cardio, 3 months)
          exclusion H5Y "Within 5 years."
            HistoryWithin(Cardio, 5 years)
          exclusion H30D "Within 30 days."
            HistoryWithin(Cardio, 30 days)
          exclusion SYNC "Syncope 5 years or less before screening (year precision)."
            exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) = 'SYNCOPE'
              and (M.MHENRTPT = 'ONGOING' or Coalesce(M.MHENDTC, M.MHSTDTC) 5 years or less before ScreeningDate))
          inclusion TERM "A term in a literal list."
            exists (MH M where Upper(M.MHTERM) in {'ALZHEIMER\'S DISEASE', 'STRASSE', 'ÉPILEPSIE'})
          exclusion NEO "A neoplasm, not cardiac, recent."
            exists (MH M where M.MHBODSYS is not null and Upper(M.MHBODSYS) = 'NEOPLASMS'
              and not (Upper(Coalesce(M.MHDECOD, M.MHTERM)) in Cardio)
              and (M.MHENRTPT = 'ONGOING' or Coalesce(M.MHENDTC, M.MHSTDTC) 5 years or less before ScreeningDate))
          exclusion CMX "A cardiac drug around enrollment."
            exists (CM C where Upper(C.CMDECOD) in Cardio
              and (C.CMENDTC is null or C.CMENDTC 30 days or less before EnrollmentDate or C.CMENDTC on or after EnrollmentDate)
              and C.CMSTDTC before EnrollmentDate)
          exclusion MONTHS "Started 2 months or less before screening (month precision)."
            exists (MH M where Upper(M.MHDECOD) in Cardio and M.MHSTDTC 2 months or less before ScreeningDate)
          exclusion AFTER "Ended on or after screening, or started after it."
            exists (MH M where M.MHDECOD is not null and (M.MHENDTC on or after ScreeningDate or M.MHSTDTC after ScreeningDate))
          inclusion OLD "Aged 50 (or from the birth date), male or postmenopausal (if, Coalesce)."
            Age >= 50 and (DM.SEX = 'M' or Post)
          exclusion HIGH "ALT above a parameter times the upper limit."
            Lab('ALT').LBSTRESN > Factor * Lab('ALT').LBSTNRHI
          exclusion RPR "Syphilis test reactive, in any case."
            Upper(Lab('RPR').LBSTRESC) = 'REACTIVE' or Upper(Lab('RPR').LBSTRESC) = 'POSITIVE'
          exclusion ECG "Bradycardia or a block at visit 1 (numbers in an exists)."
            exists (EG E where E.VISITNUM = 1 and (E.EGTESTCD = 'HR' and E.EGSTRESN < 50 or Upper(E.EGSTRESC) in {'LEFT BUNDLE BRANCH BLOCK', 'SINUS PAUSE'}))
        """;

    private static Dictionary<string, object?> Mh(string subject, int seq, string? decod, string? term, string? start, string? end = null, string? ongoing = null, string? bodsys = null) =>
        TestStudy.Row(("USUBJID", subject), ("MHSEQ", (double)seq), ("MHDECOD", decod), ("MHTERM", term), ("MHSTDTC", start), ("MHENDTC", end), ("MHENRTPT", ongoing), ("MHBODSYS", bodsys));

    private static Dictionary<string, object?> Sv(string subject, int seq, double visit, string? date) =>
        TestStudy.Row(("USUBJID", subject), ("SVSEQ", (double)seq), ("VISITNUM", visit), ("SVSTDTC", date));

    private static Dictionary<string, object?> Lab(string subject, int seq, string test, string date, double? value, double? high, string? text) =>
        TestStudy.Row(("USUBJID", subject), ("LBSEQ", (double)seq), ("LBTESTCD", test), ("LBDTC", date), ("VISITNUM", 1.0), ("LBSTRESN", value ?? double.NaN),
            ("LBSTNRHI", high ?? double.NaN), ("LBSTRESC", text));

    private static Dictionary<string, object?> Cm(string subject, int seq, string? decod, string? start, string? end) =>
        TestStudy.Row(("USUBJID", subject), ("CMSEQ", (double)seq), ("CMDECOD", decod), ("CMSTDTC", start), ("CMENDTC", end));

    /// <summary>
    /// A: a missing DECOD with a TERM in lower case, recent; B: both missing (the membership is null), ongoing; C: codes
    /// differing in spaces; D: non-ASCII terms (é, ß, dotted and dotless i); E: partial, timed and malformed dates in either
    /// coalesced column; F: no SV visit (consent stands in); G: two screening visits on one day and on two days; H: no MH
    /// records; I: no screening date at all; J: a partial visit date; K: 29 February and the 5-year and year-precision
    /// boundaries; L: an empty DECOD beside a TERM.
    /// </summary>
    internal static TestStudy Hostile(bool withSv = true, bool withEnd = true, bool codedNumbers = false)
    {
        var study = new TestStudy { CodedNumbers = codedNumbers }
            .Table("DM",
                TestStudy.Row(("USUBJID", "A"), ("RFICDTC", "2024-01-10"), ("RFSTDTC", "2024-02-01"), ("AGE", 61.0), ("SEX", "F"), ("BRTHDTC", "1962")),
                TestStudy.Row(("USUBJID", "B"), ("RFICDTC", "2024-01-10"), ("RFSTDTC", null), ("AGE", null), ("SEX", "F"), ("BRTHDTC", "1950-03-01")),
                TestStudy.Row(("USUBJID", "C"), ("RFICDTC", "2024-01-10"), ("RFSTDTC", null), ("AGE", 55.0), ("SEX", "F"), ("BRTHDTC", null)),
                TestStudy.Row(("USUBJID", "D"), ("RFICDTC", "2024-01-10"), ("RFSTDTC", null), ("AGE", null), ("SEX", "M"), ("BRTHDTC", null)),
                TestStudy.Row(("USUBJID", "E"), ("RFICDTC", "2024-01-10"), ("RFSTDTC", null)),
                TestStudy.Row(("USUBJID", "F"), ("RFICDTC", "2023-12-31"), ("RFSTDTC", null)),
                TestStudy.Row(("USUBJID", "G"), ("RFICDTC", "2024-01-10"), ("RFSTDTC", "2024-01-20")),
                TestStudy.Row(("USUBJID", "H"), ("RFICDTC", "2024-01-10"), ("RFSTDTC", null)),
                TestStudy.Row(("USUBJID", "I"), ("RFICDTC", null), ("RFSTDTC", null)),
                TestStudy.Row(("USUBJID", "J"), ("RFICDTC", "2024-01-10"), ("RFSTDTC", null)),
                TestStudy.Row(("USUBJID", "K"), ("RFICDTC", "2024-02-29"), ("RFSTDTC", null)),
                TestStudy.Row(("USUBJID", "L"), ("RFICDTC", "2024-06-15"), ("RFSTDTC", null)))
            .Table("MH", [.. MhRows().Select(r => withEnd ? r : r.Where(p => p.Key != "MHENDTC").ToDictionary())])
            .Table("CM",
                Cm("A", 1, "atrial fibrillation", "2023-01-01", null),
                Cm("B", 1, "MYOCARDIAL INFARCTION", "2023-01-01", "2023-12-31"),
                Cm("C", 1, null, "2023-01-01", null),
                Cm("E", 1, "ATRIAL FIBRILLATION", "2023-01", "2024-02-01"),
                Cm("G", 1, "ATRIAL FIBRILLATION", "2023-01-01", "2023-12-21"),
                Cm("K", 1, "ATRIAL FIBRILLATION", "2024-02-29", "2024-03-01"));
        study.Table("LB",
            Lab("A", 1, "ALT", "2024-01-05", 61, 40, null), Lab("A", 2, "RPR", "2024-01-05", null, null, "reactive"),
            Lab("B", 1, "ALT", "2024-01-05", 60, 40, null), Lab("B", 2, "RPR", "2024-01-05", null, null, null),
            Lab("C", 1, "ALT", "2024-01-05", 59.99999, 40, null), Lab("C", 2, "RPR", "2024-01-05", null, null, "Positive"),
            Lab("C", 3, "RPR", "2024-01-06", null, null, "NEGATIVE"),
            Lab("D", 1, "ALT", "2024-01-05", null, 40, null), Lab("D", 2, "RPR", "2024-01-05", null, null, "non-reactive"),
            Lab("E", 1, "ALT", "2024-01-05", 100, null, null), Lab("E", 2, "RPR", "2024-01-05", null, null, "ıreactive"));
        study.Table("EG",
            TestStudy.Row(("USUBJID", "A"), ("EGSEQ", 1.0), ("VISITNUM", 1.0), ("EGTESTCD", "HR"), ("EGSTRESN", 49.999999), ("EGSTRESC", null)),
            TestStudy.Row(("USUBJID", "B"), ("EGSEQ", 1.0), ("VISITNUM", 1.0), ("EGTESTCD", "HR"), ("EGSTRESN", null), ("EGSTRESC", null)),
            TestStudy.Row(("USUBJID", "C"), ("EGSEQ", 1.0), ("VISITNUM", 2.0), ("EGTESTCD", "HR"), ("EGSTRESN", 40.0), ("EGSTRESC", null)),
            TestStudy.Row(("USUBJID", "D"), ("EGSEQ", 1.0), ("VISITNUM", 1.0), ("EGTESTCD", "INTP"), ("EGSTRESN", null), ("EGSTRESC", "left bundle branch block")),
            TestStudy.Row(("USUBJID", "E"), ("EGSEQ", 1.0), ("VISITNUM", null), ("EGTESTCD", "HR"), ("EGSTRESN", 30.0), ("EGSTRESC", null)),
            TestStudy.Row(("USUBJID", "F"), ("EGSEQ", 1.0), ("VISITNUM", 1.0), ("EGTESTCD", "HR"), ("EGSTRESN", 50.0), ("EGSTRESC", "SINUS  PAUSE")));
        if (withSv)
            study.Table("SV",
                Sv("A", 1, 1, "2024-01-05"),
                Sv("B", 1, 1, null),
                Sv("C", 1, 2, "2024-01-20"),
                Sv("D", 1, 1, "2024-01-05"),
                Sv("E", 1, 1, "2024-01-05"),
                Sv("G", 1, 1, "2024-01-06"),
                Sv("G", 2, 1, "2024-01-06"),
                Sv("G", 3, 1, "2024-01-02"),
                Sv("I", 1, 3, "2024-01-05"),
                Sv("J", 1, 1, "2024-01"),
                Sv("K", 1, 1, "2024-02-29"),
                Sv("L", 1, 1, "2024-06-15"));
        return study;
    }

    private static Dictionary<string, object?>[] MhRows() =>
    [
        Mh("A", 1, null, "atrial fibrillation", "2023-12-01"),
        Mh("B", 1, null, null, "2020-01-01", ongoing: "ONGOING"),
        Mh("B", 2, "Syncope", null, "2010-01-01"),
        Mh("C", 1, "Atrial  Fibrillation", null, "2024-01-01"),
        Mh("C", 2, " ATRIAL FIBRILLATION", "ATRIAL FIBRILLATION", "2024-01-01"),
        Mh("C", 3, "ATRIAL FIBRILLATION ", null, null, ongoing: "ongoing"),
        Mh("D", 1, "épilepsie", null, "2023-12-20"),
        Mh("D", 2, null, "straße", "2023-12-20"),
        Mh("D", 3, "ıstanbul fever", "i̇stanbul fever", "2023-12-20"),
        Mh("D", 4, null, "Strasse", "2023-11-20", bodsys: "Neoplasms"),
        Mh("E", 1, "ATRIAL FIBRILLATION", null, "2023-12-01", end: "2024-01"),
        Mh("E", 2, "MYOCARDIAL INFARCTION", null, "2023-12-01T10:30"),
        Mh("E", 3, "MYOCARDIAL INFARCTION", null, "2023-12-01", end: "2023-13-45"),
        Mh("E", 4, "SYNCOPE", null, "2020", end: "2021-02-30"),
        Mh("F", 1, "MYOCARDIAL INFARCTION", null, "2023-06-02"),
        Mh("F", 2, "LIPOMA", null, "2019-01-01", end: "2019-01-01", bodsys: "NEOPLASMS"),
        // Both terms missing, in the window: Unknown, and the gap list names SV (the screening date read it, no records).
        Mh("F", 3, null, null, "2023-12-01"),
        Mh("G", 1, "MYOCARDIAL INFARCTION", null, "2023-10-20", end: "2023-11-01"),
        Mh("G", 2, "SYNCOPE", null, "2019-01-01", end: "2019-01-01"),
        Mh("I", 1, "MYOCARDIAL INFARCTION", null, "2023-10-20"),
        Mh("I", 2, "MYOCARDIAL INFARCTION", null, "2023-10-20", ongoing: "ONGOING"),
        Mh("J", 1, "MYOCARDIAL INFARCTION", null, "2023-12-20"),
        Mh("K", 1, "ATRIAL FIBRILLATION", null, "2019-02-28"),
        Mh("K", 2, "SYNCOPE", null, "2019-01-01", end: "2019-01-01"),
        Mh("K", 3, "MYOCARDIAL INFARCTION", null, "2023-12-29"),
        Mh("K", 4, "LIPOMA", null, "2018-12-31", bodsys: "NEOPLASMS"),
        Mh("L", 1, "", "ATRIAL FIBRILLATION", "2024-06-01"),
        Mh("L", 2, "SYNCOPE", null, "2024-12-31"),
        Mh("L", 3, "SYNCOPE", null, "2019-06-14", end: "2019-06-14"),
        Mh("L", 4, "ATRIAL FIBRILLATION", null, "2024-06-15", end: "2024-06-16"),
    ];

    [Fact]
    public void HostileData_GiveTheSameReports_AndTheKernelAnswers()
    {
        var asOf = CqlDateTime.ParseIso("2024-07-01");
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Coded, "coded.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var study = Hostile().Build();
        long before = CodedExistsNode.Answered;
        foreach (var (data, how) in new[] { (study, "indexed"), (study.WithoutCodeIndexes(), "scanned"), (Hostile(withSv: false).Build(), "without SV"), (Hostile(withEnd: false).Build(), "without MHENDTC") })
        {
            AssertSame(compiled, data, asOf, $"coded, {how}");
            foreach (var protocol in Paths.ShippedProtocols)
                AssertSame(Paths.Compile(protocol), data, asOf, $"{protocol}, {how}");
        }
        Assert.True(CodedExistsNode.Answered - before > 200, $"the kernel answered {CodedExistsNode.Answered - before} subjects' exists");

        var result = Screener.Screen(compiled, study, new ScreeningOptions { AsOf = asOf, RecordEvidence = false });
        Assert.Equal(CriterionOutcome.Met, result.Outcome(0, 0));          // A: a missing DECOD, the TERM upper-cased is in the list
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(1, 0));      // B: both missing, the membership is null
        Assert.Equal(CriterionOutcome.NotMet, result.Outcome(2, 0));       // C: spaces make other codes
        Assert.Equal(CriterionOutcome.Met, result.Outcome(3, 0));          // D: é upper-cases to É
        Assert.Equal(CriterionOutcome.Met, result.Outcome(0, 1));          // A: 2023-12-01 within 3 months of the visit on 2024-01-05
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(7, 0));      // H: no MH records
        Assert.Equal(OutcomeCause.NoSubjectRecords, result.Cause(7, 0));
        Assert.Equal(CriterionOutcome.Unknown, result.Outcome(5, 1));      // F: a row without terms in the window of consent
        Assert.Equal(OutcomeCause.NoSubjectRecords, result.Cause(5, 1));   // SV, read for the screening date
    }

    [Fact]
    public void Synthetic_EveryShippedProtocol_GivesTheSameReports_AndTheKernelAnswers()
    {
        var study = Paths.SyntheticStudy(3_000, seed: 37);
        var asOf = CqlDateTime.ParseIso("2025-06-01");
        long before = CodedExistsNode.Answered;
        AssertSame(Paths.Compile("cdiscpilot01.protocol"), study, asOf, "pilot, synthetic");
        // The pilot's MH criteria (eleven exists over every MH row) for most of the 3,000 subjects.
        Assert.True(CodedExistsNode.Answered - before >= 3_000 * 5, $"the kernel answered {CodedExistsNode.Answered - before} subjects' exists");
        var coded = ProtocolCompiler.Standalone.Compile(new SourceText(Coded, "coded.protocol"));
        AssertSame(coded, study, asOf, "coded, synthetic");
        AssertSame(coded, study, asOf, "coded, every 7th subject", [.. study.SubjectIds.Where((_, i) => i % 7 == 3)]);
    }

    /// <summary>With and without the batches, evidence off (one and two threads, lookups on and off), and with evidence on: the same JSON.</summary>
    internal static void AssertSame(CompiledProtocol protocol, StudyData study, CqlDateTime asOf, string what, string[]? subjects = null)
    {
        var options = new ScreeningOptions { AsOf = asOf, RecordEvidence = false, MaxDegreeOfParallelism = 2, Subjects = subjects };
        string batched = SameReport.Json(Screener.Screen(protocol, study, options));
        string compiled = SameReport.Json(Screener.Screen(protocol, study.WithoutBatchCriteria(), options with { MaxDegreeOfParallelism = 1 }));
        SameReport.Assert(compiled, batched, what, "per subject", "kernels");
        string oneThread = SameReport.Json(Screener.Screen(protocol, study, options with { MaxDegreeOfParallelism = 1 }));
        SameReport.Assert(compiled, oneThread, what + " (one thread)", "per subject", "kernels");
        string neither = SameReport.Json(Screener.Screen(protocol, study.WithoutBatchCriteria().WithoutColumnLookups(), options));
        SameReport.Assert(neither, batched, what + " (no column lookups either)", "per subject", "kernels");
        var on = options with { RecordEvidence = true };
        SameReport.Assert(SameReport.Json(Screener.Screen(protocol, study.WithoutBatchCriteria(), on)), SameReport.Json(Screener.Screen(protocol, study, on)), what + ", evidence on", "per subject", "batches on");
    }
}
