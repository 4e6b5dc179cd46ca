using System.Text;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Native;
using ProtocolEngine.Runtime.Tests.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// <see cref="CodedExistsNode"/> with evidence on: the batch records each subject's search and kept rows itself, and leaves
/// to the compiled rule a subject whose exists reaches the subject's date or could reach the capacity. Every case is
/// screened with evidence on by the compiled rules alone and with the batches (capacities of 100, 3 and 1 items, one and
/// two threads, code indexes on and off) and must give the same screening JSON byte for byte and the same items, field by
/// field with the values' types.
/// </summary>
public class CodedExistsEvidenceDifferentialTests
{
    /// <summary>
    /// What an exists keeps: rows kept as true and as null, a Coalesce read to its second variable, an and or an or cut
    /// short, a date's is null (no subject date), a number, two exists over MH in one criterion, and the screening date
    /// computed by a criterion before an exists whose window reads it (FIRST, WINDOW) and after it (WINDOW, LAST).
    /// </summary>
    private const string Kept = """
        protocol Kept version "1"
          data SDTM "3.4"

        codelist Cardio "Cardiac terms and hostile spellings" system "MedDRA"
          "ATRIAL FIBRILLATION", "MYOCARDIAL INFARCTION", "ÉPILEPSIE", "STRASSE"

        define ScreeningDate: Coalesce(First(SV S where S.VISITNUM = 1 sort by SVSTDTC).SVSTDTC, DM.RFICDTC)

        criteria
          exclusion EVER "A cardiac term ever."
            exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) in Cardio)
          exclusion FIRST "Consent before the screening date (computes it before WINDOW)."
            DM.RFICDTC before ScreeningDate
          exclusion ONGOING "A cardiac term ongoing or without an end."
            exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) in Cardio and (M.MHENRTPT = 'ONGOING' or M.MHENDTC is null))
          exclusion BODSYS "A body system, the term not cardiac."
            exists (MH M where M.MHBODSYS is not null and not (Upper(M.MHTERM) in Cardio))
          exclusion TWICE "Syncope, or a cardiac term: two exists over the same rows."
            exists (MH M where Upper(M.MHTERM) in {'SYNCOPE'}) or exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) in Cardio)
          exclusion WINDOW "A cardiac term within a year of screening (the date read only where the term passes)."
            exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) in Cardio
              and Coalesce(M.MHENDTC, M.MHSTDTC) in Interval[ScreeningDate - 1 year, ScreeningDate])
          exclusion LAST "First dose before the screening date (replays it after WINDOW)."
            DM.RFSTDTC before ScreeningDate
          exclusion RECHECK "Female, and a cardiac term or a headache: past a capacity of 3, the second exists reads a row's TERM the first dropped."
            DM.SEX = 'F' and (exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) in Cardio) or exists (MH M where Upper(M.MHTERM) in {'HEADACHE'}))
          exclusion ECG "Bradycardia or a pause at visit 1."
            exists (EG E where E.VISITNUM = 1 and (E.EGTESTCD = 'HR' and E.EGSTRESN < 50 or Upper(E.EGSTRESC) in {'SINUS PAUSE'}))
        """;

    private static Dictionary<string, object?> Mh(string subject, int seq, string? decod, string? term, string? start = null, string? end = null, string? ongoing = null, string? bodsys = null) =>
        TestStudy.Row(("USUBJID", subject), ("MHSEQ", (double)seq), ("MHDECOD", decod), ("MHTERM", term), ("MHSTDTC", start), ("MHENDTC", end), ("MHENRTPT", ongoing), ("MHBODSYS", bodsys));

    private static Dictionary<string, object?> Eg(string subject, int seq, double? visit, string? test, double? value, string? text) =>
        TestStudy.Row(("USUBJID", subject), ("EGSEQ", (double)seq), ("VISITNUM", visit ?? double.NaN), ("EGTESTCD", test), ("EGSTRESN", value ?? double.NaN), ("EGSTRESC", text));

