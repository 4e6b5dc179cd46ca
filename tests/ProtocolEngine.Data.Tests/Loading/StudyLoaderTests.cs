using ProtocolEngine.Data.Inspection;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests.Loading;

public class StudyLoaderTests
{
    [Fact]
    public void Pilot_Loads306SubjectsAnd1191AdverseEvents()
    {
        var study = StudyLoader.Load(TestData.Pilot, TestData.Options(TestData.Pilot));
        Assert.Equal(306, study.Data.SubjectCount);
        Assert.Equal(1191, study.Data.GetDomain("AE")!.RowCount);
        var report = StudyInspector.Inspect(study);
        Assert.Equal(306, report.Datasets.Single(d => d.Name == "DM").Records);
        Assert.Equal(306, report.Datasets.Single(d => d.Name == "DM").Subjects);
        Assert.Equal(1191, report.Datasets.Single(d => d.Name == "AE").Records);
        Assert.NotNull(study.Define);
    }

    [Fact]
    public void Pilot_SubjectView_IndexesRecordsBySubject_OrderedBySequence()
    {
        var study = StudyLoader.Load(TestData.Pilot, TestData.Options(TestData.Pilot));
        var data = study.Data;
        int s = data.IndexOfSubject("01-701-1015");
        Assert.Equal(0, s);
        var ae = data.GetDomain("AE")!;
        var (start, count) = ae.RowsOf(s);
        Assert.True(count > 0);
        var ids = (TextColumn)ae.GetColumn("USUBJID")!;
        var seq = (NumberColumn)ae.GetColumn("AESEQ")!;
        for (int r = start; r < start + count; r++)
        {
            Assert.Equal("01-701-1015", ids.GetString(r));
            if (r > start) Assert.True(seq.GetDouble(r) > seq.GetDouble(r - 1));
        }
        // Every AE record belongs to a DM subject.
        Assert.Equal(0, ae.OrphanRows.Count);
        int total = 0;
        for (int i = 0; i < data.SubjectCount; i++) total += ae.RowsOf(i).Count;
        Assert.Equal(1191, total);
        // Trial design data is study level.
        Assert.False(data.GetDomain("TI")!.IsSubjectIndexed);
    }

    [Fact]
    public void SuppQualifiers_BecomeVariablesOfTheirParent()
    {
        var study = StudyLoader.Load(TestData.Pilot, TestData.Options(TestData.Pilot));
        var dm = study.Data.GetDomain("DM")!;
        // SUPPDM in the pilot carries population flags such as COMPLT16 and ITT.
        var itt = dm.GetColumn("ITT") as TextColumn;
        Assert.NotNull(itt);
        int row = dm.RowsOf(study.Data.IndexOfSubject("01-701-1015")).Start;
        Assert.Equal("Y", itt!.GetString(row));
        var ae = study.Data.GetDomain("AE")!;
        Assert.NotNull(ae.GetColumn("AETRTEM"));
        Assert.Contains(study.Notes, n => n.Message.StartsWith("SUPPAE merged into AE", StringComparison.Ordinal));
        // The binder learns the merged variables.
        Assert.NotNull(study.Model.FindDomain("AE")!.FindVariable("AETRTEM"));
    }

    [Fact]
    public void MsgFolder_PrefersXpt_AndSaysWhichFilesItIgnored()
    {
        var study = StudyLoader.Load(TestData.Msg);
        var ae = study.Sources.Single(s => s.Dataset == "AE");
        Assert.Equal(DataFileFormat.Xpt, ae.Format);
        Assert.Equal(2, ae.Ignored.Count);
        var ft = study.Sources.Single(s => s.Dataset == "FT");
        Assert.Equal(DataFileFormat.Json, ft.Format);
        Assert.Contains(study.Notes, n => n.Dataset == "AE" && n.Message.Contains("ae.json", StringComparison.Ordinal));
        Assert.Equal(18, study.Data.SubjectCount);
        // define.xml made the study-specific split datasets known to the binder.
        Assert.NotNull(study.Model.FindDomain("QSPH"));
    }

