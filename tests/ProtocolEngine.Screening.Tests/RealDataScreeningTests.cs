using System.Text.Json;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Screening.Tests;

/// <summary>The CDISCPILOT01 protocol screened over the real pilot data and the MSG example study.</summary>
public class RealDataScreeningTests
{
    private static readonly CqlDateTime AsOf = CqlDateTime.ParseIso("2014-09-01");

    private static ScreeningResult Screen(string data, ScreeningOptions? options = null) =>
        Screener.Screen(Paths.Compile("cdiscpilot01.protocol"), Paths.Study(data).Data, (options ?? new ScreeningOptions()) with { AsOf = AsOf });

    [Fact]
    public void Msg_CDISC015_Incl03_IsNotMet_ByItsIeRecord_WhileTheRuleAloneIsUnknown()
    {
        var result = Screen(Paths.Msg);
        Assert.Equal(18, result.SubjectCount);
        var subject = result.Subjects().Single(s => s.SubjectId == "CDISC015");
        var incl03 = subject.Criteria.Single(c => c.Id == "INCL03");
        Assert.Equal(CriterionOutcome.NotMet, incl03.Outcome);
        Assert.Equal(CriterionOutcome.Unknown, incl03.RuleOutcome);
        Assert.Equal(OutcomeCause.RecordedDetermination, incl03.Cause);
        Assert.Equal(1, incl03.Recorded!.Sequence);
        Assert.Equal("2014-03-17", incl03.Recorded.Date);
        Assert.Contains("IESEQ 1", incl03.Reason);
        // The rule looked for the MMSE in QS and found none for this subject.
        Assert.Contains(incl03.Evidence, e => e.Kind == EvidenceKind.Searched && e.Domain == "QS" && Equals(e.Value, 0));
        Assert.Contains("no QS records for this subject", incl03.MissingData);
        Assert.Equal(EligibilityStatus.Ineligible, subject.Status);
        Assert.StartsWith("INCL03 not met by the recorded determination", subject.Reasons[0]);
    }

    [Fact]
    public void Msg_EveryOtherSubject_HasEvidenceForEveryExecutableCriterion()
    {
        var result = Screen(Paths.Msg);
        foreach (var subject in result.Subjects().Where(s => s.SubjectId != "CDISC015"))
            foreach (var c in subject.Criteria.Where(c => c.Criterion.Rule is not null))
                Assert.True(c.Evidence.Count > 0, $"{subject.SubjectId} {c.Id} has no evidence");
        // Every subject has an age, so INCL01 reads DM.AGE with its value for each.
        var ages = result.Subjects().Select(s => s.Criteria.Single(c => c.Id == "INCL01").Evidence.First(e => e.Variable == "AGE")).ToList();
        Assert.All(ages, e => Assert.IsType<decimal>(e.Value));
    }

