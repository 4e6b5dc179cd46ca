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
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// Without evidence, screening evaluates the criteria (or the parts of them) it can for a batch of 256 subjects at once
/// (<see cref="BatchCriterion"/>), and the compiled rule for every subject the batch cannot answer. These tests screen
/// every shipped protocol with and without the batches (and with and without the column lookups beneath them), evidence
/// off and on, and require the same screening JSON byte for byte (outcomes, causes, reasons, evidence, gap lists); and
/// check on purpose-built data the cases the batch must leave to the compiled rule or answer exactly as it does.
/// </summary>
public class BatchCriterionDifferentialTests
{
    public static TheoryData<string, string> Cases() => Paths.ShippedProtocolsOverRealData();

    [Theory]
    [MemberData(nameof(Cases))]
    public void RealData_ScreenedWithAndWithoutBatches_GiveTheSameReport(string protocol, string data)
    {
        var study = Paths.RealStudy(data);
        AssertSameReports(Paths.Compile(protocol), study, Paths.RealDataAsOf, protocol);
    }

    [Fact]
    public void Synthetic_EveryShippedProtocol_ScreenedWithAndWithoutBatches_GivesTheSameReport()
    {
        var study = Paths.SyntheticStudy(3_000, seed: 23);
        long before = BatchCriterion.Answered;
        foreach (var protocol in Paths.ShippedProtocols)
        {
            var compiled = Paths.Compile(protocol);
            AssertSameReports(compiled, study, CqlDateTime.ParseIso("2025-06-01"), protocol);
            AssertSameReports(compiled, study.WithoutCodeIndexes(), CqlDateTime.ParseIso("2025-06-01"), protocol + " (scanning)");
            AssertSameReports(compiled, study, CqlDateTime.ParseIso("2025-06-01"), protocol + " (every 89th subject)", [.. study.SubjectIds.Where((_, i) => i % 89 == 3)]);
        }
        Assert.True(BatchCriterion.Answered - before >= 3_000, $"batch criteria answered {BatchCriterion.Answered - before} cells");
    }

