using Parquet;
using Parquet.Schema;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests.Loading;

/// <summary>The columnar study store: XPT converted to Parquet loads into the same subject view; bad Parquet is a clear error.</summary>
public class ParquetTests
{
    [Fact]
    public void PilotXpt_ConvertedToParquet_LoadsIntoTheSameView_DictionaryCoded()
    {
        var fromXpt = StudyLoader.Load(TestData.Pilot, TestData.Options(TestData.Pilot)).Data;
        var output = TestData.NewTempFolder();
        var result = StudyConverter.Convert(TestData.Pilot, DataFileFormat.Parquet, output, TestData.Options(TestData.Pilot));
        Assert.All(result.Files, f => Assert.EndsWith(".parquet", f, StringComparison.Ordinal));
        var loaded = StudyLoader.Load(output);
        Assert.All(loaded.Sources, s => Assert.Equal(DataFileFormat.Parquet, s.Format));
        var fromParquet = loaded.Data;

        Assert.Equal(fromXpt.SubjectIds, fromParquet.SubjectIds);
        Assert.Equal(fromXpt.Domains.Select(d => d.Name), fromParquet.Domains.Select(d => d.Name));
        foreach (var expected in fromXpt.Domains)
        {
            var actual = fromParquet.GetDomain(expected.Name)!;
            TableAssert.Equal(expected, actual);
            for (int s = 0; s < fromXpt.SubjectCount; s++) Assert.Equal(expected.RowsOf(s), actual.RowsOf(s));
            // Text columns come back dictionary-coded: one entry per distinct value, never one per row.
            foreach (var column in expected.Columns.OfType<TextColumn>())
            {
                var back = (TextColumn)actual.GetColumn(column.Name)!;
                Assert.Equal(column.Dictionary.Order(StringComparer.Ordinal), back.Dictionary.Order(StringComparer.Ordinal));
                Assert.Equal(column.BytesPerRow, back.BytesPerRow);
            }
        }
    }

