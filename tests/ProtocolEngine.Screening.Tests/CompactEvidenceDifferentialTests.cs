using System.Text;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Native;
using ProtocolEngine.Runtime.Tests.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// Screening keeps evidence as compact references (a read site, a row, a number) and materialises the items when a
/// subject's account is asked for, instead of building an object at each read. These tests screen every shipped protocol
/// both ways (<see cref="StudyData.WithObjectEvidence"/> is the path before) and require the same screening JSON byte for
/// byte (outcomes, causes, reasons, evidence in its order, gap lists) and the same items, field by field and with the
/// values' types.
/// </summary>
public class CompactEvidenceDifferentialTests
{
    public static TheoryData<string, string> Cases() => Paths.ShippedProtocolsOverRealData();

    [Theory]
    [MemberData(nameof(Cases))]
    public void RealData_ScreenedWithCompactAndObjectEvidence_GiveTheSameReport(string protocol, string data)
    {
        var study = Paths.RealStudy(data);
        var compiled = Paths.Compile(protocol);
        AssertSame(compiled, study, Paths.RealDataAsOf, protocol);
        AssertSame(compiled, study.WithoutCodeIndexes(), Paths.RealDataAsOf, protocol + " (scanning)");
    }

    [Fact]
    public void Synthetic_EveryShippedProtocol_ScreenedWithCompactAndObjectEvidence_GivesTheSameReport()
    {
        var study = Paths.SyntheticStudy(3_000, seed: 17);
        foreach (var protocol in Paths.ShippedProtocols)
        {
            var compiled = Paths.Compile(protocol);
            AssertSame(compiled, study, CqlDateTime.ParseIso("2025-06-01"), protocol);
            AssertSame(compiled, study.WithoutCodeIndexes(), CqlDateTime.ParseIso("2025-06-01"), protocol + " (scanning)", threads: 1);
            // A capacity of three items drops most of a search's records: the same ones must be dropped.
            AssertSame(compiled, study, CqlDateTime.ParseIso("2025-06-01"), protocol + " (capacity 3)", capacity: 3);
        }
    }

    [Fact]
    public void PurposeBuiltReads_NumbersAsText_MissingVariablesAndDomains_DefinitionsReplayed_MaterialiseAsRead()
    {
        // LBSTRESN held as text (a CSV's number) is read as a Decimal from text; LBORRES (text) read as a String; VISITNUM a
        // whole number; LBDTC a DateTime, once unparseable; a variable the study lacks (LBFAST) and a domain it lacks (QS);
        // Lab(...) is a memoised definition whose evidence later criteria replay; S3 has no LB records.
        var study = new TestStudy()
            .Table("DM",
                TestStudy.Row(("USUBJID", "S1"), ("AGE", 60m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S2"), ("AGE", 61m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S3"), ("AGE", null), ("RFICDTC", "2024-01-01")))
            .Table("LB",
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", "50.50"), ("LBORRES", "50.5"), ("VISITNUM", 1m), ("LBDY", 3m), ("LBDTC", "2023-12-01T10:00")),
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 2m), ("LBTESTCD", "ALT"), ("LBSTRESN", "x"), ("LBORRES", null), ("VISITNUM", 1.5m), ("LBDY", 2.5m), ("LBDTC", "not a date")),
                TestStudy.Row(("USUBJID", "S2"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", "20"), ("LBORRES", "20"), ("VISITNUM", 1m), ("LBDTC", "2023-11")),
                TestStudy.Row(("USUBJID", "S2"), ("LBSEQ", 2m), ("LBTESTCD", "AST"), ("LBSTRESN", "21"), ("LBORRES", "21"), ("VISITNUM", 2m), ("LBDTC", null)))
            .Build();
        const string text = """
            protocol Reads version "1"
              data SDTM "3.4"

            define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)

            criteria
              exclusion ALT "ALT above 40."
                Lab('ALT').LBSTRESN > 40
              exclusion ALTTEXT "ALT recorded as 50.5."
                Lab('ALT').LBORRES = '50.5' and Lab('ALT').LBSTRESN > 40
              exclusion LATE "A lab after screening."
                exists (LB L where L.LBDTC after DM.RFICDTC or L.VISITNUM > 1)
              exclusion DAY "A lab after day 2."
                exists (LB L where L.LBDY > 2)
              exclusion FAST "A fasting lab."
                exists (LB L where L.LBFAST = 'Y')
              exclusion SCORE "A questionnaire score."
                exists (QS Q where Q.QSSTRESN > 1)
              inclusion AGE "Age 18 or over."
                DM.AGE >= 18
            """;
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, "reads.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var result = AssertSame(compiled, study, CqlDateTime.ParseIso("2024-02-01"), "reads", threads: 1);
        // The items themselves, so that agreeing on wrong evidence would fail too.
        var alt = result.Subject(0).Criteria[0].Evidence;
        Assert.Contains(alt, e => e.Variable == "LBSTRESN" && e.Value is decimal d && d == 50.5m && e.Sequence == 1 && e.SubjectId == "S1");
        var textAlt = result.Subject(0).Criteria[1].Evidence;
        Assert.Contains(textAlt, e => e.Variable == "LBORRES" && Equals(e.Value, "50.5"));
        Assert.Contains(result.Subject(0).Criteria[5].Evidence, e => e.Kind == EvidenceKind.DomainMissing && e.Domain == "QS");
        Assert.Contains(result.Subject(2).Criteria[0].Evidence, e => e.Kind == EvidenceKind.Searched && e.Domain == "LB" && Equals(e.Value, 0));
        Assert.Contains(result.Subject(2).Criteria[6].Evidence, e => e.Variable == "AGE" && e.Value is null);
    }

