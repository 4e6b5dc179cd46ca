using System.Text;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Native;
using ProtocolEngine.Runtime.Tests.Evaluation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// Without evidence, <c>First</c>/<c>Last</c> of a query on a constant coded test (<c>Lab('ALT')</c>) is answered for a
/// batch of subjects at once by a column lookup instead of the query's loop per subject. These tests screen every
/// shipped protocol both ways, evidence off and on, and require the same screening JSON byte for byte (outcomes,
/// causes, reasons, evidence in its order, gap lists), and check on purpose-built data the cases where the lookup
/// must leave the subject to the loop.
/// </summary>
public class ColumnLookupDifferentialTests
{
    public static TheoryData<string, string> Cases() => Paths.ShippedProtocolsOverRealData();

    [Theory]
    [MemberData(nameof(Cases))]
    public void RealData_ScreenedWithAndWithoutColumnLookups_GiveTheSameReport(string protocol, string data)
    {
        var study = Paths.RealStudy(data);
        AssertSameReports(Paths.Compile(protocol), study, Paths.RealDataAsOf, protocol);
    }

    [Fact]
    public void Synthetic_EveryShippedProtocol_ScreenedWithAndWithoutColumnLookups_GivesTheSameReport()
    {
        var study = Paths.SyntheticStudy(3_000, seed: 17);
        long before = ColumnLookup.Answered;
        foreach (var protocol in Paths.ShippedProtocols)
        {
            var compiled = Paths.Compile(protocol);
            AssertSameReports(compiled, study, CqlDateTime.ParseIso("2025-06-01"), protocol);
            AssertSameReports(compiled, study.WithoutCodeIndexes(), CqlDateTime.ParseIso("2025-06-01"), protocol + " (scanning)");
            // A sparse selection: batches shrink to what is read, and the answers stay the loop's.
            AssertSameReports(compiled, study, CqlDateTime.ParseIso("2025-06-01"), protocol + " (every 97th subject)", [.. study.SubjectIds.Where((_, i) => i % 97 == 5)]);
        }
        // The lookups answered for subjects, not only fell back: the pilot's screening labs and questionnaires.
        Assert.True(ColumnLookup.Answered - before >= 3_000, $"the column lookups answered for {ColumnLookup.Answered - before} subjects");
    }

