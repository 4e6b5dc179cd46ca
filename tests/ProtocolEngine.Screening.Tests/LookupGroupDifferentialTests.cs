using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Native;
using ProtocolEngine.Runtime.Tests.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// Column lookups over the same key column computed together, one pass over each subject's rows (the first screening of
/// a study): every lookup must give the answer its own search gives. Screened with and without batches and lookups
/// (code indexes on and off, one and two threads, a sparse selection first), the same screening JSON byte for byte.
/// </summary>
public class LookupGroupDifferentialTests
{
    private const string Protocol = """
        protocol Groups version "1"
          data SDTM "3.4"

        define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
        define function AnyLab(code String): First(LB L where L.LBTESTCD = code)
        define function LastLab(code String): Last(LB L where L.LBTESTCD = code)
        define function LaterLab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM >= 2)
        define function SortedLab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1 sort by LBSTRESN)

        criteria
          inclusion ALT1 "ALT at visit 1 under 100."
            Lab('ALT').LBSTRESN < 100
          inclusion ALTANY "The first ALT under 100."
            AnyLab('ALT').LBSTRESN < 100
          inclusion ALTLAST "The last ALT under 100."
            LastLab('ALT').LBSTRESN < 100
          inclusion ALTLATER "An ALT after visit 1 under 100."
            LaterLab('ALT').LBSTRESN < 100
          inclusion ALTSORTED "The only ALT at visit 1 under 100."
            SortedLab('ALT').LBSTRESN < 100
          inclusion HBA1C "HbA1c at visit 1 of 10 or less."
            Lab('HBA1C').LBSTRESN <= 10
          inclusion EGFR "eGFR at visit 1 of 30 or more."
            Lab('EGFR').LBSTRESN >= 30
          inclusion LOWER "A lower-case alt at visit 1."
            Lab('alt').LBSTRESN < 100
          inclusion SPACED "A spaced ALT at visit 1."
            Lab(' ALT').LBSTRESN < 100
          inclusion NEVER "A test no row holds."
            Lab('NEVER').LBSTRESN < 100
          inclusion BOTH "ALT and eGFR at visit 1."
            Lab('ALT').LBSTRESN < 100 and Lab('EGFR').LBSTRESN >= 30
        """;

    [Fact]
    public void HostileData_GivesTheSameReports()
    {
        var study = new TestStudy()
            .Table("DM", [.. Enumerable.Range(1, 10).Select(i => TestStudy.Row(("USUBJID", $"S{i}"), ("AGE", 60.0)))])
            .Table("LB",
                // S1: visit 1 then visit 2 of each test.
                Lab("S1", 1, "ALT", 30, 1), Lab("S1", 2, "HBA1C", 10, 1), Lab("S1", 3, "EGFR", 30, 1), Lab("S1", 4, "ALT", 300, 2), Lab("S1", 5, "EGFR", 20, 2),
                // S2: a missing test code before the visit-1 ALT (the loop must visit it: every lookup not yet decided falls back).
                Lab("S2", 1, null, 50, 1), Lab("S2", 2, "ALT", 30, 1), Lab("S2", 3, "EGFR", 40, 1),
                // S3: a missing test code after the visit-1 ALT and eGFR (First keeps them; Last and the sorted one fall back).
                Lab("S3", 1, "ALT", 30, 1), Lab("S3", 2, "EGFR", 40, 1), Lab("S3", 3, null, 50, 2), Lab("S3", 4, "ALT", 500, 2),
                // S4: duplicate visit-1 ALT rows (sorted: more than one record to sort), codes differing in case and spaces.
                Lab("S4", 1, "ALT", 30, 1), Lab("S4", 2, "ALT", 200, 1), Lab("S4", 3, "alt", 20, 1), Lab("S4", 4, " ALT", 20, 1), Lab("S4", 5, "ALT ", 20, 1),
                // S5: visit numbers missing, almost 1, huge, and values NaN, infinite, huge.
                Lab("S5", 1, "ALT", 30, double.NaN), Lab("S5", 2, "ALT", double.NaN, 1.0000000000000002), Lab("S5", 3, "EGFR", 1e300, 1e300),
                Lab("S5", 4, "EGFR", double.PositiveInfinity, 0.9999999999999999), Lab("S5", 5, "HBA1C", 10.000000000000002, 1), Lab("S5", 6, "EGFR", 29.999999999999996, 1),
                // S6: visit 2 only, out of visit order.
                Lab("S6", 1, "ALT", 90, 3), Lab("S6", 2, "ALT", 95, 2), Lab("S6", 3, "HBA1C", 12, 2),
                // S7 has no LB records; S8 only other tests; S9 the visit-1 row last; S10 eGFR exactly on the bound.
                Lab("S8", 1, "GLUC", 5, 1),
                Lab("S9", 1, "ALT", 150, 2), Lab("S9", 2, "HBA1C", 9, 2), Lab("S9", 3, "ALT", 40, 1), Lab("S9", 4, "HBA1C", 11, 1),
                Lab("S10", 1, "EGFR", 30, 1), Lab("S10", 2, "HBA1C", 10, 1), Lab("S10", 3, "ALT", 99.99999999999999, 1))
            .Build();
        AssertSameIndexedAndScanned(Protocol, "groups.protocol", study, "hostile", () => ColumnLookup.Answered);
    }