    [Fact]
    public void Recorder_PublicCalls_GiveTheItemsOfTheRecorderOfObjects()
    {
        // The recorder's own API (as data checks use it): given values, searches, a missing domain, rows discarded and
        // kept, a read repeated, items dropped past the capacity, Since and Replay.
        var table = ThreeAdverseEvents();
        static List<string> Run(EvidenceRecorder r, DomainTable t)
        {
            r.Searched("AE", 3);
            r.BeginRow();
            r.Read(t, 0, "AETERM", "HEADACHE");
            r.DiscardRow();
            r.BeginRow();
            r.Read(t, 1, "AETERM", "NAUSEA");
            r.Read(t, 1, "AETERM", "NAUSEA");
            r.CommitRow();
            int mark = r.Mark();
            r.Read(t, 2, "AESEQ", 3m);
            r.MissingDomain("QS");
            r.Read(t, 0, "AETERM", "HEADACHE");
            r.Read(t, 2, "AETERM", "RASH");
            var since = r.Since(mark);
            r.Reset();
            r.Read(t, 2, "AESEQ", 3m);
            r.Replay(since);
            return [.. since.Select(Describe), "--", .. r.Items.Select(Describe), $"dropped {r.Dropped}"];
        }
        foreach (int capacity in new[] { 200, 3 })
            Assert.Equal(Run(new EvidenceRecorder(new EvidenceSites(), legacy: true) { Capacity = capacity }, table), Run(new EvidenceRecorder { Capacity = capacity }, table));
    }

    [Fact]
    public void Recorder_ManyFacts_FewFacts_DroppedFacts_AndRecordersSharingSites_GiveTheItemsOfTheRecorderOfObjects()
    {
        // The one-item-per-fact rule both ways the compact recorder holds facts: by a scan of its entries while it holds
        // few and has dropped none, and in a set past that (40 facts, more than the scan's 32; or the first item dropped past
        // the capacity, whose fact stays held without an entry). Repeats, rows discarded and read again, dropped facts read
        // again; two recorders sharing what they learn about the sites (a worker's batch recorders), their calls interleaved.
        var table = ThreeAdverseEvents();
        static void Calls(EvidenceRecorder r, DomainTable t, int step)
        {
            switch (step)
            {
                case 0: r.Searched("AE", 3); break;
                case < 41: r.Read(t, (step - 1) % 3, $"V{(step - 1) % 20}", step); break;
                case 41: r.Read(t, 0, "V0", 0); break;
                case 42: r.BeginRow(); r.Read(t, 1, "W", 1); r.Read(t, 2, "V5", 5); r.DiscardRow(); break;
                case 43: r.Read(t, 1, "W", 1); r.Read(t, 2, "V5", 5); r.Searched("AE", 3); break;
                case 44: r.Reset(); break;
                case 45: r.BeginRow(); r.Read(t, 0, "A", 1); r.DiscardRow(); r.Read(t, 0, "A", 1); r.Read(t, 0, "A", 1); break;
                case 46: r.Read(t, 1, "A", 1); r.Read(t, 0, "B", 2); r.Read(t, 0, "C", 3); r.Read(t, 0, "D", 4); break;
                case 47: r.Read(t, 0, "D", 4); r.Read(t, 0, "C", 3); r.MissingDomain("QS"); r.MissingDomain("QS"); r.Searched("AE", 3); break;
                case 48: r.BeginRow(); r.Read(t, 2, "E", 5); r.DiscardRow(); r.Read(t, 2, "E", 5); r.Read(t, 0, "A", 1); break;
            }
        }
        static string Describe2(EvidenceRecorder r) => string.Join("\n", r.Items.Select(Describe).Append($"dropped {r.Dropped}"));
        foreach (int capacity in new[] { 200, 36, 3, 5 })
        {
            var legacy = new EvidenceRecorder(new EvidenceSites(), legacy: true) { Capacity = capacity };
            var sites = new EvidenceSites();
            var a = new EvidenceRecorder(sites, legacy: false) { Capacity = capacity };
            var b = new EvidenceRecorder(sites, legacy: false, sharing: a) { Capacity = capacity };
            for (int step = 0; step <= 48; step++)
            {
                Calls(legacy, table, step);
                Calls(a, table, step);
                Calls(b, table, step);
                string expected = Describe2(legacy);
                Assert.Equal(expected, Describe2(a));
                Assert.Equal(expected, Describe2(b));
            }
        }
    }

