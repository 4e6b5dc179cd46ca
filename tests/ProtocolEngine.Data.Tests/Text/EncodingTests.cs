using System.Text;
using ProtocolEngine.Data.Csv;
using ProtocolEngine.Data.DatasetJson;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Text;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Data.Xpt;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests.Text;

/// <summary>
/// Text that is not what it seems (a NUL inside "WH\0ITE", Latin-1 bytes read as UTF-8) would become values of
/// its own, bogus subgroups and codes that match nothing: such bytes are errors naming the file, line and column
/// (record and variable for XPT and escaped JSON), unless the user declares the file's encoding.
/// </summary>
public class EncodingTests
{
    private static string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(TestData.NewTempFolder(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Bytes(string ascii, params (string Marker, byte[] Replacement)[] parts)
    {
        var result = Encoding.ASCII.GetBytes(ascii).ToList();
        foreach (var (marker, replacement) in parts)
        {
            var m = Encoding.ASCII.GetBytes(marker);
            int at = Enumerable.Range(0, result.Count - m.Length + 1).First(i => result.Skip(i).Take(m.Length).SequenceEqual(m));
            result.RemoveRange(at, m.Length);
            result.InsertRange(at, replacement);
        }
        return [.. result];
    }

    [Fact]
    public void CsvNulByte_IsAnError_NamingLineAndColumn()
    {
        var path = Write("dm.csv", Bytes("USUBJID,RACE\nS-1,WHITE\nS-2,WH@ITE\n", ("@", [0])));
        var ex = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Read(path));
        Assert.Equal(3, ex.Record);
        Assert.Equal(7, ex.Column);
        Assert.Contains("line 3, column 7", ex.Message);
        Assert.Contains("NUL", ex.Message);
    }

    [Fact]
    public void CsvLatin1Byte_IsAnError_UnlessTheEncodingIsDeclared()
    {
        // "Gómez" with ó as the single Latin-1 byte 0xF3.
        var path = Write("dm.csv", Bytes("USUBJID,INVNAM\nS-1,Smith\nS-2,G@mez\n", ("@", [0xF3])));
        var ex = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Read(path));
        Assert.Contains("line 3, column 6", ex.Message);
        Assert.Contains("0xF3", ex.Message);
        Assert.Contains("--encoding", ex.Message);

        var table = CsvDatasetReader.Read(path, new DatasetReadOptions { Encoding = TextEncodings.Parse("latin1") });
        Assert.Equal("Gómez", ((TextColumn)table.GetColumn("INVNAM")!).GetString(1));
    }