    /// <summary>
    /// P: duplicate rows (kept twice, and twice dropped); Q: four rows without terms (each kept as null) before a cardiac
    /// one, beyond a capacity of 3; R: no DECOD, a lower-case TERM, a body system; S: non-ASCII terms; T: no MH records;
    /// U: a partial and a malformed end date; V: no end and no ongoing flag; W: an empty DECOD beside a TERM; X: a term in
    /// the window of a partial screening visit; Y: only rows the leading test rejects; Z: a headache without DECOD.
    /// </summary>
    private static TestStudy Study(bool withMh = true, bool withEg = true, bool withSv = true)
    {
        string[] subjects = ["P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"];
        var study = new TestStudy().Table("DM", [.. subjects.Select((s, i) => TestStudy.Row(("USUBJID", s), ("RFICDTC", i % 3 == 0 ? "2024-01-10" : "2024-01-01"), ("RFSTDTC", i % 4 == 1 ? null : "2024-01-05"), ("SEX", i % 2 == 0 ? "F" : null)))]);
        if (withSv)
            study.Table("SV", [.. subjects.Where(s => s != "Y").Select((s, i) => TestStudy.Row(("USUBJID", s), ("SVSEQ", 1.0), ("VISITNUM", 1.0), ("SVSTDTC", s == "X" ? "2024-01" : "2024-01-0" + (1 + i % 9)))),
                TestStudy.Row(("USUBJID", "P"), ("SVSEQ", 2.0), ("VISITNUM", 1.0), ("SVSTDTC", "2023-12-30"))]);
        if (withMh)
            study.Table("MH",
                Mh("P", 1, "ATRIAL FIBRILLATION", "AF", "2023-06-01", ongoing: "ONGOING"),
                Mh("P", 1, "ATRIAL FIBRILLATION", "AF", "2023-06-01", ongoing: "ONGOING"),
                Mh("P", 2, "LIPOMA", "lipoma", "2020-01-01", "2020-02-01", bodsys: "NEOPLASMS"),
                Mh("P", 2, "LIPOMA", "lipoma", "2020-01-01", "2020-02-01", bodsys: "NEOPLASMS"),
                Mh("Q", 1, null, null, "2023-01-01"),
                Mh("Q", 2, null, null, "2023-02-01"),
                Mh("Q", 3, null, null, "2023-03-01", bodsys: "CARDIAC DISORDERS"),
                Mh("Q", 4, null, null, "2023-04-01"),
                Mh("Q", 5, "MYOCARDIAL INFARCTION", null, "2023-05-01", "2023-05-02"),
                Mh("R", 1, null, "strasse", "2023-11-01", bodsys: "Neoplasms"),
                Mh("S", 1, "épilepsie", "Épilepsie", "2023-12-01", "2023-12-02"),
                Mh("S", 2, null, "straße", "2023-12-01"),
                Mh("S", 3, "SYNCOPE", "syncope", "2010-01-01", "2010-01-02"),
                Mh("U", 1, "ATRIAL FIBRILLATION", null, "2023-06-01", "2023"),
                Mh("U", 2, "MYOCARDIAL INFARCTION", null, "2023-06", "2023-02-30"),
                Mh("V", 1, "MYOCARDIAL INFARCTION", null, "2015-01-01"),
                Mh("W", 1, "", "atrial fibrillation", "2023-12-20", ongoing: "ONGOING"),
                Mh("X", 1, "ATRIAL FIBRILLATION", null, "2023-06-01", "2023-07-01"),
                Mh("Y", 1, "HEADACHE", "headache", "2023-01-01"),
                Mh("Y", 2, "COUGH", null, null, "2023-01-02"),
                Mh("Z", 1, null, "headache", "2023-01-01"));
        if (withEg)
            study.Table("EG",
                Eg("P", 1, 1, "HR", 49.999999, null), Eg("P", 1, 1, "HR", 49.999999, null),
                Eg("Q", 1, null, "HR", 30, null), Eg("Q", 2, 1, "INTP", null, null), Eg("Q", 3, 1, "INTP", null, "sinus pause"),
                Eg("R", 1, 1, "HR", null, null), Eg("S", 1, 2, "HR", 40, null), Eg("U", 1, 1, "INTP", null, "NORMAL"));
        return study;
    }