    [Fact]
    public void LookupEvidence_RecordedForABatchAtOnce_IsTheCompiledQuerysEvidence_OnHostileRowsOverSeveralBatches()
    {
        // A batch criterion records each subject's column-lookup evidence for the whole batch in one pass
        // (ColumnLookup.RecordBatch): it must be the compiled query's, entry for entry and in order. 700 subjects (three
        // batches, the patterns falling differently on each side of a batch's end), by subject number modulo 12: no LB
        // rows; one ALT at visit 1; ALT at visits 2, null and 1 (a failing row's reads dropped, an undecided row's kept);
        // two ALT rows at visit 1 (First takes the first, the sorted query falls back, Last the second); an ALT at visit 1
        // with its result missing; only AST; a row without LBTESTCD before an ALT (the query scans, the lookup leaves
        // it); thirty ALT rows of unknown visit (past small capacities); ALT and AST at visit 1 with other tests between;
        // the subject's only ALT at visit 3; an ALT at visit 1 before a row without LBTESTCD (the index cannot search this
        // subject: the query's loop records it); an ALT of unknown visit before one at
        // visit 1 (the first key row, undecided, is kept before the answer). Criteria read one lookup twice, two lookups, the
        // key second, and the same row's key and visit before the lookup does (the one-item-per-fact rule must hold them
        // once). Each criterion has memoised calls of its own (a call two criteria share leaves both to the compiled rules
        // with evidence on).
        var dm = new List<Dictionary<string, object?>>();
        var lb = new List<Dictionary<string, object?>>();
        for (int s = 0; s < 700; s++)
        {
            string id = $"S{s:D4}";
            dm.Add(TestStudy.Row(("USUBJID", id), ("AGE", 50m + s % 30)));
            int seq = 0;
            void Lab(string? code, decimal? result, decimal? visit) =>
                lb.Add(TestStudy.Row(("USUBJID", id), ("LBSEQ", (decimal)++seq), ("LBTESTCD", code), ("LBSTRESN", result), ("LBSTNRHI", 40m), ("VISITNUM", visit), ("LBDTC", $"2023-12-{1 + seq % 28:D2}")));
            switch (s % 12)
            {
                case 1: Lab("ALT", 20m + s % 50, 1m); break;
                case 2: Lab("ALT", 30m, 2m); Lab("ALT", 35m, null); Lab("ALT", 45m + s % 3, 1m); break;
                case 3: Lab("ALT", 50m, 1m); Lab("ALT", 38m, 1m); break;
                case 4: Lab("ALT", null, 1m); break;
                case 5: Lab("AST", 70m, 1m); break;
                case 6: Lab(null, 51m, 1m); Lab("ALT", 50m, 1m); break;
                case 7: for (int k = 0; k < 30; k++) Lab("ALT", 30m + k, null); break;
                case 8: Lab("ALT", 41m, 1m); Lab("GLUC", 5m, 1m); Lab("AST", 39m, 1m); Lab("ALT", 60m, 2m); break;
                case 9: Lab("ALT", 99m, 3m); break;
                case 10: Lab("ALT", 52m, 1m); Lab(null, 53m, 1m); break;
                case 11: Lab("ALT", 33m, null); Lab("ALT", 47m, 1m); break;
            }
        }
        var study = new TestStudy().Table("DM", [.. dm]).Table("LB", [.. lb]).Build();
        const string text = """
            protocol LookupBatchEvidence version "1"
              data SDTM "3.4"

            define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
            define function BothLab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
            define function RowLab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
            define function SortedLab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1 sort by LBDTC)
            define function LastLab(code String): Last(LB L where L.VISITNUM = 1 and L.LBTESTCD = code)
            define function AnyVisit(code String): First(LB L where L.LBTESTCD = code)

            criteria
              exclusion ALT "ALT above its limit (one lookup read twice)."
                Lab('ALT').LBSTRESN > Lab('ALT').LBSTNRHI
              exclusion BOTH "AST or ALT above its limit."
                BothLab('AST').LBSTRESN > BothLab('AST').LBSTNRHI or BothLab('ALT').LBSTRESN > BothLab('ALT').LBSTNRHI
              exclusion SORTED "Earliest ALT at visit 1 above 40."
                SortedLab('ALT').LBSTRESN > 40
              exclusion LAST "Last ALT or AST at visit 1 above 40, the visit read before the key."
                LastLab('ALT').LBSTRESN > 40 or LastLab('AST').LBSTRESN > 40
              exclusion SAMEROW "The first ALT's key and visit read before the lookup reads them."
                AnyVisit('ALT').LBTESTCD = 'ALT' and AnyVisit('ALT').VISITNUM = 1 and RowLab('ALT').LBSTRESN > 40
            """;
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, "lookup-batch-evidence.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        long answered = ColumnLookup.AnsweredWithEvidence, batched = BatchCriterion.Answered;
        foreach (var (data, scan) in new[] { (study, ""), (study.WithoutCodeIndexes(), " (scanning)") })
            foreach (int capacity in new[] { 100, 3, 1 })
                foreach (int threads in new[] { 1, 2 })
                {
                    string what = $"capacity {capacity}, {threads} thread(s){scan}";
                    var options = new ScreeningOptions { AsOf = CqlDateTime.ParseIso("2024-02-01"), RecordEvidence = true, MaxDegreeOfParallelism = threads, EvidenceCapacity = capacity };
                    var batch = Screener.Screen(compiled, data, options);
                    // The query's own loop, subject by subject (no batches, no lookups), and the batches with the recorder of objects.
                    var loop = Screener.Screen(compiled, data.WithoutBatchCriteria().WithoutColumnLookups(), options);
                    var objects = Screener.Screen(compiled, data.WithObjectEvidence(), options);
                    SameReport.Assert(SameReport.Json(loop), SameReport.Json(batch), what, "query loop", "batch");
                    SameReport.Assert(SameReport.Json(loop), SameReport.Json(objects), what, "query loop", "batch, objects");
                    AssertSameEvidence(loop, batch, what, "query loop", "batch");
                }
        Assert.True(ColumnLookup.AnsweredWithEvidence - answered > 700, "the lookups recorded evidence for the batches");
        Assert.True(BatchCriterion.Answered - batched > 700, "the batch criteria answered");
    }

