using DuckDB.NET.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Parquet;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests.Loading;

/// <summary>
/// The loader's own Parquet page decoder against the Parquet library it replaces on the fast path: every file read
/// both ways must give the same view to the bit (values, dictionaries in the same order, empty-vs-null, storage
/// widths), over files written by our converter and by DuckDB with every codec and both page versions; corrupt
/// files are a <see cref="DataFormatException"/>, never another exception.
/// </summary>
public class ParquetDecoderTests
{
    [Fact]
    public void PilotConvertedToParquet_ReadsIdenticallyThroughBothDecoders()
    {
        var output = TestData.NewTempFolder();
        StudyConverter.Convert(TestData.Pilot, DataFileFormat.Parquet, output, TestData.Options(TestData.Pilot));
        int own = 0;
        foreach (var file in Directory.GetFiles(output, "*.parquet").Order(StringComparer.Ordinal))
        {
            var counts = new ParquetDatasetReader.ChunkCounts();
            var fast = ParquetDatasetReader.Read(file, null, ownDecoder: true, counts);
            var library = ParquetDatasetReader.Read(file, null, ownDecoder: false);
            AssertIdentical(library, fast, Path.GetFileName(file));
            Assert.True(counts.Library == 0, $"{Path.GetFileName(file)}: {counts.Library} chunks left to the library");
            own += counts.Own;
        }
        Assert.True(own > 100, $"only {own} chunks decoded");
    }

    public static TheoryData<string, string, int> DuckDbFiles() => new()
    {
        { "UNCOMPRESSED", "V1", 100_000 },
        { "SNAPPY", "V1", 1_000 },
        { "GZIP", "V1", 100_000 },
        { "ZSTD", "V1", 777 },
        { "SNAPPY", "V2", 100_000 },
        { "ZSTD", "V2", 1_000 },
        { "UNCOMPRESSED", "V2", 333 },
    };

    /// <summary>
    /// DuckDB writes Parquet as data lakes hold it: several row groups, dictionary pages falling back to plain ones
    /// for many distinct values, v2 pages, other codecs, integers and floats, nulls, "" and non-ASCII text.
    /// </summary>
    [Theory]
    [MemberData(nameof(DuckDbFiles))]
    public void ParquetWrittenByDuckDb_ReadsIdenticallyThroughBothDecoders(string codec, string version, int rowGroupSize)
    {
        var file = Path.Combine(TestData.NewTempFolder(), "xx.parquet");
        WriteWithDuckDb($"""
            COPY (
              SELECT
                'S-' || (i // 7) AS USUBJID,
                CASE WHEN i % 11 = 0 THEN NULL WHEN i % 13 = 0 THEN '' WHEN i % 17 = 0 THEN 'Ωmega ≈ ç ' || (i % 5) ELSE 'TEST' || (i % 40) END AS XXTESTCD,
                'free text ' || i AS XXTERM,
                CASE WHEN i % 9 = 0 THEN NULL ELSE CAST(i % 1000 AS DOUBLE) / 8 END AS XXSTRESN,
                CASE WHEN i % 10 = 0 THEN -CAST(0 AS DOUBLE) WHEN i % 10 = 1 THEN CAST(0 AS DOUBLE) ELSE CAST(i AS DOUBLE) / 1000 END AS XXDOUBLE,
                CAST(i % 50000 AS INTEGER) AS XXINT,
                CASE WHEN i % 5 = 0 THEN NULL ELSE CAST(i AS BIGINT) * 1000003 END AS XXBIG,
                CAST(CAST(i AS DOUBLE) / 3 AS FLOAT) AS XXFLOAT,
                'CONSTANT' AS XXCONST
              FROM range(0, 250000) t(i)
            ) TO '{file}' (FORMAT parquet, COMPRESSION {codec}, PARQUET_VERSION {version}, ROW_GROUP_SIZE {rowGroupSize})
            """);
        var counts = new ParquetDatasetReader.ChunkCounts();
        var fast = ParquetDatasetReader.Read(file, null, ownDecoder: true, counts);
        var library = ParquetDatasetReader.Read(file, null, ownDecoder: false);
        Assert.Equal(250_000, fast.RowCount);
        AssertIdentical(library, fast, $"{codec} {version}");
        // v2 files use encodings the decoder leaves to the library (DELTA_*, BYTE_STREAM_SPLIT); v1 files are read whole.
        Assert.True(counts.Own > 0, $"no chunk decoded ({counts.Library} left to the library)");
        if (version == "V1") Assert.Equal(0, counts.Library);
    }

