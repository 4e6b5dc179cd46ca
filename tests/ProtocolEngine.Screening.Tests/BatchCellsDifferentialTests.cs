using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Tests.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// The worker writes a batch's cells criterion by criterion, 32 subjects at a time, and sets the status of the subjects
/// it answered in full in bulk; the others (a cell left to the compiled rule, recorded determinations) go through their
/// rules. These tests put every kind of cell at every position of those blocks (a full batch and a partial one, the
/// tail of each): Met, NotMet, Unknown with and without a data gap, cells left to the compiled rule (a variable the study
/// lacks, 3 times a huge limit), attested criteria,
/// recorded determinations agreeing and disagreeing, and require the same screening JSON with and without batches.
/// </summary>
public class BatchCellsDifferentialTests
{
    private const string Text = """
        protocol Cells version "1"
          data SDTM "3.4"

        define function Lab(code String): First(LB L where L.LBTESTCD = code and L.VISITNUM = 1)
        define Older: DM.AGE >= 50

        criteria
          inclusion AGE "Age 50 or over, and male or postmenopausal."
            Older and (DM.SEX = 'M' or exists (MH M where M.MHDECOD = 'Postmenopausal'))
          exclusion ALT "ALT above 3 times the upper limit of normal."
            Lab('ALT').LBSTRESN > 3 * Lab('ALT').LBSTNRHI
          inclusion PROX "Near the site."
            attested by Investigator
          inclusion EITHER "ALT at most 100, or aged over 65."
            Lab('ALT').LBSTRESN <= 100 or DM.AGE > 65
          exclusion MHX "Postmenopausal (a row without a code is left to the compiled rule)."
            exists (MH M where M.MHDECOD = 'Postmenopausal')
          exclusion NOLAB "A domain the study lacks."
            First(VS V where V.VSTESTCD = 'SYSBP').VSSTRESN > 1
          inclusion ABSENT "A variable the study lacks (left to the compiled rule where a row is read)."
            Lab('ALT').LBORRES = 'X'
        """;

    /// <summary>The criteria batches answer for every subject but those they leave to the compiled rule, so that a batch sets statuses in bulk.</summary>
    private static string Batched => string.Join("\n", Text.Split('\n').TakeWhile(line => !line.Contains("NOLAB")));

    private static StudyData Study(int subjects, bool determinations)
    {
        var dm = new List<Dictionary<string, object?>>();
        var lb = new List<Dictionary<string, object?>>();
        var mh = new List<Dictionary<string, object?>>();
        var ie = new List<Dictionary<string, object?>>();
        for (int i = 0; i < subjects; i++)
        {
            string id = $"S{i:D4}";
            decimal? age = i % 7 == 3 ? null : 40 + i * 13 % 40;
            string? sex = i % 13 == 0 ? null : i % 11 == 5 || i % 32 == 31 ? "F" : "M";
            dm.Add(TestStudy.Row(("USUBJID", id), ("AGE", age), ("SEX", sex), ("RFICDTC", "2024-01-01")));
            if (sex == "F" && i % 3 == 0) mh.Add(TestStudy.Row(("USUBJID", id), ("MHSEQ", 1m), ("MHDECOD", "Postmenopausal")));
            if (i % 9 == 4) mh.Add(TestStudy.Row(("USUBJID", id), ("MHSEQ", 2m), ("MHDECOD", null)));
            else if (i % 4 == 1) mh.Add(TestStudy.Row(("USUBJID", id), ("MHSEQ", 2m), ("MHDECOD", "Hypertension")));
            if (i % 5 != 2)
                lb.Add(TestStudy.Row(("USUBJID", id), ("LBSEQ", 1m), ("LBTESTCD", "ALT"), ("LBSTRESN", (decimal)(i * 7 % 200)), ("LBSTNRHI", i % 23 == 7 ? 70000000000000000000000000000m : 40m),
                    ("VISITNUM", i % 17 == 4 ? null : 1m)));
            if (determinations && i % 19 == 6)
                ie.Add(TestStudy.Row(("USUBJID", id), ("IESEQ", 1m), ("IETESTCD", i % 2 == 0 ? "AGE" : "PROX"), ("IECAT", "INCLUSION"),
                    ("IEORRES", i % 3 == 0 ? "N" : "Y"), ("IESTRESC", i % 3 == 0 ? "N" : "Y")));
        }
        var study = new TestStudy().Table("DM", [.. dm]).Table("LB", [.. lb]).Table("MH", [.. mh]);
        if (ie.Count > 0) study = study.Table("IE", [.. ie]);
        return study.Build();
    }

