using Parquet;
using Parquet.Schema;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests.Loading;

/// <summary>
/// Parquet the loader decodes itself (dictionaries entered before rows, rows decoded a batch at a time) given hostile
/// input: a clear error naming the file, the column and, where there is one, the record; never a wrong view.
/// </summary>
public class ParquetHostileTests
{
    [Fact]
    public void NullUsubjidInALaterRowGroup_IsAnErrorNamingTheFileRecordAndColumn()
    {
        var (output, subjects) = WithDm();
        var file = Path.Combine(output, "ae.parquet");
        var id = new DataField<string>("USUBJID", true);
        var term = new DataField<string>("AETERM", true);
        var seq = new DataField<double?>("AESEQ");
        // Two row groups of 3 records; the second group's second record has no USUBJID.
        WriteGroups(file, id, term, seq,
            [[subjects[0], subjects[0], subjects[1]], [subjects[2], null, subjects[3]]],
            [["HEADACHE", "NAUSEA", "HEADACHE"], ["RASH", "RASH", "FEVER"]]);
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(output));
        Assert.Equal(file, ex.File);
        Assert.Equal("USUBJID", ex.Variable);
        Assert.Equal(5, ex.Record);
    }

    [Fact]
    public void EmptyTable_LoadsWithNoRecords_AndSaysSo()
    {
        var (output, _) = WithDm();
        var file = Path.Combine(output, "ae.parquet");
        var id = new DataField<string>("USUBJID", true);
        var term = new DataField<string>("AETERM", true);
        var seq = new DataField<double?>("AESEQ");
        WriteGroups(file, id, term, seq, [[]], [[]]);
        var loaded = StudyLoader.Load(output);
        var ae = loaded.Data.GetDomain("AE")!;
        Assert.Equal(0, ae.RowCount);
        Assert.Equal(3, ae.Columns.Count);
        Assert.Contains(loaded.Notes, n => n.Dataset == "AE" && n.Message.Contains("no records", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DictionaryPageMissing_IsAnErrorNamingTheFileAndColumn()
    {
        var (output, file, start) = await PilotDmWithSexDictionaryAt();
        // The first chunk of SEX starts with its dictionary page; its header's type (field 1, compact i32: 0x15, then
        // zigzag 4 for DICTIONARY_PAGE) becomes INDEX_PAGE, so the data page's dictionary indices point into nothing.
        var bytes = File.ReadAllBytes(file);
        Assert.Equal([0x15, 0x04], bytes[(int)start..(int)(start + 2)]);
        bytes[start + 1] = 0x02;
        File.WriteAllBytes(file, bytes);

        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(output));
        Assert.Equal(file, ex.File);
        Assert.Equal("SEX", ex.Variable);
    }

    [Fact]
    public async Task DictionaryPageClaimingMoreEntriesThanItsBytesHold_IsRefusedBeforeAnythingIsSizedByIt()
    {
        // SEX's dictionary page (F, M: ten bytes) claims 63 entries (zigzag 0x7E), the most a one-byte count can.
        var (output, file) = await PilotDmWithSexDictionaryCount(0x7E);

        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(output));
        Assert.Equal(file, ex.File);
        Assert.Equal("SEX", ex.Variable);
        Assert.Contains("claims 63 entries in", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DictionaryIndexPastTheDictionary_IsAnErrorNamingTheFileAndColumn()
    {
        // SEX has two entries (F, M): its dictionary page claims one (zigzag 2), so the rows holding M index past it.
        var (output, file) = await PilotDmWithSexDictionaryCount(0x02);

        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(output));
        Assert.Equal(file, ex.File);
        Assert.Equal("SEX", ex.Variable);
    }

    /// <summary>The pilot's DM as Parquet in a folder of its own, and where SEX's first chunk (its dictionary page) starts.</summary>
    private static async Task<(string Output, string File, long Start)> PilotDmWithSexDictionaryAt()
    {
        var output = TestData.NewTempFolder();
        StudyConverter.Convert(Path.Combine(TestData.Pilot, "dm.xpt"), DataFileFormat.Parquet, output, TestData.Options(TestData.Pilot));
        var file = Path.Combine(output, "dm.parquet");
        await using var stream = File.OpenRead(file);
        await using var reader = await ParquetReader.CreateAsync(stream);
        int column = Array.FindIndex(reader.Schema.GetDataFields(), f => f.Name == "SEX");
        var meta = reader.OpenRowGroupReader(0).RowGroup.Columns[column].MetaData!;
        return (output, file, meta.DictionaryPageOffset is > 0 and var d && d < meta.DataPageOffset ? d : meta.DataPageOffset);
    }

    /// <summary>The pilot's DM as Parquet with the entry count of SEX's dictionary page (two entries) replaced by a one-byte zigzag count.</summary>
    private static async Task<(string Output, string File)> PilotDmWithSexDictionaryCount(byte zigzagCount)
    {
        var (output, file, start) = await PilotDmWithSexDictionaryAt();
        var bytes = File.ReadAllBytes(file);
        // The dictionary page header's DictionaryPageHeader (field 7, a struct: 0x?c) starts with num_values (0x15, zigzag 4 = 2).
        int at = -1;
        for (int k = (int)start + 2; k < start + 64; k++)
            if ((bytes[k] & 0x0F) == 0x0C && bytes[k + 1] == 0x15 && bytes[k + 2] == 0x04)
            {
                at = k + 2;
                break;
            }
        Assert.True(at > 0, "the dictionary page header's entry count was not found");
        bytes[at] = zigzagCount;
        File.WriteAllBytes(file, bytes);
        return (output, file);
    }

    [Fact]
    public void SubjectsOutOfDmOrder_NotInDm_AndSkippedFarAhead_GiveTheSameViewAsTheSameRecordsFromCsv()
    {
        // DM is read first and its subjects guide the other files' USUBJID (a walk in DM's order): records that jump
        // back, far ahead (past the walk's look-ahead) and to a subject DM lacks must come out exactly as from CSV.
        var (output, _) = WithDm();
        var dm = StudyLoader.ReadFile(Path.Combine(output, "dm.parquet"), DataFileFormat.Parquet).Single();
        var all = ((TextColumn)dm.GetColumn("USUBJID")!).Dictionary;
        var ids = new[] { new[] { all[0], all[0], all[40] }, new[] { all[3], "NOT-IN-DM-1", all[1] }, new[] { all[2], all[40], "NOT-IN-DM-2", all[5] } };
        var terms = ids.Select(g => g.Select((_, k) => k % 2 == 0 ? "HEADACHE" : "RASH").ToArray()).ToArray();
        var id = new DataField<string>("USUBJID", true);
        var term = new DataField<string>("AETERM", true);
        var seq = new DataField<double?>("AESEQ");
        var parquetFolder = TestData.NewTempFolder();
        File.Copy(Path.Combine(output, "dm.parquet"), Path.Combine(parquetFolder, "dm.parquet"));
        WriteGroups(Path.Combine(parquetFolder, "ae.parquet"), id, term, seq, ids!, terms!);
        var csvFolder = TestData.NewTempFolder();
        File.Copy(Path.Combine(output, "dm.parquet"), Path.Combine(csvFolder, "dm.parquet"));
        var lines = new List<string> { "USUBJID,AETERM,AESEQ" };
        int seqNo = 0;
        for (int g = 0; g < ids.Length; g++)
            for (int k = 0; k < ids[g].Length; k++) lines.Add($"{ids[g][k]},{terms[g][k]},{++seqNo}");
        File.WriteAllLines(Path.Combine(csvFolder, "ae.csv"), lines);

        var fromParquet = StudyLoader.Load(parquetFolder).Data;
        var fromCsv = StudyLoader.Load(csvFolder).Data;
        var a = fromParquet.GetDomain("AE")!;
        var b = fromCsv.GetDomain("AE")!;
        Assert.Equal(b.RowCount, a.RowCount);
        var aIds = (TextColumn)a.GetColumn("USUBJID")!;
        var bIds = (TextColumn)b.GetColumn("USUBJID")!;
        Assert.Equal(bIds.Dictionary, aIds.Dictionary);
        for (int r = 0; r < a.RowCount; r++)
        {
            Assert.Equal(bIds.GetString(r), aIds.GetString(r));
            Assert.Equal(bIds.CodeAt(r), aIds.CodeAt(r));
            Assert.Equal(((TextColumn)b.GetColumn("AETERM")!).GetString(r), ((TextColumn)a.GetColumn("AETERM")!).GetString(r));
            Assert.Equal(((NumberColumn)b.GetColumn("AESEQ")!).GetDouble(r), ((NumberColumn)a.GetColumn("AESEQ")!).GetDouble(r));
        }
        Assert.Equal(fromCsv.SubjectCount, fromParquet.SubjectCount);
        for (int s = 0; s < fromCsv.SubjectCount; s++) Assert.Equal(b.RowsOf(s), a.RowsOf(s));
        Assert.Equal(b.OrphanRows, a.OrphanRows);
        Assert.Equal(2, a.OrphanRows.Count);
        Assert.Equal(8, a.RowCount - a.OrphanRows.Count);
    }

    [Fact]
    public void ATruncatedFileBesideAGoodDm_IsAnErrorNamingThatFile()
    {
        var (output, subjects) = WithDm();
        var file = Path.Combine(output, "ae.parquet");
        WriteGroups(file, new DataField<string>("USUBJID", true), new DataField<string>("AETERM", true), new DataField<double?>("AESEQ"),
            [[subjects[0], subjects[1]], [subjects[2], subjects[3]]], [["HEADACHE", "RASH"], ["FEVER", "RASH"]]);
        var bytes = File.ReadAllBytes(file);
        foreach (int keep in new[] { 0, bytes.Length / 2, bytes.Length - 9 })
        {
            File.WriteAllBytes(file, bytes[..keep]);
            var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(output));
            Assert.Equal(file, ex.File);
        }
    }

    [Fact]
    public void TwoBadFiles_TheErrorNamesTheFirstInNameOrder()
    {
        var (output, _) = WithDm();
        foreach (var name in new[] { "lb", "ae" }) File.WriteAllBytes(Path.Combine(output, name + ".parquet"), "PAR1 not really"u8.ToArray());
        for (int run = 0; run < 3; run++)
        {
            var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(output));
            Assert.Equal(Path.Combine(output, "ae.parquet"), ex.File);
        }
    }

    private static (string Output, string[] Subjects) WithDm()
    {
        var output = TestData.NewTempFolder();
        StudyConverter.Convert(Path.Combine(TestData.Pilot, "dm.xpt"), DataFileFormat.Parquet, output, TestData.Options(TestData.Pilot));
        var dm = StudyLoader.ReadFile(Path.Combine(output, "dm.parquet"), DataFileFormat.Parquet).Single();
        var ids = (TextColumn)dm.GetColumn("USUBJID")!;
        return (output, Enumerable.Range(0, 4).Select(r => ids.GetString(r)!).ToArray());
    }

    /// <summary>Writes row groups of (USUBJID, AETERM, AESEQ) records, numbering AESEQ from 1.</summary>
    private static void WriteGroups(string path, DataField<string> id, DataField<string> term, DataField<double?> seq, string?[][] ids, string?[][] terms)
    {
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(id, term, seq), stream).GetAwaiter().GetResult();
        double next = 0;
        for (int g = 0; g < ids.Length; g++)
        {
            using var group = writer.CreateRowGroup();
            group.WriteAsync(id, ids[g]!).GetAwaiter().GetResult();
            group.WriteAsync(term, terms[g]!).GetAwaiter().GetResult();
            group.WriteAsync<double>(seq, ids[g].Select(_ => (double?)++next).ToArray().AsMemory()).GetAwaiter().GetResult();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