    /// <summary>More than 255 distinct test codes: codes two bytes wide, read without the one-byte fast path.</summary>
    [Fact]
    public void WideCodes_GiveTheSameReports()
    {
        var rows = new List<Dictionary<string, object?>>();
        for (int s = 1; s <= 40; s++)
        {
            int seq = 1;
            for (int t = 0; t < 8; t++) rows.Add(Lab($"S{s}", seq++, $"T{(s * 8 + t) % 300}", s + t, 1));
            if (s % 3 == 0) rows.Add(Lab($"S{s}", seq++, null, 1, 1));
            if (s % 4 != 1) rows.Add(Lab($"S{s}", seq++, "ALT", 60 + s, s % 5 == 0 ? 2 : 1));
            if (s % 2 == 0) rows.Add(Lab($"S{s}", seq++, "EGFR", 20 + s, 1));
            if (s % 7 == 0) rows.Add(Lab($"S{s}", seq++, "ALT", 10, 1));
        }
        var study = new TestStudy()
            .Table("DM", [.. Enumerable.Range(1, 41).Select(i => TestStudy.Row(("USUBJID", $"S{i}"), ("AGE", 60.0)))])
            .Table("LB", [.. rows])
            .Build();
        Assert.Null(((TextColumn)study.GetDomain("LB")!.GetColumn("LBTESTCD")!).CodeBytes);
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Protocol, "groups-wide.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        AssertSame(compiled, study, "wide codes");
    }

    private const string NumbersProtocol = """
        protocol WideNumbers version "1"
          data SDTM "3.4"

        define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
        define function Later(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM > 1.5)
        define function AnyLab(code String): First(LB L where L.LBTESTCD = code)

        criteria
          inclusion RANGE "A score 10 to 23."
            Lab('MMSE').LBSTRESN in Interval[10, 23]
          inclusion OPEN "A score above 10, below 23."
            Lab('MMSE').LBSTRESN in Interval(10, 23)
          inclusion WIDE "Within huge bounds."
            Lab('MMSE').LBSTRESN in Interval[0.5, 100000000000000000000000000.0]
          inclusion HACH "At most 4."
            Lab('HACH').LBSTRESN <= 4
          inclusion FLIPPED "30 at most the value."
            30 <= Lab('EGFR').LBSTRESN
          exclusion ALT "Above 3 times the upper limit."
            Lab('ALT').LBSTRESN > 3 * Lab('ALT').LBSTNRHI
          exclusion ALTRIGHT "The upper limit times 3, on the left."
            Lab('ALT').LBSTNRHI * 3 < Lab('ALT').LBSTRESN
          exclusion TWO "Two lookups."
            Lab('ALT').LBSTRESN >= Lab('EGFR').LBSTRESN
          exclusion LATER "After visit 1, above 10."
            Later('HACH').LBSTRESN > 10
          exclusion ANY "The first HACH row above 10, whatever its visit."
            AnyLab('HACH').LBSTRESN > 10
        """;