    private static ScreeningResult AssertSame(CompiledProtocol protocol, StudyData study, CqlDateTime asOf, string what, int threads = 2, int capacity = 100)
    {
        var options = new ScreeningOptions { AsOf = asOf, RecordEvidence = true, MaxDegreeOfParallelism = threads, EvidenceCapacity = capacity };
        var compact = Screener.Screen(protocol, study, options);
        var objects = Screener.Screen(protocol, study.WithObjectEvidence(), options);
        SameReport.Assert(SameReport.Json(objects), SameReport.Json(compact), what, "objects", "compact");
        AssertSameEvidence(objects, compact, what, "objects", "compact");
        return compact;
    }

    /// <summary>Every criterion's evidence items, described with their types, the same in both screenings (the JSON alone prints a Decimal and a Double alike).</summary>
    private static void AssertSameEvidence(ScreeningResult expected, ScreeningResult actual, string what, string expectedName, string actualName)
    {
        for (int i = 0; i < actual.SubjectCount; i++)
        {
            var a = expected.Subject(i).Criteria;
            var b = actual.Subject(i).Criteria;
            for (int j = 0; j < a.Count; j++)
            {
                string x = string.Join("\n", a[j].Evidence.Select(Describe)), y = string.Join("\n", b[j].Evidence.Select(Describe));
                if (x != y) Assert.Fail($"{what}, {actual.SubjectId(i)} {a[j].Id}:\n{expectedName}:\n{x}\n{actualName}:\n{y}");
            }
        }
    }

    /// <summary>One subject's three adverse events: the table the recorder tests read.</summary>
    private static DomainTable ThreeAdverseEvents() => new TestStudy()
        .Table("DM", TestStudy.Row(("USUBJID", "S1"), ("AGE", 60m)))
        .Table("AE",
            TestStudy.Row(("USUBJID", "S1"), ("AESEQ", 1m), ("AETERM", "HEADACHE")),
            TestStudy.Row(("USUBJID", "S1"), ("AESEQ", 2m), ("AETERM", "NAUSEA")),
            TestStudy.Row(("USUBJID", "S1"), ("AESEQ", 3m), ("AETERM", "RASH")))
        .Build().GetDomain("AE")!;

    private static string Describe(EvidenceItem e) =>
        new StringBuilder().Append(e.Kind).Append('|').Append(e.Domain).Append('|').Append(e.SubjectId).Append('|').Append(e.Sequence)
            .Append('|').Append(e.Variable).Append('|').Append(e.Value).Append('|').Append(e.Value?.GetType().Name).Append('|').Append(e.Row).ToString();
}