    [Fact]
    public void CsvColumnCountsCharactersNotBytes()
    {
        var path = Write("dm.csv", Bytes("USUBJID,INVNAM\nS-1,Gé@\n", ("é", "é"u8.ToArray()), ("@", [1])));
        var ex = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Read(path));
        Assert.Contains("line 2, column 7", ex.Message);
    }

    [Fact]
    public void Windows1252BytesDeclaredAsLatin1_AreControlCharacters_WithAHint()
    {
        var path = Write("ts.csv", Bytes("TSPARMCD,TSVAL\nTDIGRP,Alzheimer@s\n", ("@", [0x92])));
        var ex = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Read(path, new DatasetReadOptions { Encoding = TextEncodings.Parse("latin1") }));
        Assert.Contains("U+0092", ex.Message);
        Assert.Contains("windows-1252", ex.Message);
        var table = CsvDatasetReader.Read(path, new DatasetReadOptions { Encoding = TextEncodings.Parse("windows-1252") });
        Assert.Equal("Alzheimer\u2019s", ((TextColumn)table.GetColumn("TSVAL")!).GetString(0));
    }

    [Fact]
    public void Utf16File_IsAnError_AtLineOneColumnOne()
    {
        var path = Write("dm.csv", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("USUBJID\nS-1\n")).ToArray());
        var ex = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Read(path));
        Assert.Contains("line 1, column 1", ex.Message);
    }

    [Fact]
    public void DatasetJsonEscapedNul_IsAnError_NamingRecordAndVariable()
    {
        var json = """
            {"datasetJSONVersion":"1.1.0","name":"DM","records":2,"columns":[
              {"itemOID":"IT.DM.USUBJID","name":"USUBJID","label":"Unique Subject Identifier","dataType":"string"},
              {"itemOID":"IT.DM.RACE","name":"RACE","label":"Race","dataType":"string"}],
             "rows":[["S-1","WHITE"],["S-2","WH\u0000ITE"]]}
            """;
        var path = Write("dm.json", Encoding.UTF8.GetBytes(json));
        var ex = Assert.Throws<DataFormatException>(() => DatasetJsonReader.Read(path));
        Assert.Equal(2, ex.Record);
        Assert.Equal("RACE", ex.Variable);
        Assert.Contains("U+0000 (NUL)", ex.Message);
    }

    [Fact]
    public void NdjsonInvalidUtf8_IsAnError_NamingLineAndColumn()
    {
        var ndjson = Bytes("""
            {"datasetJSONVersion":"1.1.0","name":"DM","records":1,"columns":[{"itemOID":"IT.DM.USUBJID","name":"USUBJID","label":"Unique Subject Identifier","dataType":"string"}]}
            ["S-@"]

            """, ("@", [0xFF]));
        var path = Write("dm.ndjson", ndjson);
        var ex = Assert.Throws<DataFormatException>(() => DatasetJsonReader.Read(path));
        Assert.Contains("line 2, column 5", ex.Message);
    }

    [Fact]
    public void XptLatin1Value_IsAnError_NamingRecordVariableAndOffset_UnlessDeclared()
    {
        var dir = TestData.NewTempFolder();
        var csv = Path.Combine(dir, "dm.csv");
        File.WriteAllText(csv, "USUBJID,INVNAM\nS-1,Smith\nS-2,GXmez\n");
        var path = Path.Combine(dir, "dm.xpt");
        DatasetWriter.Write(CsvDatasetReader.Read(csv), path, DataFileFormat.Xpt);
        var bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf("GXmez"u8) + 1;
        bytes[at] = 0xF3;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<DataFormatException>(() => XptReader.Read(path));
        Assert.Equal(2, ex.Record);
        Assert.Equal("INVNAM", ex.Variable);
        Assert.NotNull(ex.ByteOffset);
        Assert.Contains("0xF3", ex.Message);
        var table = XptReader.Read(path, new DatasetReadOptions { Encoding = TextEncodings.Parse("windows-1252") }).Single();
        Assert.Equal("Gómez", ((TextColumn)table.GetColumn("INVNAM")!).GetString(1));

        bytes[at] = 0x00;
        File.WriteAllBytes(path, bytes);
        ex = Assert.Throws<DataFormatException>(() => XptReader.Read(path));
        Assert.Contains("U+0000 (NUL)", ex.Message);
    }

    [Fact]
    public void PilotTs_IsWindows1252_AndReadsOnlyWhenDeclared()
    {
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(TestData.PilotCsv));
        Assert.EndsWith("ts.csv", ex.File);
        Assert.Contains("line 10, column 100", ex.Message);
        var study = StudyLoader.Load(TestData.PilotCsv, TestData.Options(TestData.PilotCsv));
        var ts = study.Data.GetDomain("TS")!;
        var values = (TextColumn)ts.GetColumn("TSVAL")!;
        Assert.Contains(Enumerable.Range(0, ts.RowCount).Select(values.GetString), v => v?.Contains("Alzheimer\u2019s", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void UnknownEncodingName_SuggestsTheClosest()
    {
        var ex = Assert.Throws<ArgumentException>(() => TextEncodings.Parse("windows-1525"));
        Assert.Contains("windows-1252", ex.Message);
        Assert.Throws<ArgumentException>(() => TextEncodings.Parse("utf-16"));
    }

    [Fact]
    public void CsvUtf8CharactersStraddlingEveryReadBoundary_AreRead()
    {
        // Three- and four-byte characters at every offset of the reader's buffers (the check used to count each buffer on
        // its own, so a character split between two reads was "byte 0x93 is not valid UTF-8" in a valid file).
        var b = new StringBuilder("USUBJID,TERM\n");
        for (int i = 0; i < 40_000; i++) b.Append("S-").Append(i).Append(",x").Append(new string('a', i % 7)).Append("中✓😀\n");
        var path = Write("mh.csv", Encoding.UTF8.GetBytes(b.ToString()));
        var table = CsvDatasetReader.Read(path);
        Assert.Equal(40_000, table.RowCount);
        Assert.Equal("xaaaaaa中✓😀", ((TextColumn)table.GetColumn("TERM")!).GetString(6));
        Assert.Equal("xa中✓😀", ((TextColumn)table.GetColumn("TERM")!).GetString(39_999));
    }
}