    [Fact]
    public void PharmaverseCsv_IsTypedBySdtm_WithNaMissing()
    {
        var study = StudyLoader.Load(TestData.PilotCsv, TestData.Options(TestData.PilotCsv));
        var lb = study.Data.GetDomain("LB")!;
        Assert.Equal(59580, lb.RowCount);
        Assert.IsType<NumberColumn>(lb.GetColumn("LBSTRESN"));
        Assert.IsType<TextColumn>(lb.GetColumn("LBORRES"));
        Assert.Equal(ColumnKind.DateTime, lb.GetColumn("LBDTC")!.Kind);
        var dm = study.Data.GetDomain("DM")!;
        Assert.Equal(study.Data.SubjectCount, dm.RowCount);
        Assert.True(dm.GetColumn("RFICDTC")!.IsMissing(0)); // NA in the file
        Assert.Equal(63.0, ((NumberColumn)dm.GetColumn("AGE")!).GetDouble(0));
    }

    [Fact]
    public void MalformedDate_FailsTheLoad_NamingFileRecordAndVariable()
    {
        var dir = TestData.NewTempFolder();
        File.WriteAllText(Path.Combine(dir, "dm.csv"), "STUDYID,DOMAIN,USUBJID,AGE,RFSTDTC\nS,DM,S-1,50,2014-01-02\nS,DM,S-2,51,02/01/2014\n");
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(dir));
        Assert.EndsWith("dm.csv", ex.File);
        Assert.Equal(3, ex.Record);
        Assert.Equal("RFSTDTC", ex.Variable);
        var lenient = StudyLoader.Load(dir, new StudyLoadOptions { AllowMalformedDates = true });
        Assert.Contains(lenient.Notes, n => n.Message.Contains("not ISO 8601", StringComparison.Ordinal));
    }

    [Fact]
    public void WrongType_AndWrongDomain_FailTheLoad()
    {
        var dir = TestData.NewTempFolder();
        File.WriteAllText(Path.Combine(dir, "dm.csv"), "STUDYID,DOMAIN,USUBJID,AGE\nS,DM,S-1,fifty\n");
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(dir));
        Assert.Equal("AGE", ex.Variable);
        Assert.Equal(2, ex.Record);

        File.WriteAllText(Path.Combine(dir, "dm.csv"), "STUDYID,DOMAIN,USUBJID,AGE\nS,AE,S-1,50\n");
        ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(dir));
        Assert.Equal("DOMAIN", ex.Variable);
    }

    [Fact]
    public void UnknownDomain_IsReported_OrRefusedWhenRequired()
    {
        var dir = TestData.NewTempFolder();
        File.WriteAllText(Path.Combine(dir, "dm.csv"), "STUDYID,DOMAIN,USUBJID\nS,DM,S-1\n");
        File.WriteAllText(Path.Combine(dir, "zz.csv"), "STUDYID,DOMAIN,USUBJID,ZZVAL\nS,ZZ,S-1,3\n");
        var study = StudyLoader.Load(dir);
        Assert.Contains(study.Notes, n => n.Dataset == "ZZ");
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(dir, new StudyLoadOptions { RequireKnownDomains = true }));
        Assert.EndsWith("zz.csv", ex.File);
    }

    [Fact]
    public void EveryDatasetOfEverySharedFolder_LoadsIntoOneStudy()
    {
        foreach (var folder in new[] { TestData.Pilot, TestData.PilotCsv, TestData.Msg, TestData.MsgAdam })
        {
            var study = StudyLoader.Load(folder, TestData.Options(folder));
            Assert.True(study.Data.SubjectCount > 0, folder);
        }
    }

    [Fact]
    public void SplitDatasets_AreJoinedIntoTheirDomain()
    {
        var study = StudyLoader.Load(TestData.Msg);
        var qsph = study.Data.GetDomain("QSPH")!;
        var qssl = study.Data.GetDomain("QSSL")!;
        var qs = study.Data.GetDomain("QS");
        Assert.NotNull(qs);
        Assert.Equal(qsph.RowCount + qssl.RowCount, qs!.RowCount);
        var categories = (TextColumn)qs.GetColumn("QSCAT")!;
        var seen = Enumerable.Range(0, qs.RowCount).Select(categories.GetString).Distinct().ToList();
        Assert.True(seen.Count >= 2, string.Join(", ", seen));
        Assert.Contains(study.Notes, n => n.Message.Contains("joined into QS"));
    }
}