    /// <summary>
    /// Files read together (ReadMany, what a study's load does) are the files read one at a time, with one worker and
    /// with two: DM's USUBJID is read first and its subjects then serve the other files' USUBJID columns while every
    /// other column of any file is read alongside. With one worker the queue's order is what runs, and LB (every
    /// subject, in DM's order, over several row groups) walks DM's subjects and shares DM's dictionary; this fails when
    /// DM's USUBJID is not first in the queue or its subjects are not handed on. AE holds subjects out of order and
    /// some DM lacks.
    /// </summary>
    [Fact]
    public void ManyFiles_ReadTogether_AreTheFilesReadAlone_WithOneWorkerAndTwo()
    {
        var folder = TestData.NewTempFolder();
        WriteWithDuckDb($"""
            COPY (SELECT 'S-' || i AS USUBJID, 'ID' || i AS SUBJID, CAST(20 + i % 60 AS DOUBLE) AS AGE FROM range(0, 5000) t(i) ORDER BY i)
              TO '{Path.Combine(folder, "dm.parquet")}' (FORMAT parquet, ROW_GROUP_SIZE 1000);
            COPY (SELECT 'S-' || (i // 4) AS USUBJID, 'T' || (i % 4) AS LBTESTCD, 'free text ' || i AS LBORRES, CAST(i AS DOUBLE) / 8 AS LBSTRESN
                  FROM range(0, 20000) t(i) ORDER BY i)
              TO '{Path.Combine(folder, "lb.parquet")}' (FORMAT parquet, ROW_GROUP_SIZE 3000);
            COPY (SELECT 'S-' || ((i * 37) % 5003) AS USUBJID, 'TERM' || (i % 9) AS AETERM FROM range(0, 3000) t(i) ORDER BY i)
              TO '{Path.Combine(folder, "ae.parquet")}' (FORMAT parquet, ROW_GROUP_SIZE 1000);
            """);
        string[] paths = [.. new[] { "ae", "dm", "lb" }.Select(name => Path.Combine(folder, name + ".parquet"))];
        var alone = paths.Select(path => ParquetDatasetReader.Read(path)).ToArray();
        foreach (int workers in new[] { 1, 2 })
        {
            for (int run = 0; run < 3; run++)
            {
                var together = ParquetDatasetReader.ReadMany(paths, new DatasetReadOptions { Pool = new StringPool() }, workers);
                for (int f = 0; f < paths.Length; f++) AssertIdentical(alone[f], together[f], $"{workers} worker(s), {Path.GetFileName(paths[f])}");
                if (workers == 1)
                    Assert.Same(((TextColumn)together[1].GetColumn("USUBJID")!).Dictionary, ((TextColumn)together[2].GetColumn("USUBJID")!).Dictionary);
            }
        }
    }