    [Theory]
    [InlineData(300, false)]
    [InlineData(300, true)]
    [InlineData(31, false)]
    [InlineData(545, true)]
    [InlineData(545, false)]
    public void Every_kind_of_cell_at_every_position_gives_the_same_report_with_and_without_batches(int subjects, bool determinations)
    {
        foreach (var text in new[] { Text, Batched })
            AssertSame(ProtocolCompiler.Standalone.Compile(new SourceText(text, "cells.protocol")), subjects, determinations);
    }

    private static void AssertSame(CompiledProtocol compiled, int subjects, bool determinations)
    {
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var study = Study(subjects, determinations);
        var asOf = CqlDateTime.ParseIso("2024-02-01");
        string[] reversed = [.. study.SubjectIds.Where((_, i) => i % 3 != 1).Reverse()];
        foreach (var (data, selection, what) in new[] { (study, (string[]?)null, "all"), (study.WithoutCodeIndexes(), null, "scanning"), (study, reversed, "a reversed selection") })
        {
            foreach (bool evidence in new[] { false, true })
            foreach (int threads in new[] { 1, 2 })
            {
                var options = new ScreeningOptions { AsOf = asOf, RecordEvidence = evidence, MaxDegreeOfParallelism = threads, Subjects = selection };
                var batched = Screener.Screen(compiled, data, options);
                var alone = Screener.Screen(compiled, data.WithoutBatchCriteria(), options);
                SameReport.Assert(SameReport.Json(alone), SameReport.Json(batched), $"{compiled.Criteria.Length} criteria, {subjects} subjects, {what}, evidence {evidence}, {threads} threads", "per subject", "batches");
                AssertConsistent(batched);
            }
        }
    }

    [Fact]
    public void The_cases_the_test_means_to_cover_occur()
    {
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Text, "cells.protocol"));
        var result = Screener.Screen(compiled, Study(300, determinations: true), new ScreeningOptions { AsOf = CqlDateTime.ParseIso("2024-02-01") });
        var cells = Enumerable.Range(0, result.SubjectCount).SelectMany(i => Enumerable.Range(0, result.Criteria.Count).Select(j => (i, j))).ToList();
        foreach (var outcome in new[] { CriterionOutcome.Met, CriterionOutcome.NotMet, CriterionOutcome.Unknown, CriterionOutcome.Attested })
            Assert.Contains(cells, c => result.Outcome(c.i, c.j) == outcome);
        foreach (var cause in new[] { OutcomeCause.Rule, OutcomeCause.NullResult, OutcomeCause.NoSubjectRecords, OutcomeCause.DomainMissing, OutcomeCause.VariableMissing, OutcomeCause.AwaitingAttestation,
                     OutcomeCause.RecordedDetermination, OutcomeCause.RuleAndRecordAgree, OutcomeCause.Discrepancy })
            Assert.Contains(cells, c => result.Cause(c.i, c.j) == cause);
        foreach (var status in new[] { EligibilityStatus.Ineligible, EligibilityStatus.NeedsReview })
            Assert.Contains(Enumerable.Range(0, result.SubjectCount), i => result.Status(i) == status);
    }

    /// <summary>Each subject's status is what its cells say, as the evaluator decides it.</summary>
    private static void AssertConsistent(ScreeningResult result)
    {
        for (int i = 0; i < result.SubjectCount; i++)
        {
            bool discrepancy = false, failing = false, undecided = false;
            for (int j = 0; j < result.Criteria.Count; j++)
            {
                var kind = result.Criteria[j].Kind;
                var outcome = result.Outcome(i, j);
                if (result.Cause(i, j) == OutcomeCause.Discrepancy) discrepancy = true;
                if (EligibilityEvaluator.IsFailing(kind, outcome)) failing = true;
                else if (!EligibilityEvaluator.IsPassing(kind, outcome)) undecided = true;
            }
            Assert.Equal(EligibilityEvaluator.DecideStatus(discrepancy, failing, undecided), result.Status(i));
        }
    }
}