    [Fact]
    public void TruncatedFile_IsAnErrorNamingTheFile()
    {
        var output = TestData.NewTempFolder();
        StudyConverter.Convert(Path.Combine(TestData.Pilot, "dm.xpt"), DataFileFormat.Parquet, output, TestData.Options(TestData.Pilot));
        var file = Path.Combine(output, "dm.parquet");
        var bytes = File.ReadAllBytes(file);
        foreach (int keep in new[] { 0, 3, bytes.Length / 2, bytes.Length - 5 })
        {
            File.WriteAllBytes(file, bytes[..keep]);
            var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(output));
            Assert.Equal(file, ex.File);
            Assert.Contains("Parquet", ex.Message);
        }
    }

    [Fact]
    public void ColumnOfAnotherType_IsAnErrorNamingTheFileAndColumn()
    {
        var output = TestData.NewTempFolder();
        var file = Path.Combine(output, "dm.parquet");
        var id = new DataField<string>("USUBJID", true);
        var flag = new DataField<bool?>("DTHFL");
        Write(file, new ParquetSchema(id, flag), async group =>
        {
            await group.WriteAsync(id, new[] { "S1", "S2" });
            await group.WriteAsync<bool>(flag, new bool?[] { true, null }.AsMemory());
        });
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(output));
        Assert.Equal(file, ex.File);
        Assert.Equal("DTHFL", ex.Variable);
        Assert.Contains("Boolean", ex.Message);
    }

    [Fact]
    public void DatasetWithoutUsubjid_IsAnErrorNamingTheFileAndColumn()
    {
        var output = TestData.NewTempFolder();
        StudyConverter.Convert(Path.Combine(TestData.Pilot, "dm.xpt"), DataFileFormat.Parquet, output, TestData.Options(TestData.Pilot));
        var file = Path.Combine(output, "lb.parquet");
        var test = new DataField<string>("LBTESTCD", true);
        var value = new DataField<double?>("LBSTRESN");
        Write(file, new ParquetSchema(test, value), async group =>
        {
            await group.WriteAsync(test, new[] { "ALT", "AST" });
            await group.WriteAsync<double>(value, new double?[] { 20, null }.AsMemory());
        });
        var ex = Assert.Throws<DataFormatException>(() => StudyLoader.Load(output));
        Assert.Equal(file, ex.File);
        Assert.Contains("USUBJID", ex.Message);
    }

    [Fact]
    public void ParquetFromElsewhere_WithNullsEmptiesAndIntegers_ReadsAsTheFileSays()
    {
        var output = TestData.NewTempFolder();
        var file = Path.Combine(output, "xx.parquet");
        var text = new DataField<string>("XXTERM", true);
        var count = new DataField<long?>("XXCOUNT");
        Write(file, new ParquetSchema(text, count), async group =>
        {
            await group.WriteAsync(text, new[] { "A", null, "", "A" });
            await group.WriteAsync<long>(count, new long?[] { 1, null, 3, 4 }.AsMemory());
        });
        var table = StudyLoader.ReadFile(file, DataFileFormat.Parquet).Single();
        Assert.Equal("XX", table.Name);
        var term = (TextColumn)table.GetColumn("XXTERM")!;
        Assert.Equal(["A", null, null, "A"], Enumerable.Range(0, 4).Select(term.GetString));
        Assert.True(term.IsEmptyString(2));
        Assert.False(term.IsEmptyString(1));
        var n = (NumberColumn)table.GetColumn("XXCOUNT")!;
        Assert.Equal([1.0, null, 3.0, 4.0], Enumerable.Range(0, 4).Select(n.GetDouble));
    }

    [Fact]
    public void EdgeValues_ReadBackBitForBit()
    {
        // Nulls, negative zero beside zero, the extremes of double, dates before 1900, partial ISO dates and empty
        // text, spread over more than one distinct value so the loader's coded forms and lookups all take part.
        double[] numbers = [0.0, -0.0, double.NaN, 1e300, -1e300, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 123456789.123456789, 0.1, -0.0, 0.0, 1e-300];
        string?[] dates = ["1850-02-28", "1899-12-31T23:59", "2014", "2014-03", null, "", "2014-03-17T10:30:15", "1900-01-01", "0001-01-01", "2014", "", null, "1850-02-28", "9999-12-31"];
        string?[] terms = ["", null, "A", "a", "A ", " A", "Ω≈ç", "", "A", null, "x", "y", "z", ""];
        var n = new NumberColumnBuilder();
        foreach (var v in numbers) n.Add(v);
        var d = new TextColumnBuilder();
        var t = new TextColumnBuilder();
        foreach (var v in dates) d.Add(v);
        foreach (var v in terms) t.Add(v);
        var table = new DomainTable("XX", "Edges", [n.Build("XXVAL"), d.Build("XXDTC", isDateTime: true), t.Build("XXTERM")], null);

        var file = Path.Combine(TestData.NewTempFolder(), "xx.parquet");
        DatasetWriter.Write(table, file, DataFileFormat.Parquet);
        var back = StudyLoader.ReadFile(file, DataFileFormat.Parquet).Single();

        TableAssert.Equal(table, back, compareEmptyStrings: true);
        var value = (NumberColumn)back.GetColumn("XXVAL")!;
        for (int r = 0; r < numbers.Length; r++)
            Assert.True(BitConverter.DoubleToInt64Bits(numbers[r]) == BitConverter.DoubleToInt64Bits(value.RawAt(r)) || (double.IsNaN(numbers[r]) && value.IsMissing(r)),
                $"row {r + 1}: {numbers[r]:R} expected, {value.RawAt(r):R} found");
        var date = (TextColumn)back.GetColumn("XXDTC")!;
        Assert.Equal(ColumnKind.DateTime, date.Kind);
        for (int r = 0; r < dates.Length; r++)
            Assert.Equal(((TextColumn)table.Columns[1]).GetDateTime(r)?.ToString(), date.GetDateTime(r)?.ToString());
        Assert.Equal(((TextColumn)table.Columns[2]).Dictionary, ((TextColumn)back.GetColumn("XXTERM")!).Dictionary);
    }

    private static void Write(string path, ParquetSchema schema, Func<ParquetRowGroupWriter, Task> write)
    {
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(schema, stream).GetAwaiter().GetResult();
        using (var group = writer.CreateRowGroup()) write(group).GetAwaiter().GetResult();
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
