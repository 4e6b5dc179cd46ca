using ProtocolEngine.Data.DatasetJson;
using ProtocolEngine.Data.Xpt;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests.DatasetJson;

public class DatasetJsonReaderTests
{
    public static TheoryData<string> AllJsonFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(TestData.Root, "*.*json", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".ndjson", StringComparison.Ordinal))
                     // USDM study definitions are JSON too, but not datasets.
                     .Where(f => !f.Contains("/schema/", StringComparison.Ordinal) && !f.Contains("/usdm/", StringComparison.Ordinal)).Order())
            data.Add(Path.GetRelativePath(TestData.Root, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(AllJsonFiles))]
    public void EverySharedDatasetJsonFile_Loads(string relative)
    {
        var table = DatasetJsonReader.Read(Path.Combine(TestData.Root, relative));
        Assert.Equal(Path.GetFileNameWithoutExtension(relative).ToUpperInvariant(), table.Name);
        Assert.True(table.RowCount > 0);
    }

    public static TheoryData<string> MsgDatasetsWithXpt()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(TestData.Msg, "*.xpt").Order()) data.Add(Path.GetFileNameWithoutExtension(f));
        foreach (var f in Directory.EnumerateFiles(TestData.MsgAdam, "*.xpt").Order()) data.Add("../adam/" + Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(MsgDatasetsWithXpt))]
    public void MsgDataset_ReadFromXpt_EqualsJson_AndNdjson(string name)
    {
        var xpt = XptReader.Read(Path.Combine(TestData.Msg, name + ".xpt")).Single();
        var json = DatasetJsonReader.Read(Path.Combine(TestData.Msg, name + ".json"));
        // SAS wrote the JSON numbers with 15 significant digits, and the JSON types some --DTC columns as dates.
        TableAssert.Equal(xpt, json, compareLabels: false, significantDigits: 15, strictTextKinds: false);
        if (File.Exists(Path.Combine(TestData.Msg, name + ".ndjson")))
        {
            var ndjson = DatasetJsonReader.Read(Path.Combine(TestData.Msg, name + ".ndjson"));
            TableAssert.Equal(json, ndjson, compareEmptyStrings: true);
        }
    }

    [Fact]
    public void NullAndEmptyString_AreBothMissing_ButRemembered()
    {
        var path = Path.Combine(TestData.NewTempFolder(), "xx.json");
        File.WriteAllText(path, """
            {"datasetJSONCreationDateTime":"2024-01-01T00:00:00","datasetJSONVersion":"1.1.0","itemGroupOID":"IG.XX","records":3,"name":"XX","label":"Test",
             "columns":[{"itemOID":"IT.A","name":"A","label":"A","dataType":"string","length":3},
                        {"itemOID":"IT.B","name":"B","label":"B","dataType":"decimal","targetDataType":"decimal"},
                        {"itemOID":"IT.C","name":"C","label":"C","dataType":"date","targetDataType":"integer","displayFormat":"DATE9."}],
             "rows":[["x","1.10","1960-01-02"],[null,null,null],["","1,234.5","2014-01-02"]]}
            """);
        var t = DatasetJsonReader.Read(path);
        var a = (TextColumn)t.GetColumn("A")!;
        Assert.Equal("x", a.GetString(0));
        Assert.True(a.IsMissing(1) && !a.IsEmptyString(1));
        Assert.True(a.IsMissing(2) && a.IsEmptyString(2));
        var b = (NumberColumn)t.GetColumn("B")!;
        Assert.Equal(1.1m, b.GetDecimal(0));
        Assert.Equal(1234.5, b.GetDouble(2));
        var c = (NumberColumn)t.GetColumn("C")!;
        Assert.Equal(1, c.GetDouble(0));
        Assert.Equal(19725, c.GetDouble(2));
    }

    [Theory]
    [InlineData("""{"datasetJSONVersion":"1.1.0","name":"XX","records":1,"columns":[{"itemOID":"A","name":"A","label":"A","dataType":"integer"}],"rows":[["abc"]]}""", 1L, "A")]
    [InlineData("""{"datasetJSONVersion":"1.1.0","name":"XX","records":2,"columns":[{"itemOID":"A","name":"A","label":"A","dataType":"integer"}],"rows":[[1]]}""", 1L, null)]
    [InlineData("""{"datasetJSONVersion":"1.1.0","name":"XX","records":1,"columns":[{"itemOID":"A","name":"A","label":"A","dataType":"integer"}],"rows":[[1,2]]}""", 1L, null)]
    [InlineData("""{"datasetJSONVersion":"1.1.0","name":"XX","records":1,"columns":[{"itemOID":"A","name":"A","label":"A","dataType":"integer"}],"rows":[[1]""", null, null)]
    public void BadJson_NamesTheRecordAndVariable(string content, long? record, string? variable)
    {
        var path = Path.Combine(TestData.NewTempFolder(), "xx.json");
        File.WriteAllText(path, content);
        var ex = Assert.Throws<DataFormatException>(() => DatasetJsonReader.Read(path));
        Assert.Equal(path, ex.File);
        if (record is not null) Assert.Equal(record, ex.Record);
        Assert.Equal(variable, ex.Variable);
    }
}