    /// <summary>
    /// Number columns two bytes wide (more than 255 distinct values: the readers' two-byte path, the groups' tables by
    /// code) holding missing, infinite, huge and near-bound values, visit numbers within a double of 1, bounds and
    /// products on the edge, under comparisons, intervals and ALT's shape.
    /// </summary>
    [Fact]
    public void WideNumberColumns_GiveTheSameReports()
    {
        double[] hostile =
        [
            double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -1e300, 1e27, 9.99e26, 1e26, 10, 23, 23.000000000000004,
            22.999999999999996, 9.999999999999998, 10.000000000000002, 30, 29.999999999999996, 30.000000000000004, 4, 4.000000000000001,
            3.9999999999999996, -0.0, 0, 1e15, 1e15 + 2, 123456789012345.67, 4e18, 3.4e18, 1e19, -4,
        ];
        double[] visits = [1, 1, 1, 1.0000000000000002, 0.9999999999999999, double.NaN, 2, 1e300];
        var rows = new List<Dictionary<string, object?>>();
        for (int s = 1; s <= 80; s++)
        {
            int seq = 1;
            // Fillers: distinct values and visit numbers, so both number columns need two bytes a code.
            for (int t = 0; t < 4; t++) rows.Add(Row($"S{s}", seq++, $"F{t}", s * 4 + t + 0.25, 500 + s * 4 + t + 0.5, 1000 + s * 4 + t));
            double Pick(int k) => hostile[(s * 7 + k * 5) % hostile.Length];
            double visit = visits[s % visits.Length];
            if (s % 9 != 0) rows.Add(Row($"S{s}", seq++, "MMSE", Pick(0), 0, visit));
            if (s % 11 != 0) rows.Add(Row($"S{s}", seq++, "HACH", Pick(1), 0, visits[(s + 3) % visits.Length]));
            if (s % 5 == 0) rows.Add(Row($"S{s}", seq++, null, 1, 1, 1));
            rows.Add(Row($"S{s}", seq++, "EGFR", Pick(2), 0, 1));
            // ALT against 3 times its limit: exactly, just above and below, and hostile limits.
            double limit = s % 4 == 0 ? Pick(3) : 30 + s % 3;
            double value = (s % 6) switch { 0 => 3 * limit, 1 => 3 * limit + 1e-12, 2 => 3 * limit - 1e-12, 3 => Pick(4), _ => 3 * limit + s };
            rows.Add(Row($"S{s}", seq++, "ALT", value, limit, s % 13 == 0 ? 2 : 1));
            rows.Add(Row($"S{s}", seq++, "HACH", Pick(5), 0, 2));
        }
        var study = new TestStudy { CodedNumbers = true }
            .Table("DM", [.. Enumerable.Range(1, 81).Select(i => TestStudy.Row(("USUBJID", $"S{i}"), ("AGE", 60.0)))])
            .Table("LB", [.. rows])
            .Build();
        var plain = new TestStudy()
            .Table("DM", [.. Enumerable.Range(1, 81).Select(i => TestStudy.Row(("USUBJID", $"S{i}"), ("AGE", 60.0)))])
            .Table("LB", [.. rows])
            .Build();
        var lb = study.GetDomain("LB")!;
        Assert.Null(((NumberColumn)lb.GetColumn("LBSTRESN")!).CodeBytes);
        Assert.Null(((NumberColumn)lb.GetColumn("VISITNUM")!).CodeBytes);
        Assert.NotNull(((NumberColumn)lb.GetColumn("LBSTRESN")!).CodeShorts);
        Assert.NotNull(((NumberColumn)lb.GetColumn("VISITNUM")!).CodeShorts);
        var compiled = AssertSameIndexedAndScanned(NumbersProtocol, "groups-numbers.protocol", study, "wide numbers", () => ColumnLookup.Answered);
        AssertSame(compiled, plain, "plain numbers", NumbersProtocol);

        static Dictionary<string, object?> Row(string subject, int seq, string? test, double value, double limit, double visit) =>
            TestStudy.Row(("USUBJID", subject), ("LBSEQ", (double)seq), ("LBTESTCD", test), ("LBSTRESN", value), ("LBSTNRHI", limit), ("VISITNUM", visit));
    }