    [Fact]
    public void Msg_Json_HasTheDocumentedShape()
    {
        var result = Screen(Paths.Msg);
        using var stream = new MemoryStream();
        ScreeningJson.Write(result, stream);
        using var json = JsonDocument.Parse(stream.ToArray());
        var root = json.RootElement;
        Assert.Equal("CDISCPILOT01", root.GetProperty("protocol").GetString());
        Assert.Equal("1.0", root.GetProperty("version").GetString());
        Assert.Equal(64, root.GetProperty("hash").GetString()!.Length);
        Assert.Equal("2014-09-01", root.GetProperty("asOf").GetString());
        var subjects = root.GetProperty("subjects").EnumerateArray().ToList();
        Assert.Equal(18, subjects.Count);
        var cdisc015 = subjects.Single(s => s.GetProperty("usubjid").GetString() == "CDISC015");
        var incl03 = cdisc015.GetProperty("criteria").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "INCL03");
        Assert.Equal("NotMet", incl03.GetProperty("outcome").GetString());
        Assert.Equal("Unknown", incl03.GetProperty("ruleOutcome").GetString());
        Assert.Equal(1, incl03.GetProperty("recorded").GetProperty("IESEQ").GetInt32());
        Assert.Equal("2014-03-17", incl03.GetProperty("recorded").GetProperty("IEDTC").GetString());
        Assert.Equal(31, root.GetProperty("attrition").GetArrayLength());
        var counts = root.GetProperty("counts");
        Assert.Equal(18, counts.GetProperty("eligible").GetInt32() + counts.GetProperty("ineligible").GetInt32() + counts.GetProperty("needsReview").GetInt32());
    }

    [Theory]
    [InlineData("xpt")]
    [InlineData("csv")]
    public void Pilot_AllSubjectsScreened_ScreenFailuresNeverIneligibleForWantOfData(string format)
    {
        var path = format == "xpt" ? Paths.PilotXpt : Paths.PilotCsv;
        var result = Screen(path);
        Assert.Equal(306, result.SubjectCount);
        var c = result.Counts;
        Assert.Equal(306, c.Eligible + c.Ineligible + c.NeedsReview);
        // The pilot has no QS: nobody's MMSE is known, so nobody is Eligible.
        Assert.Equal(0, c.Eligible);
        Assert.All(Enumerable.Range(0, 306), i => Assert.Equal(CriterionOutcome.Unknown, result.Outcome(i, 2)));
        // The 52 screen failures have only DM, DS and SV: every data-driven criterion that needs more is Unknown, none decides.
        var dm = result.Study.GetDomain("DM")!;
        var arm = (ProtocolEngine.Runtime.Data.TextColumn)dm.GetColumn("ARM")!;
        var failures = Enumerable.Range(0, result.SubjectCount).Where(i => arm.GetString(dm.RowsOf(result.StudyIndex(i)).Start) == "Screen Failure").ToList();
        Assert.Equal(52, failures.Count);
        Assert.All(failures, i => Assert.Equal(EligibilityStatus.NeedsReview, result.Status(i)));
    }

    [Fact]
    public void Attrition_IsConsistent_WithTheOutcomes()
    {
        var result = Screen(Paths.PilotCsv);
        int remaining = result.SubjectCount;
        for (int j = 0; j < result.Criteria.Count; j++)
        {
            var step = result.Attrition[j];
            remaining -= step.ExcludedHere;
            Assert.Equal(remaining, step.Remaining);
            Assert.True(step.ExcludedIndependently >= step.ExcludedHere);
            Assert.Equal(result.CriterionSummaries[j].Failing, step.ExcludedIndependently);
        }
        Assert.Equal(result.Counts.Ineligible, result.SubjectCount - remaining);
    }

    [Fact]
    public void Phase_Prescreen_EvaluatesOnlyItsCriteria()
    {
        var result = Screen(Paths.PilotCsv, new ScreeningOptions { Phase = "prescreen" });
        Assert.Equal(["INCL01", "INCL02"], result.Criteria.Select(c => c.Id));
        var error = Assert.Throws<ArgumentException>(() => Screen(Paths.PilotCsv, new ScreeningOptions { Phase = "baseline" }));
        Assert.Contains("prescreen", error.Message);
    }

    [Fact]
    public void ParallelAndSequentialRuns_AgreeExactly()
    {
        var one = Screen(Paths.PilotCsv, new ScreeningOptions { MaxDegreeOfParallelism = 1, RecordEvidence = false });
        var many = Screen(Paths.PilotCsv, new ScreeningOptions { MaxDegreeOfParallelism = 4 });
        for (int i = 0; i < one.SubjectCount; i++)
        {
            Assert.Equal(one.Status(i), many.Status(i));
            for (int j = 0; j < one.Criteria.Count; j++) Assert.Equal(one.Outcome(i, j), many.Outcome(i, j));
        }
    }

    [Fact]
    public void Amendment1_ChangesOnlyTheAmendedCriteria()
    {
        var original = Screen(Paths.PilotCsv);
        var amended = Screener.Screen(Paths.Compile("cdiscpilot01-amendment1.protocol"), Paths.Study(Paths.PilotCsv).Data, new ScreeningOptions { AsOf = AsOf });
        var changed = original.Criteria.Select(c => c.Id).Except(amended.Criteria.Select(c => c.Id)).Order().ToList();
        Assert.Equal(["EXCL12", "EXCL31"], changed);
        Assert.Contains(amended.Criteria, c => c.Id == "EXCL12A");
        // Criteria both versions share run the same rule text, so they hash the same.
        foreach (var c in original.Criteria.Where(c => amended.Criteria.Any(a => a.Id == c.Id)))
            Assert.Equal(c.Hash, amended.Criteria.Single(a => a.Id == c.Id).Hash);
    }

    [Theory]
    [InlineData("nsclc-recist.protocol")]
    [InlineData("t2d-sglt2.protocol")]
    [InlineData("cdiscpilot01.protocol")]
    public void AnUnknownsReason_NeverSaysAVariableIsAbsentAndARecordsValueOfItIsMissing(string protocol)
    {
        // The pilot's MH has no MHENRTPT: an Unknown names that gap once, not also "MH.MHENRTPT is missing (MHSEQ 16)".
        var result = Screener.Screen(Paths.Compile(protocol), Paths.Study(Paths.PilotXpt).Data, new ScreeningOptions { AsOf = AsOf, RecordEvidence = true });
        int gaps = 0;
        foreach (var subject in result.Subjects())
            foreach (var c in subject.Criteria)
                foreach (var gap in c.DataGaps.Where(g => g.Kind == DataGapKind.VariableMissing))
                {
                    gaps++;
                    Assert.Contains($"the study's data have no variable {gap.Name}", c.Reason);
                    Assert.DoesNotContain(c.MissingData, m => m.StartsWith(gap.Name + " is missing", StringComparison.Ordinal));
                    // The evidence still shows each record read, with the variable's value missing.
                    Assert.Contains(c.Evidence, e => e.Kind == EvidenceKind.Value && $"{e.Domain}.{e.Variable}" == gap.Name && e.Value is null);
                }
        if (protocol == "nsclc-recist.protocol") Assert.True(gaps > 0, "the pilot lacks variables nsclc-recist reads (MH.MHENRTPT)");
    }
}