    [Fact]
    public void Lookups_LeaveToTheLoop_WhatOnlyTheLoopDecidesAlike()
    {
        // S1: a row without LBTESTCD (the loop scans it and runs the rest of the filter on it); S2: two ALT records at
        // visit 1 (the sorted First must sort them; the unsorted First takes the first in row order); S3: one ALT at
        // visit 1 and one at visit 2; S4: no LB records (Unknown, a gap); S5: ALT without a visit number (the filter is
        // null on it: not taken, no record); S6: no ALT at all.
        var study = new TestStudy()
            .Table("DM",
                TestStudy.Row(("USUBJID", "S1"), ("AGE", 60m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S2"), ("AGE", 61m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S3"), ("AGE", 62m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S4"), ("AGE", 63m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S5"), ("AGE", 64m), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S6"), ("AGE", 65m), ("RFICDTC", "2024-01-01")))
            .Table("LB",
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 1m), ("LBTESTCD", null), ("LBSTRESN", 51m), ("VISITNUM", 1m), ("LBDTC", "2023-12-01")),
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 2m), ("LBTESTCD", "ALT"), ("LBSTRESN", 50m), ("VISITNUM", 1m), ("LBDTC", "2023-12-02")),
                TestStudy.Row(("USUBJID", "S2"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 20m), ("VISITNUM", 1m), ("LBDTC", "2023-12-05")),
                TestStudy.Row(("USUBJID", "S2"), ("LBSEQ", 2m), ("LBTESTCD", "ALT"), ("LBSTRESN", 45m), ("VISITNUM", 1m), ("LBDTC", "2023-12-01")),
                TestStudy.Row(("USUBJID", "S3"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 30m), ("VISITNUM", 2m), ("LBDTC", "2023-12-01")),
                TestStudy.Row(("USUBJID", "S3"), ("LBSEQ", 2m), ("LBTESTCD", "ALT"), ("LBSTRESN", 41m), ("VISITNUM", 1m), ("LBDTC", "2023-12-03")),
                TestStudy.Row(("USUBJID", "S5"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 99m), ("VISITNUM", null), ("LBDTC", "2023-12-03")),
                TestStudy.Row(("USUBJID", "S6"), ("LBSEQ", 1m), ("LBTESTCD", "HBA1C"), ("LBSTRESN", 7m), ("VISITNUM", 1m), ("LBDTC", "2023-12-03")))
            .Build();
        const string text = """
            protocol Lookups version "1"
              data SDTM "3.4"

            define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
            define function SortedLab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1 sort by LBDTC)
            define function LastLab(code String): Last(LB L where L.VISITNUM = 1 and L.LBTESTCD = code)
            define function Missing(code String): First(LB L where L.LBTESTCD = code and L.LBCAT = 'X')

            criteria
              exclusion ALT "ALT above 40."
                Lab('ALT').LBSTRESN > 40
              exclusion SORTED "Earliest ALT above 40."
                SortedLab('ALT').LBSTRESN > 40
              exclusion LAST "Last ALT above 40."
                LastLab('ALT').LBSTRESN > 40
              exclusion LITERAL "ALT of any visit above 40, written out."
                First(LB L where L.LBTESTCD = 'ALT').LBSTRESN > 40
              exclusion MISSING "A variable the study lacks."
                Missing('ALT') is not null
            """;
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, "lookups.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        foreach (var data in new[] { study, study.WithoutCodeIndexes() })
        {
            var off = AssertSameReports(compiled, data, CqlDateTime.ParseIso("2024-02-01"), "lookups");
            Assert.Equal(CriterionOutcome.Met, off.Outcome(0, 0));      // S1: ALT 50 at visit 1
            Assert.Equal(CriterionOutcome.NotMet, off.Outcome(1, 0));   // S2: the first ALT in row order is 20
            Assert.Equal(CriterionOutcome.Met, off.Outcome(1, 1));      // S2: the earliest ALT is 45
            Assert.Equal(CriterionOutcome.Met, off.Outcome(1, 2));      // S2: the last ALT is 45
            Assert.Equal(CriterionOutcome.Met, off.Outcome(2, 0));      // S3: ALT 41 at visit 1 (30 at visit 2)
            Assert.Equal(CriterionOutcome.Met, off.Outcome(2, 1));
            Assert.Equal(CriterionOutcome.NotMet, off.Outcome(2, 3));   // S3: the first ALT of any visit is 30
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(3, 0));  // S4: no LB records
            Assert.Equal(OutcomeCause.NoSubjectRecords, off.Cause(3, 0));
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(4, 0));  // S5: no ALT at visit 1 that is known to be at visit 1
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(5, 0));  // S6: no ALT
            Assert.Equal(CriterionOutcome.NotMet, off.Outcome(2, 4));   // LBCAT is missing: never equal, no record
        }
    }

    [Fact]
    public void Lookups_WithEvidence_RecordWhatTheQueryRecords_OnHostileData()
    {
        // With evidence on the lookups answer too and record the query's reads themselves: the same items in the same
        // order, the same drops past a capacity of 3, the same items a definition keeps and replays in a later
        // criterion, whichever conjunct is first. S1: duplicate ALT rows at visit 1 (First takes the first; the sorted
        // lookup falls back; Last takes the second); S2: ALT at visits 2, null and 1 (a failing row's reads dropped, an
        // undecided row's kept); S3: a row without LBTESTCD (the loop's); S4: no LB records; S5: only other tests;
        // S6: an LB row with a null visit and no ALT.
        var study = new TestStudy()
            .Table("DM",
                TestStudy.Row(("USUBJID", "S1"), ("AGE", 60m)),
                TestStudy.Row(("USUBJID", "S2"), ("AGE", 61m)),
                TestStudy.Row(("USUBJID", "S3"), ("AGE", 62m)),
                TestStudy.Row(("USUBJID", "S4"), ("AGE", 63m)),
                TestStudy.Row(("USUBJID", "S5"), ("AGE", 64m)),
                TestStudy.Row(("USUBJID", "S6"), ("AGE", 65m)))
            .Table("LB",
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 50m), ("LBSTNRHI", 40m), ("VISITNUM", 1m), ("LBDTC", "2023-12-01")),
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 50m), ("LBSTNRHI", 40m), ("VISITNUM", 1m), ("LBDTC", "2023-12-01")),
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 2m), ("LBTESTCD", "AST"), ("LBSTRESN", 30m), ("LBSTNRHI", 40m), ("VISITNUM", 1m), ("LBDTC", "2023-12-01")),
                TestStudy.Row(("USUBJID", "S2"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 30m), ("LBSTNRHI", 40m), ("VISITNUM", 2m), ("LBDTC", "2023-12-01")),
                TestStudy.Row(("USUBJID", "S2"), ("LBSEQ", 2m), ("LBTESTCD", "ALT"), ("LBSTRESN", 35m), ("LBSTNRHI", null), ("VISITNUM", null), ("LBDTC", "2023-12-02")),
                TestStudy.Row(("USUBJID", "S2"), ("LBSEQ", 3m), ("LBTESTCD", "ALT"), ("LBSTRESN", 45m), ("LBSTNRHI", 40m), ("VISITNUM", 1m), ("LBDTC", null)),
                TestStudy.Row(("USUBJID", "S2"), ("LBSEQ", 4m), ("LBTESTCD", "AST"), ("LBSTRESN", 45m), ("LBSTNRHI", 40m), ("VISITNUM", 1m), ("LBDTC", null)),
                TestStudy.Row(("USUBJID", "S3"), ("LBSEQ", 1m), ("LBTESTCD", null), ("LBSTRESN", 51m), ("LBSTNRHI", 40m), ("VISITNUM", 1m), ("LBDTC", "2023-12-01")),
                TestStudy.Row(("USUBJID", "S3"), ("LBSEQ", 2m), ("LBTESTCD", "ALT"), ("LBSTRESN", 50m), ("LBSTNRHI", 40m), ("VISITNUM", 1m), ("LBDTC", "2023-12-02")),
                TestStudy.Row(("USUBJID", "S5"), ("LBSEQ", 1m), ("LBTESTCD", "AST"), ("LBSTRESN", 7m), ("LBSTNRHI", 40m), ("VISITNUM", 1m), ("LBDTC", "2023-12-03")),
                TestStudy.Row(("USUBJID", "S6"), ("LBSEQ", 1m), ("LBTESTCD", "AST"), ("LBSTRESN", 7m), ("LBSTNRHI", 40m), ("VISITNUM", null), ("LBDTC", "2023-12-03")))
            .Build();
        const string text = """
            protocol LookupEvidence version "1"
              data SDTM "3.4"

            define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
            define function SortedLab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1 sort by LBDTC)
            define function LastLab(code String): Last(LB L where L.VISITNUM = 1 and L.LBTESTCD = code)
            define function AnyVisit(code String): First(LB L where L.LBTESTCD = code)
            define function Above(code String): Lab(code).LBSTRESN > Lab(code).LBSTNRHI

            criteria
              exclusion ALT "ALT above its limit."
                Above('ALT')
              exclusion BOTH "ALT or AST above its limit (ALT's evidence replayed from the definition kept above)."
                Above('AST') or Above('ALT')
              exclusion SORTED "Earliest ALT above 40."
                SortedLab('ALT').LBSTRESN > 40
              exclusion LAST "Last ALT above 40, the visit read first."
                LastLab('ALT').LBSTRESN > 40 or LastLab('AST').LBSTRESN > 40
              exclusion ANY "ALT of any visit above 40."
                AnyVisit('ALT').LBSTRESN > 40 and Lab('AST').LBSTRESN < 100
              exclusion LITERAL "Written out, over a domain the study lacks too."
                First(LB L where L.LBTESTCD = 'ALT' and L.VISITNUM >= 1).LBSTRESN > 40 or exists (VS V where V.VSTESTCD = 'HR')
            """;
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, "lookup-evidence.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        long before = ColumnLookup.AnsweredWithEvidence;
        foreach (var data in new[] { study, study.WithoutCodeIndexes() })
            foreach (int capacity in new[] { 100, 3, 1 })
                foreach (int threads in new[] { 1, 2 })
                {
                    var options = new ScreeningOptions { AsOf = CqlDateTime.ParseIso("2024-02-01"), RecordEvidence = true, MaxDegreeOfParallelism = threads, EvidenceCapacity = capacity };
                    var lookups = Screener.Screen(compiled, data, options);
                    var perSubject = Screener.Screen(compiled, data.WithoutColumnLookups(), options);
                    SameReport.Assert(Report(lookups), Report(perSubject), $"capacity {capacity}, {threads} thread(s)", "lookups", "per subject");
                    // Field by field with the values' types too (the JSON prints a decimal and a double alike).
                    for (int i = 0; i < lookups.SubjectCount; i++)
                    {
                        var a = perSubject.Subject(i).Criteria;
                        var b = lookups.Subject(i).Criteria;
                        for (int j = 0; j < a.Count; j++)
                            Assert.Equal(a[j].Evidence.Select(e => (e, e.Value?.GetType())), b[j].Evidence.Select(e => (e, e.Value?.GetType())));
                    }
                }
        Assert.True(ColumnLookup.AnsweredWithEvidence - before > 0, "the lookups answered with evidence on");
    }

    /// <summary>Screens with and without the column lookups, evidence off and on, and requires the same JSON byte for byte; returns the evidence-off result.</summary>
    private static ScreeningResult AssertSameReports(CompiledProtocol protocol, StudyData study, CqlDateTime asOf, string what, string[]? subjects = null)
    {
        ScreeningResult? off = null;
        foreach (bool evidence in new[] { false, true })
        {
            var options = new ScreeningOptions { AsOf = asOf, RecordEvidence = evidence, MaxDegreeOfParallelism = 2, Subjects = subjects };
            var batched = Screener.Screen(protocol, study, options);
            var perSubject = Screener.Screen(protocol, study.WithoutColumnLookups(), options);
            SameReport.Assert(Report(batched), Report(perSubject), $"{what}, evidence {(evidence ? "on" : "off")}", "lookups", "per subject");
            if (!evidence) off = batched;
        }
        return off!;
    }

    private static string Report(ScreeningResult result) => SameReport.Json(result);
}