    [Fact]
    public void Batches_AnswerAsTheCompiledRule_AndLeaveItWhatOnlyItDecides()
    {
        // S1 a full record; S2 no LB records (Unknown, a gap in LB); S3 no AGE and no SEX (Unknown from DM alone); S4 an
        // upper limit so large that 3 times it overflows; S5 ALT without a
        // visit; S6 a woman of 70 (the exists in AGE is left to the compiled rule); S7 a recorded determination.
        var study = new TestStudy()
            .Table("DM",
                TestStudy.Row(("USUBJID", "S1"), ("AGE", 60m), ("SEX", "M"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S2"), ("AGE", 45m), ("SEX", "M"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S3"), ("AGE", null), ("SEX", null), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S4"), ("AGE", 70m), ("SEX", "M"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S5"), ("AGE", 55m), ("SEX", "M"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S6"), ("AGE", 70m), ("SEX", "F"), ("RFICDTC", "2024-01-01")),
                TestStudy.Row(("USUBJID", "S7"), ("AGE", 52m), ("SEX", "M"), ("RFICDTC", "2024-01-01")))
            .Table("LB",
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 130m), ("LBSTNRHI", 40m), ("LBNRIND", "HIGH"), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S1"), ("LBSEQ", 2m), ("LBTESTCD", "HBA1C"), ("LBSTRESN", 7m), ("LBSTNRHI", 6m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S3"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 20m), ("LBSTNRHI", 40m), ("LBNRIND", "NORMAL"), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S4"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 20m), ("LBSTNRHI", 70000000000000000000000000000m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S5"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 99m), ("LBSTNRHI", 40m), ("VISITNUM", null)),
                TestStudy.Row(("USUBJID", "S6"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 10m), ("LBSTNRHI", 40m), ("VISITNUM", 1m)),
                TestStudy.Row(("USUBJID", "S7"), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", 10m), ("LBSTNRHI", 40m), ("VISITNUM", 1m)))
            .Table("MH",
                TestStudy.Row(("USUBJID", "S6"), ("MHSEQ", 1m), ("MHDECOD", "Postmenopausal")))
            .Table("IE",
                TestStudy.Row(("USUBJID", "S7"), ("IESEQ", 1m), ("IETESTCD", "AGE"), ("IECAT", "INCLUSION"), ("IEORRES", "N"), ("IESTRESC", "N")))
            .Build();
        const string text = """
            protocol Batches version "1"
              data SDTM "3.4"

            define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
            define Older: DM.AGE >= 50

            criteria
              inclusion AGE "Age 50 or over, and male or postmenopausal."
                Older and (DM.SEX = 'M' or exists (MH M where M.MHDECOD = 'Postmenopausal'))
              exclusion ALT "ALT above 3 times the upper limit of normal."
                Lab('ALT').LBSTRESN > 3 * Lab('ALT').LBSTNRHI
              exclusion HBA1C "HbA1c above 6.5%."
                Lab('HBA1C').LBSTRESN > 6.5
              inclusion EITHER "ALT at most 100, or aged over 65."
                Lab('ALT').LBSTRESN <= 100 or DM.AGE > 65
              inclusion RANGE "Age 50 to 69."
                not (DM.AGE in Interval[50, 70))
              inclusion ABSENT "A variable the study lacks."
                Lab('ALT').LBORRES = 'X'
              inclusion NOLAB "A domain the study lacks."
                First(VS V where V.VSTESTCD = 'SYSBP').VSSTRESN > 1
              inclusion TEXT "Text compared both ways, null included (TextEqualityNode)."
                (DM.SEX != 'F') = (DM.SEX = 'M') and DM.SEX != 'X'
              inclusion TEXTLOOKUP "The literal first, against a lookup's text (by its code; no record and no value are null)."
                'HIGH' = Lab('ALT').LBNRIND and not ('m' = DM.SEX)
            """;
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, "batches.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        foreach (var data in new[] { study, study.WithoutCodeIndexes() })
        {
            long before = BatchCriterion.Answered;
            var off = AssertSameReports(compiled, data, CqlDateTime.ParseIso("2024-02-01"), "batches");
            Assert.True(BatchCriterion.Answered - before >= 7 * 4, $"batch criteria answered {BatchCriterion.Answered - before} cells");
            Assert.Equal(CriterionOutcome.Met, off.Outcome(0, 1));           // S1: 130 > 120
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(1, 1));       // S2: no LB records
            Assert.Equal(OutcomeCause.NoSubjectRecords, off.Cause(1, 1));
            Assert.Equal(CriterionOutcome.NotMet, off.Outcome(1, 0));        // S2: 45
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(2, 0));       // S3: no AGE
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(3, 1));       // S4: 3 x ULN overflows (null in CQL)
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(4, 1));       // S5: no ALT known to be at visit 1
            Assert.Equal(CriterionOutcome.Met, off.Outcome(5, 0));           // S6: postmenopausal, by the compiled rule
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(6, 0));       // S7: recorded N on an inclusion the rule meets: a discrepancy
            Assert.Equal(OutcomeCause.Discrepancy, off.Cause(6, 0));
            Assert.Equal(CriterionOutcome.NotMet, off.Outcome(0, 3));        // S1: 130 > 100 and 60 <= 65
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(1, 3));       // S2: no ALT (Unknown) or 45 > 65 (false)
            Assert.Equal(OutcomeCause.NoSubjectRecords, off.Cause(1, 3));
            Assert.Equal(OutcomeCause.VariableMissing, off.Cause(0, 5));     // LBORRES: the compiled rule notes the missing variable
            Assert.Equal(OutcomeCause.DomainMissing, off.Cause(0, 6));       // VS
            Assert.Equal(CriterionOutcome.Met, off.Outcome(0, 7));           // S1: M is not F and not X
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(2, 7));       // S3: no SEX
            Assert.Equal(CriterionOutcome.Met, off.Outcome(5, 7));           // S6: F is neither not F nor M, and not X
            Assert.Equal(CriterionOutcome.Met, off.Outcome(0, 8));           // S1: HIGH, and M is not m
            Assert.Equal(CriterionOutcome.NotMet, off.Outcome(2, 8));        // S3: NORMAL (false and null)
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(3, 8));       // S4: no LBNRIND
            Assert.Equal(CriterionOutcome.Unknown, off.Outcome(1, 8));       // S2: no LB record
        }
    }

    /// <summary>
    /// Screens with and without the batches (and, evidence off, without the batches and the column lookups both),
    /// evidence off and on, and requires the same JSON byte for byte; returns the evidence-off result with batches.
    /// </summary>
    private static ScreeningResult AssertSameReports(CompiledProtocol protocol, StudyData study, CqlDateTime asOf, string what, string[]? subjects = null)
    {
        ScreeningResult? off = null;
        foreach (bool evidence in new[] { false, true })
        {
            var options = new ScreeningOptions { AsOf = asOf, RecordEvidence = evidence, MaxDegreeOfParallelism = 2, Subjects = subjects };
            var batched = Screener.Screen(protocol, study, options);
            string a = Report(batched);
            Same(a, Report(Screener.Screen(protocol, study.WithoutBatchCriteria(), options)), $"{what}, evidence {(evidence ? "on" : "off")}, without batches");
            if (!evidence)
            {
                // Batches over lookups that all fall back, against the path before either.
                var noLookups = study.WithoutColumnLookups();
                Same(Report(Screener.Screen(protocol, noLookups, options)), Report(Screener.Screen(protocol, noLookups.WithoutBatchCriteria(), options)), $"{what}, without column lookups");
                Same(a, Report(Screener.Screen(protocol, study.WithoutBatchCriteria(), options with { MaxDegreeOfParallelism = 1 })), $"{what}, one thread");
                off = batched;
            }
        }
        return off!;
    }

    private static void Same(string a, string b, string what) => SameReport.Assert(a, b, what, "batches", "per subject");

    private static string Report(ScreeningResult result) => SameReport.Json(result);
}

/// <summary>
/// Tests that read <see cref="BatchCriterion.Answered"/>, a count for the whole process, as "no batch ran": every other
/// test that screens adds to it, so these run alone (a parallel test class once made this one fail at random).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCounters
{
    /// <summary>The collection's name.</summary>
    public const string Name = "process-wide counters";
}

/// <summary>Under a step limit below what the batches assume, every criterion stays on the compiled (step-counted) path.</summary>
[Collection(ProcessWideCounters.Name)]
public class BatchStepLimitTests
{
    [Fact]
    public void A_tight_step_limit_keeps_every_criterion_on_the_compiled_path()
    {
        var study = Paths.Study(Paths.PilotXpt).Data;
        var compiled = Paths.Compile("cdiscpilot01.protocol");
        var options = new ScreeningOptions { AsOf = CqlDateTime.ParseIso("2014-09-01"), RecordEvidence = false, Limits = new EvaluationLimits { MaxSteps = 3 } };
        long before = BatchCriterion.Answered;
        string a = SameReport.Json(Screener.Screen(compiled, study, options)), b = SameReport.Json(Screener.Screen(compiled, study.WithoutBatchCriteria(), options));
        Assert.Equal(b, a);
        Assert.Equal(before, BatchCriterion.Answered);
        Assert.Contains("PE9", a);
    }
}
