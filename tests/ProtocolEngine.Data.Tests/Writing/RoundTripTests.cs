using ProtocolEngine.Data.DatasetJson;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Data.Xpt;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests.Writing;

public class RoundTripTests
{
    public static TheoryData<string, DataFileFormat> FoldersAndFormats()
    {
        var data = new TheoryData<string, DataFileFormat>();
        foreach (var folder in new[] { "pilot-xpt", "pilot-csv", "msg" })
            foreach (var format in DataFileFormats.Preference)
                data.Add(folder, format);
        return data;
    }

    private static string Folder(string name) => name switch
    {
        "pilot-xpt" => TestData.Pilot,
        "pilot-csv" => TestData.PilotCsv,
        _ => TestData.Msg,
    };

    [Theory]
    [MemberData(nameof(FoldersAndFormats))]
    public void SharedStudy_ConvertedAndReadBack_EqualsTheOriginal(string folder, DataFileFormat format)
    {
        var original = StudyLoader.ReadRaw(Folder(folder), TestData.Options(Folder(folder)));
        var output = TestData.NewTempFolder();
        // The converted files are UTF-8 whatever the input's encoding, so they read back without a declaration.
        var result = StudyConverter.Convert(Folder(folder), format, output, TestData.Options(Folder(folder)));
        Assert.Equal(original.Tables.Count, result.Files.Count);
        Assert.Empty(Directory.EnumerateFiles(output, "*.partial"));
        var back = StudyLoader.ReadRaw(output);
        Assert.Equal(original.Tables.Select(t => t.Name), back.Tables.Select(t => t.Name));
        Assert.All(back.Sources, s => Assert.Equal(format, s.Format));
        for (int i = 0; i < original.Tables.Count; i++)
        {
            var o = original.Tables[i];
            // XPT holds labels of at most 40 bytes; the MSG Dataset-JSON labels are longer for a few variables.
            bool labels = format != DataFileFormat.Xpt || o.Columns.All(c => (c.Label?.Length ?? 0) <= 40);
            TableAssert.Equal(o, back.Tables[i], compareLabels: labels,
                compareEmptyStrings: format != DataFileFormat.Xpt && folder == "pilot-csv",
                compareMissingKinds: format == DataFileFormat.Xpt);
        }
    }

    public static TheoryData<string> MsgJsonFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(TestData.Msg, "*.json").Order()) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(MsgJsonFiles))]
    public void DatasetJson_WrittenAsJsonAndNdjson_ReadsBackWithAllMetadata(string file)
    {
        var original = DatasetJsonReader.Read(Path.Combine(TestData.Msg, file));
        foreach (var format in new[] { DataFileFormat.Json, DataFileFormat.Ndjson })
        {
            var path = Path.Combine(TestData.NewTempFolder(), Path.GetFileNameWithoutExtension(file) + DataFileFormats.Extension(format));
            DatasetWriter.Write(original, path, format);
            var back = DatasetJsonReader.Read(path);
            TableAssert.Equal(original, back, compareEmptyStrings: true);
            Assert.Equal(original.Metadata, back.Metadata);
            for (int c = 0; c < original.Columns.Count; c++)
                Assert.Equal(original.Columns[c].Metadata, back.Columns[c].Metadata);
        }
    }

    [Fact]
    public void Xpt_SpecialMissingValues_AndSeveralMembers_RoundTrip()
    {
        var numbers = new NumberColumnBuilder();
        numbers.Add(1.5);
        numbers.AddMissing('A');
        numbers.AddMissing('_');
        numbers.AddMissing('.');
        numbers.Add(-1e-10);
        var text = new TextColumnBuilder();
        foreach (var s in new[] { "a", null, "Ünïcode", "x y", "" }) text.Add(s);
        var t1 = new DomainTable("ONE", "First", [text.Build("TXT", new ColumnMetadata("Text")), numbers.Build("NUM", new ColumnMetadata("Number", DisplayFormat: "8.2"))], null);
        var ids = new TextColumnBuilder();
        ids.Add("only");
        var t2 = new DomainTable("TWO", "Second", [ids.Build("ID")], null);
        var path = Path.Combine(TestData.NewTempFolder(), "lib.xpt");
        DatasetWriter.WriteXptLibrary([t1, t2], path);
        var back = XptReader.Read(path);
        Assert.Equal(2, back.Count);
        TableAssert.Equal(t1, back[0], compareMissingKinds: true);
        TableAssert.Equal(t2, back[1]);
        Assert.Equal("8.2", back[0].GetColumn("NUM")!.Metadata.DisplayFormat);
        Assert.Equal(2, ((TextColumn)back[0].GetColumn("TXT")!).Dictionary.Count(s => s.Length > 1));
    }

    [Fact]
    public void Xpt_RefusesWhatVersion5CannotHold()
    {
        var text = new TextColumnBuilder();
        text.Add(new string('x', 201));
        var table = new DomainTable("LONG", null, [text.Build("TOOLONG")], null);
        var path = Path.Combine(TestData.NewTempFolder(), "long.xpt");
        Assert.Throws<ArgumentException>(() => DatasetWriter.Write(table, path, DataFileFormat.Xpt));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(path)!));
        var named = new DomainTable("NAMES", null, [new TextColumnBuilder().Build("LONGERTHAN8")], null);
        Assert.Throws<ArgumentException>(() => DatasetWriter.Write(named, path, DataFileFormat.Xpt));
    }

    [Fact]
    public void FailedConversion_LeavesTheOutputFolderAsItWas()
    {
        var input = TestData.NewTempFolder();
        File.WriteAllText(Path.Combine(input, "dm.csv"), "STUDYID,DOMAIN,USUBJID\nS,DM,S-1\n");
        File.WriteAllText(Path.Combine(input, "zz.csv"), "STUDYID,DOMAIN,USUBJID,AVERYLONGNAME\nS,ZZ,S-1,x\n");
        var output = TestData.NewTempFolder();
        File.WriteAllText(Path.Combine(output, "keep.txt"), "untouched");
        Assert.Throws<ArgumentException>(() => StudyConverter.Convert(input, DataFileFormat.Xpt, output));
        Assert.Equal(["keep.txt"], Directory.EnumerateFiles(output).Select(Path.GetFileName));
    }
}