    private const string NarrowProtocol = """
        protocol NarrowNumbers version "1"
          data SDTM "3.4"

        define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)

        criteria
          inclusion AGE "50 or over."
            DM.AGE >= 50
          inclusion AGEFLIPPED "Under 50, the literal first."
            50 > DM.AGE
          inclusion AGERANGE "50 to 60, 60 excluded."
            DM.AGE in Interval[50, 60)
          inclusion RANGE "A score 10 to 23."
            Lab('MMSE').LBSTRESN in Interval[10, 23]
          inclusion OPEN "A score above 10, below 23."
            Lab('MMSE').LBSTRESN in Interval(10, 23)
          inclusion HACH "At most 4."
            Lab('HACH').LBSTRESN <= 4
          inclusion EQUAL "Exactly 4."
            Lab('HACH').LBSTRESN = 4
          inclusion FLIPPED "30 at most the value."
            30 <= Lab('EGFR').LBSTRESN
          exclusion ALT "Above 3 times the upper limit."
            Lab('ALT').LBSTRESN > 3 * Lab('ALT').LBSTNRHI
        """;

    /// <summary>
    /// Number columns one byte wide (fewer than 256 distinct values), the comparisons' outcomes read by code: hostile and
    /// near-bound values and missing ones through a lookup's kept rows and through DM's record (ages), subjects without LB
    /// rows, with rows of other tests only, with the visit-1 row twice, and with a missing test code.
    /// </summary>
    [Fact]
    public void NarrowNumberColumns_GiveTheSameReports()
    {
        double[] hostile =
        [
            double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, 1e27, 10, 23, 23.000000000000004, 22.999999999999996,
            9.999999999999998, 10.000000000000002, 30, 29.999999999999996, 30.000000000000004, 4, 4.000000000000001, 3.9999999999999996,
            -0.0, 0, 1e15 + 2, 123456789012345.67, 4e18, -4,
        ];
        double[] ages = [double.NaN, 50, 49.99999999999999, 50.00000000000001, 60, 59.99999999999999, 1e300, -0.0, 49, 51, 70];
        var rows = new List<Dictionary<string, object?>>();
        for (int s = 1; s <= 70; s++)
        {
            if (s % 10 == 0) continue; // no LB rows
            int seq = 1;
            rows.Add(Row($"S{s}", seq++, "F0", s % 7, 0, 1));
            if (s % 10 == 1) continue; // rows of another test only
            double Pick(int k) => hostile[(s * 7 + k * 5) % hostile.Length];
            if (s % 9 != 0) rows.Add(Row($"S{s}", seq++, "MMSE", Pick(0), 0, s % 6 == 0 ? 2 : 1));
            rows.Add(Row($"S{s}", seq++, "HACH", Pick(1), 0, 1));
            if (s % 8 == 0) rows.Add(Row($"S{s}", seq++, "HACH", Pick(6), 0, 1));
            if (s % 13 == 0) rows.Add(Row($"S{s}", seq++, null, 1, 1, 1));
            rows.Add(Row($"S{s}", seq++, "EGFR", Pick(2), 0, 1));
            double limit = s % 4 == 0 ? Pick(3) : 30 + s % 3;
            rows.Add(Row($"S{s}", seq++, "ALT", s % 3 == 0 ? 3 * limit : Pick(4), limit, 1));
        }
        var dm = Enumerable.Range(1, 70).Select(i => TestStudy.Row(("USUBJID", $"S{i}"), ("AGE", ages[i % ages.Length]))).ToArray();
        var study = new TestStudy { CodedNumbers = true }.Table("DM", dm).Table("LB", [.. rows]).Build();
        Assert.NotNull(((NumberColumn)study.GetDomain("LB")!.GetColumn("LBSTRESN")!).CodeBytes);
        Assert.NotNull(((NumberColumn)study.GetDomain("DM")!.GetColumn("AGE")!).CodeBytes);
        AssertSameIndexedAndScanned(NarrowProtocol, "groups-narrow.protocol", study, "narrow numbers", () => BatchCriterion.Answered);

        static Dictionary<string, object?> Row(string subject, int seq, string? test, double value, double limit, double visit) =>
            TestStudy.Row(("USUBJID", subject), ("LBSEQ", (double)seq), ("LBTESTCD", test), ("LBSTRESN", value), ("LBSTNRHI", limit), ("VISITNUM", visit));
    }