    /// <summary>
    /// A study loaded from Parquet has each dataset's rows grouped by subject in DM's order and, inside a subject, by
    /// sequence number, whatever the file's order: LB written sorted in row groups of 37 rows (a subject's 50 rows span
    /// row groups; USUBJID is kept as runs), in one row group, with subjects shuffled and each subject's rows
    /// in reverse, with each subject's rows in two places, in DM's order with each subject's rows in reverse (only the
    /// sequence numbers inside a subject's run say the file is out of order); and CM, a file with one subject's rows in reverse.
    /// </summary>
    [Theory]
    [InlineData("i", 37)]
    [InlineData("i", 100_000)]
    [InlineData("(i // 50 * 7919) % 200, -i", 37)]
    [InlineData("i % 2, i", 37)]
    [InlineData("i // 50, -i", 37)]
    public void LoadedFromParquet_RowsAreBySubjectThenSequence(string order, int rowGroupSize)
    {
        var folder = TestData.NewTempFolder();
        WriteWithDuckDb($"""
            COPY (SELECT 'S-' || i AS USUBJID, 'ID' || i AS SUBJID, CAST(20 + i % 60 AS DOUBLE) AS AGE FROM range(0, 200) t(i) ORDER BY i)
              TO '{Path.Combine(folder, "dm.parquet")}' (FORMAT parquet);
            COPY (SELECT 'S-' || (i // 50) AS USUBJID, CAST(i % 50 + 1 AS DOUBLE) AS LBSEQ, 'T' || (i % 50) AS LBTESTCD, 'v' || i AS LBORRES FROM range(0, 10000) t(i) ORDER BY {order})
              TO '{Path.Combine(folder, "lb.parquet")}' (FORMAT parquet, ROW_GROUP_SIZE {rowGroupSize});
            COPY (SELECT 'S-' || 42 AS USUBJID, CAST(i + 1 AS DOUBLE) AS CMSEQ, 'drug ' || i AS CMTRT FROM range(0, 3) t(i) ORDER BY -i)
              TO '{Path.Combine(folder, "cm.parquet")}' (FORMAT parquet);
            """);
        var study = StudyLoader.Load(folder).Data;
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"S-{i}"), study.SubjectIds);
        var lb = study.GetDomain("LB")!;
        var lbIds = (TextColumn)lb.GetColumn("USUBJID")!;
        var results = (TextColumn)lb.GetColumn("LBORRES")!;
        for (int s = 0; s < 200; s++)
        {
            var (start, count) = lb.RowsOf(s);
            Assert.Equal(Enumerable.Range(50 * s, 50).Select(i => $"v{i}"), Enumerable.Range(start, count).Select(results.GetString));
            Assert.All(Enumerable.Range(start, count), r => Assert.Equal($"S-{s}", lbIds.GetString(r)));
        }
        var cm = study.GetDomain("CM")!;
        var treatments = (TextColumn)cm.GetColumn("CMTRT")!;
        Assert.Equal((0, 0), cm.RowsOf(41));
        var (first, rows) = cm.RowsOf(42);
        Assert.Equal(["drug 0", "drug 1", "drug 2"], Enumerable.Range(first, rows).Select(treatments.GetString));
        Assert.Equal((3, 0), cm.OrphanRows);
    }

    [Fact]
    public void CorruptChunks_AreAnErrorNamingTheFile_NeverAnotherException()
    {
        var output = TestData.NewTempFolder();
        StudyConverter.Convert(Path.Combine(TestData.Pilot, "ae.xpt"), DataFileFormat.Parquet, output, TestData.Options(TestData.Pilot));
        var file = Path.Combine(output, "ae.parquet");
        var original = File.ReadAllBytes(file);
        // Bytes after the 4-byte magic and before the footer are pages: overwrite some, deterministically.
        var random = new Random(18);
        int errors = 0, read = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            var bytes = (byte[])original.Clone();
            int at = random.Next(4, bytes.Length / 2);
            int count = random.Next(1, 9);
            for (int k = 0; k < count && at + k < bytes.Length; k++) bytes[at + k] = (byte)random.Next(256);
            File.WriteAllBytes(file, bytes);
            try
            {
                ParquetDatasetReader.Read(file);
                read++;
            }
            catch (DataFormatException e)
            {
                Assert.Equal(file, e.File);
                errors++;
            }
        }
        // Most damage is caught (sizes, headers, decompression); damage to a value's bytes can only read as another value.
        Assert.True(errors > 100, $"{errors} errors, {read} read");
    }

    /// <summary>Runs <paramref name="sql"/> (COPY ... TO a Parquet file) in an in-memory DuckDB: how these tests write Parquet as data lakes hold it.</summary>
    private static void WriteWithDuckDb(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void AssertIdentical(DomainTable expected, DomainTable actual, string where)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.Columns.Select(c => (c.Name, c.Kind, c.GetType())), actual.Columns.Select(c => (c.Name, c.Kind, c.GetType())));
        for (int c = 0; c < expected.Columns.Count; c++)
        {
            var at = $"{where} {expected.Columns[c].Name}";
            switch (expected.Columns[c])
            {
                case TextColumn e:
                {
                    var a = (TextColumn)actual.Columns[c];
                    Assert.True(e.Dictionary.SequenceEqual(a.Dictionary), $"{at}: dictionaries differ");
                    // Our decoder keeps a USUBJID whose rows come grouped by subject as runs from the start (the view keeps
                    // it so once the rows are indexed by subject); the library path gets there only after indexing.
                    bool runs = a.BytesPerRow == 0 && string.Equals(e.Name, "USUBJID", StringComparison.OrdinalIgnoreCase);
                    Assert.True(e.BytesPerRow == a.BytesPerRow || runs, $"{at}: {e.BytesPerRow} bytes a row expected, {a.BytesPerRow} found");
                    for (int r = 0; r < e.Count; r++)
                        if (e.GetString(r) != a.GetString(r) || e.IsEmptyString(r) != a.IsEmptyString(r))
                            Assert.Fail($"{at} row {r + 1}: '{e.GetString(r)}' (empty {e.IsEmptyString(r)}) expected, '{a.GetString(r)}' (empty {a.IsEmptyString(r)}) found");
                    break;
                }
                case NumberColumn e:
                {
                    var a = (NumberColumn)actual.Columns[c];
                    for (int r = 0; r < e.Count; r++)
                        if (BitConverter.DoubleToInt64Bits(e.RawAt(r)) != BitConverter.DoubleToInt64Bits(a.RawAt(r)) || e.MissingKindAt(r) != a.MissingKindAt(r))
                            Assert.Fail($"{at} row {r + 1}: {e.RawAt(r):R} expected, {a.RawAt(r):R} found");
                    break;
                }
            }
        }
    }
}
