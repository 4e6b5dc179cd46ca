using ProtocolEngine.Data.Csv;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;

namespace ProtocolEngine.Data.Tests.Loading;

/// <summary>
/// Data that would give wrong answers with no sign of trouble is refused when the study loads, naming the file,
/// record and variable: a subject-level dataset without USUBJID (every subject would read every record), a DM
/// without records, with a subject twice, or no DM at all.
/// </summary>
public class SubjectRequirementsTests
{
    private const string Dm = "STUDYID,DOMAIN,USUBJID,AGE,SEX\nS,DM,S-1,50,F\nS,DM,S-2,61,M\n";

    private static string Study(params (string File, string Text)[] files)
    {
        var dir = TestData.NewTempFolder();
        foreach (var (file, text) in files) File.WriteAllText(Path.Combine(dir, file), text);
        return dir;
    }

    // Writes a CSV dataset in another format, so the same content is tried as XPT and Dataset-JSON.
    private static void Convert(string dir, string csvFile, DataFileFormat format)
    {
        var csv = Path.Combine(dir, csvFile);
        var table = CsvDatasetReader.Read(csv);
        DatasetWriter.Write(table, Path.ChangeExtension(csv, DataFileFormats.Extension(format)), format);
        File.Delete(csv);
    }

    [Theory]
    [InlineData(DataFileFormat.Csv)]
    [InlineData(DataFileFormat.Xpt)]
    [InlineData(DataFileFormat.Json)]
    [InlineData(DataFileFormat.Ndjson)]
    public void SubjectLevelDatasetWithoutUsubjid_IsRefused_NamingFileAndVariable(DataFileFormat format)
    {
        var dir = Study(("dm.csv", Dm), ("mh.csv", "STUDYID,DOMAIN,MHSEQ,MHTERM\nS,MH,1,Hypertension\nS,MH,2,Asthma\n"));
        if (format != DataFileFormat.Csv) Convert(dir, "mh.csv", format);
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(dir));
        Assert.EndsWith("mh" + DataFileFormats.Extension(format), ex.File);
        Assert.Equal("USUBJID", ex.Variable);
        Assert.Contains("MH has no USUBJID", ex.Message);
        Assert.Contains("every subject would read all of them", ex.Message);
    }

    [Fact]
    public void SubjectLevelDatasetWithAnEmptyUsubjid_IsRefused_NamingTheRecord()
    {
        var dir = Study(("dm.csv", Dm), ("ae.csv", "STUDYID,DOMAIN,USUBJID,AESEQ,AETERM\nS,AE,S-1,1,Headache\nS,AE,,2,Nausea\n"));
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(dir));
        Assert.Equal(3, ex.Record);
        Assert.Equal("USUBJID", ex.Variable);
    }

    [Fact]
    public void SubjectLevelDatasetWithoutItsTopicVariable_IsRefused()
    {
        var dir = Study(("dm.csv", Dm), ("lb.csv", "STUDYID,DOMAIN,USUBJID,LBSEQ,LBSTRESN\nS,LB,S-1,1,5.5\n"));
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(dir));
        Assert.Equal("LBTESTCD", ex.Variable);
        Assert.Contains("LB requires STUDYID, DOMAIN, USUBJID, LBSEQ, LBTESTCD, LBTEST", ex.Message);
    }

    [Fact]
    public void OtherRequiredVariablesAbsent_AreNotes_NotErrors()
    {
        var dir = Study(("dm.csv", Dm), ("lb.csv", "STUDYID,DOMAIN,USUBJID,LBSEQ,LBTESTCD,LBSTRESN\nS,LB,S-1,1,GLUC,5.5\n"));
        var study = StudyLoader.Load(dir);
        Assert.Contains(study.Notes, n => n.Dataset == "LB" && n.Message.Contains("lacks LBTEST", StringComparison.Ordinal));
    }

    [Fact]
    public void TrialDesignDatasetsWithoutUsubjid_Load()
    {
        var dir = Study(("dm.csv", Dm), ("ts.csv", "STUDYID,DOMAIN,TSSEQ,TSPARMCD,TSPARM,TSVAL\nS,TS,1,AGEMIN,Minimum Age,P50Y\n"));
        var study = StudyLoader.Load(dir);
        Assert.Equal(2, study.Data.SubjectCount);
        Assert.Equal(1, study.Data.GetDomain("TS")!.RowCount);
    }

    [Fact]
    public void DmDuplicateUsubjid_IsRefused_NamingBothRecords()
    {
        var dir = Study(("dm.csv", "STUDYID,DOMAIN,USUBJID,AGE\nS,DM,S-1,50\nS,DM,S-2,61\nS,DM,S-1,70\n"));
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(dir));
        Assert.Equal(4, ex.Record);
        Assert.Contains("USUBJID S-1 is also on record 2", ex.Message);
    }

    [Theory]
    [InlineData(DataFileFormat.Csv)]
    [InlineData(DataFileFormat.Xpt)]
    [InlineData(DataFileFormat.Json)]
    public void DmWithoutRecords_IsRefused(DataFileFormat format)
    {
        var dir = Study(("dm.csv", "STUDYID,DOMAIN,USUBJID,AGE\n"));
        if (format != DataFileFormat.Csv) Convert(dir, "dm.csv", format);
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(dir));
        Assert.EndsWith("dm" + DataFileFormats.Extension(format), ex.File);
        Assert.Contains("DM has no records", ex.Message);
    }

    [Fact]
    public void NoDm_IsRefused_UnlessOnlyInspecting()
    {
        var dir = Study(("ae.csv", "STUDYID,DOMAIN,USUBJID,AESEQ,AETERM\nS,AE,S-1,1,Headache\n"));
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(dir));
        Assert.Equal(dir, ex.File);
        Assert.Contains("no DM dataset", ex.Message);
        var inspected = StudyLoader.Load(dir, new StudyLoadOptions { RequireSubjects = false });
        Assert.Contains(inspected.Notes, n => n.Message.Contains("no DM dataset", StringComparison.Ordinal));
    }

    [Fact]
    public void RecordsOfSubjectsNotInDm_AreCountedInANote()
    {
        var dir = Study(("dm.csv", Dm), ("ae.csv", "STUDYID,DOMAIN,USUBJID,AESEQ,AETERM\nS,AE,S-1,1,Headache\nS,AE,S-9,1,Nausea\nS,AE,S-9,2,Rash\n"));
        var study = StudyLoader.Load(dir);
        Assert.Contains(study.Notes, n => n.Dataset == "AE" && n.Message.Contains("2 record(s) of 1 subject(s) not in DM", StringComparison.Ordinal)
                                           && n.Message.Contains("record 3: USUBJID S-9", StringComparison.Ordinal));
    }

    [Fact]
    public void AdamFolderWithAdsl_TakesItsSubjectsFromAdsl()
    {
        var study = StudyLoader.Load(TestData.MsgAdam);
        Assert.Equal(study.Data.GetDomain("ADSL")!.RowCount, study.Data.SubjectCount);
    }
}