    private const string FirstsProtocol = """
        protocol Firsts version "1"
          data SDTM "3.4"

        define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
        define function AnyLab(code String): First(LB L where L.LBTESTCD = code)

        criteria
          inclusion ALT "ALT at visit 1 under 100."
            Lab('ALT').LBSTRESN < 100
          inclusion ALTANY "The first ALT under 100."
            AnyLab('ALT').LBSTRESN < 100
          inclusion EGFR "eGFR at visit 1 of 30 or more."
            Lab('EGFR').LBSTRESN >= 30
          inclusion HBA1C "HbA1c at visit 1 of 10 or less."
            Lab('HBA1C').LBSTRESN <= 10
          inclusion NEVER "A test no row holds."
            Lab('NEVER').LBSTRESN < 100
          inclusion NEVERANY "A test no row holds, any visit."
            AnyLab('NEVER').LBSTRESN < 100
        """;

    /// <summary>
    /// Lookups that are all First, answered from each key's first rows in the code index (<see cref="SubjectCodeIndex.FirstRowsOf"/>):
    /// the key's first row at another visit with the visit-1 row later, with a missing code between them, or none later;
    /// a missing code before any key row, after them, and alone; subjects without rows, with other tests only, with a
    /// key twice at visit 1; a key no row holds; missing values and visits; a subject with more rows than a byte can
    /// number (the first rows kept as rows, not offsets).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FirstRowsOfTheKey_GiveTheSameReports(bool wideBlock)
    {
        var rows = new List<Dictionary<string, object?>>();
        for (int s = 1; s <= 60; s++)
        {
            string id = $"S{s}";
            int seq = 1;
            void Add(string? test, double value, double visit) => rows.Add(Lab(id, seq++, test, value, visit));
            switch (s % 12)
            {
                case 0: break; // no LB rows
                case 1: Add("GLUC", 5, 1); Add("CREAT", 80, 1); break; // other tests only
                case 2: Add("ALT", 150, 2); Add("ALT", 40, 1); Add("EGFR", 20, 3); Add("EGFR", 50, 1); break; // first rows at another visit
                case 3: Add("ALT", 150, 2); Add(null, 1, 1); Add("ALT", 40, 1); Add("HBA1C", 9, 1); break; // missing code between
                case 4: Add("ALT", 150, 2); Add("EGFR", 20, 2); Add("HBA1C", 12, 3); break; // no visit-1 row at all
                case 5: Add(null, 1, 1); Add("ALT", 40, 1); Add("EGFR", 50, 1); break; // missing code first
                case 6: Add("ALT", 40, 1); Add("EGFR", 50, 1); Add("HBA1C", 8, 1); Add(null, 1, 1); Add("ALT", 500, 2); break; // missing after
                case 7: Add(null, 1, 1); break; // a missing code alone
                case 8: Add("ALT", 40, 1); Add("ALT", 400, 1); Add("HBA1C", 8, 1); Add("HBA1C", 11, 1); break; // twice at visit 1
                case 9: Add("ALT", double.NaN, 1); Add("EGFR", 50, double.NaN); Add("EGFR", 25, 1); Add("HBA1C", double.NaN, double.NaN); break; // missing values and visits
                case 10: Add("GLUC", 5, 1); Add("HBA1C", 9, 2); Add("GLUC", 6, 2); Add(null, 1, 2); Add("HBA1C", 7, 1); break; // key at another visit, then missing
                default: Add("EGFR", 31, 1); Add("HBA1C", 10, 1); Add("ALT", 99, 1); break;
            }
            if (wideBlock && s == 11)
            {
                // More rows than a byte can number: the key's first row past 254.
                for (int k = 0; k < 300; k++) Add("GLUC", k, 2);
                Add("ALT", 20, 2);
                Add("ALT", 30, 1);
            }
        }
        var study = new TestStudy { CodedNumbers = true }
            .Table("DM", [.. Enumerable.Range(1, 60).Select(i => TestStudy.Row(("USUBJID", $"S{i}"), ("AGE", 60.0)))])
            .Table("LB", [.. rows])
            .Build();
        Assert.NotNull(((TextColumn)study.GetDomain("LB")!.GetColumn("LBTESTCD")!).CodeBytes);
        AssertSameIndexedAndScanned(FirstsProtocol, "groups-firsts.protocol", study, "first rows", () => ColumnLookup.Answered);
    }