    [Fact]
    public void HostileData_CompiledAndBatched_KeepTheSameEvidence_AndTheBatchAnswers()
    {
        var asOf = CqlDateTime.ParseIso("2024-07-01");
        var kept = Compile(Kept, "kept.protocol");
        var coded = Compile(CodedExistsDifferentialTests.Coded, "coded.protocol");
        var studies = new (StudyData Data, string How)[]
        {
            (Study().Build(), "indexed"), (Study().Build().WithoutCodeIndexes(), "scanned"), (Study(withMh: false).Build(), "without MH"),
            (Study(withEg: false, withSv: false).Build(), "without EG and SV"),
        };
        long before = CodedExistsNode.AnsweredWithEvidence;
        foreach (var (data, how) in studies)
        {
            foreach (int capacity in new[] { 100, 3, 1 })
            {
                AssertSame(kept, data, asOf, $"kept, {how}, capacity {capacity}", capacity, threads: 2);
                AssertSame(coded, data, asOf, $"coded, {how}, capacity {capacity}", capacity, threads: 1);
            }
        }
        foreach (var (data, how) in new[] { (CodedExistsDifferentialTests.Hostile().Build(), "coded's data"), (CodedExistsDifferentialTests.Hostile(withSv: false).Build(), "coded's data without SV") })
        {
            foreach (int capacity in new[] { 100, 3 })
            {
                AssertSame(kept, data, asOf, $"kept, {how}, capacity {capacity}", capacity, threads: 2);
                AssertSame(coded, data, asOf, $"coded, {how}, capacity {capacity}", capacity, threads: 2);
                foreach (var protocol in Paths.ShippedProtocols)
                    AssertSame(Paths.Compile(protocol), data, asOf, $"{protocol}, {how}, capacity {capacity}", capacity, threads: 2);
            }
        }
        Assert.True(CodedExistsNode.AnsweredWithEvidence - before > 500, $"the kernel answered {CodedExistsNode.AnsweredWithEvidence - before} subjects' exists with evidence");

        // The items themselves, so that agreeing on wrong evidence would fail too.
        var result = Screener.Screen(kept, Study().Build(), new ScreeningOptions { AsOf = asOf, RecordEvidence = true });
        // P: the first of two identical cardiac rows is kept (where exists stops), with its DECOD read only.
        Assert.Equal(["Searched|MH||||4|Int32|-1", "Value|MH|P|1|MHDECOD|ATRIAL FIBRILLATION|String|0"], Items(result, 0, 0));
        // Q: four rows without terms kept as undecided (both variables read), then the cardiac row.
        Assert.Equal(10, Items(result, 1, 0).Count);
        Assert.Equal("Value|MH|Q|4|MHTERM||", Items(result, 1, 0)[8][..21]);
        // T: no MH records: the search alone.
        Assert.Equal(["Searched|MH||||0|Int32|-1"], Items(result, 4, 0));
        // Y: every row rejected by the leading test: the search alone.
        Assert.Equal(["Searched|MH||||2|Int32|-1"], Items(result, 9, 0));
    }

    [Fact]
    public void Synthetic_Pilot_CompiledAndBatched_KeepTheSameEvidence()
    {
        var study = Paths.SyntheticStudy(3_000, seed: 41);
        var asOf = CqlDateTime.ParseIso("2025-06-01");
        var pilot = Paths.Compile("cdiscpilot01.protocol");
        long before = CodedExistsNode.AnsweredWithEvidence;
        AssertSame(pilot, study, asOf, "pilot, synthetic", capacity: 100, threads: 2);
        // The pilot's MH, CM and EG criteria for most of the 3,000 subjects.
        Assert.True(CodedExistsNode.AnsweredWithEvidence - before >= 3_000 * 10, $"the kernel answered {CodedExistsNode.AnsweredWithEvidence - before} subjects' exists with evidence");
        AssertSame(pilot, study, asOf, "pilot, synthetic, capacity 3", capacity: 3, threads: 2);
        AssertSame(pilot, study.WithoutCodeIndexes(), asOf, "pilot, synthetic, scanned, one thread", capacity: 100, threads: 1);
    }

    private static CompiledProtocol Compile(string text, string path)
    {
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, path));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        return compiled;
    }

    /// <summary>Evidence on, every criterion by its compiled rule against the batches: the same JSON and the same items.</summary>
    private static void AssertSame(CompiledProtocol protocol, StudyData study, CqlDateTime asOf, string what, int capacity, int threads)
    {
        var options = new ScreeningOptions { AsOf = asOf, RecordEvidence = true, EvidenceCapacity = capacity, MaxDegreeOfParallelism = threads };
        var compiled = Screener.Screen(protocol, study.WithoutBatchCriteria(), options with { MaxDegreeOfParallelism = 1 });
        var batched = Screener.Screen(protocol, study, options);
        SameReport.Assert(SameReport.Json(compiled), SameReport.Json(batched), what, "compiled", "batched");
        for (int i = 0; i < compiled.SubjectCount; i++)
        {
            for (int j = 0; j < compiled.Criteria.Count; j++)
            {
                string x = string.Join("\n", Items(compiled, i, j)), y = string.Join("\n", Items(batched, i, j));
                if (x != y) Assert.Fail($"{what}, {compiled.SubjectId(i)} {compiled.Criteria[j].Id}:\ncompiled:\n{x}\nbatched:\n{y}");
            }
        }
    }

    private static List<string> Items(ScreeningResult result, int subject, int criterion) =>
        [.. result.Subject(subject).Criteria[criterion].Evidence.Select(Describe)];

    private static string Describe(EvidenceItem e) =>
        new StringBuilder().Append(e.Kind).Append('|').Append(e.Domain).Append('|').Append(e.SubjectId).Append('|').Append(e.Sequence)
            .Append('|').Append(e.Variable).Append('|').Append(e.Value).Append('|').Append(e.Value?.GetType().Name).Append('|').Append(e.Row).ToString();
}