    [Fact]
    public void ADomainTheStudyLacks_GivesTheSameReports()
    {
        var study = new TestStudy().Table("DM", TestStudy.Row(("USUBJID", "S1"), ("AGE", 60.0)), TestStudy.Row(("USUBJID", "S2"), ("AGE", 40.0))).Build();
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Protocol, "groups-nolb.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        AssertSame(compiled, study, "no LB");
    }

    private static Dictionary<string, object?> Lab(string subject, int seq, string? test, double value, double visit) =>
        TestStudy.Row(("USUBJID", subject), ("LBSEQ", (double)seq), ("LBTESTCD", test), ("LBSTRESN", value), ("VISITNUM", visit));

    /// <summary>
    /// Against the per-subject path: each screening by a new compilation (so a first screening, answers computed by the
    /// groups), a sparse selection first then everyone on two threads, evidence off; and evidence on.
    /// </summary>
    /// <summary>
    /// Compiles <paramref name="text"/> and asserts the same reports as the reference paths with the code indexes and
    /// without them (rows scanned), and that the fast path <paramref name="answered"/> counts took part at all.
    /// </summary>
    private static CompiledProtocol AssertSameIndexedAndScanned(string text, string file, StudyData study, string what, Func<long> answered)
    {
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, file));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        long before = answered();
        AssertSame(compiled, study, what, text);
        AssertSame(compiled, study.WithoutCodeIndexes(), what + ", scanned", text);
        Assert.True(answered() > before, $"{what}: the fast path answered nothing");
        return compiled;
    }

    private static void AssertSame(CompiledProtocol protocol, StudyData study, string what, string text = Protocol)
    {
        var asOf = CqlDateTime.ParseIso("2025-06-01");
        var options = new ScreeningOptions { AsOf = asOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 };
        string expected = SameReport.Json(Screener.Screen(protocol, study.WithoutBatchCriteria().WithoutColumnLookups(), options));
        var sparse = options with { Subjects = [.. study.SubjectIds.Where((_, i) => i % 3 == 1)] };
        SameReport.Assert(SameReport.Json(Screener.Screen(protocol, study.WithoutBatchCriteria().WithoutColumnLookups(), sparse)), SameReport.Json(Screener.Screen(protocol, study, sparse)), what + ", every 3rd", "per subject", "groups");
        SameReport.Assert(expected, SameReport.Json(Screener.Screen(protocol, study, options with { MaxDegreeOfParallelism = 2 })), what, "per subject", "groups");
        SameReport.Assert(expected, SameReport.Json(Screener.Screen(protocol, study.WithoutBatchCriteria(), options)), what + ", lookups without batches", "per subject", "lookups");
        var fresh = ProtocolCompiler.Standalone.Compile(new SourceText(text, $"fresh-{Guid.NewGuid():N}.protocol"));
        SameReport.Assert(expected, SameReport.Json(Screener.Screen(fresh, study.WithoutBatchCriteria(), options)), what + ", lookups without batches, first screening", "per subject", "lookups");
        var on = options with { RecordEvidence = true };
        SameReport.Assert(SameReport.Json(Screener.Screen(protocol, study.WithoutBatchCriteria().WithoutColumnLookups(), on)), SameReport.Json(Screener.Screen(protocol, study, on)), what + ", evidence on", "per subject", "groups");
    }
}
