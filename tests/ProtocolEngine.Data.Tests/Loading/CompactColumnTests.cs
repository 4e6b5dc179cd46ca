using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests.Loading;

/// <summary>
/// The storage forms that cost less than a byte a row (one distinct value kept as a bit a row or nothing; USUBJID
/// kept as runs once rows are grouped by subject) read exactly like the plain forms, after selection and a Parquet
/// round trip too.
/// </summary>
public class CompactColumnTests
{
    [Theory]
    [InlineData("Y|Y|Y")]
    [InlineData("Y|~||Y|~")]
    [InlineData("~|~|")]
    public void OneDistinctValue_IsStoredWithoutABytePerRow_AndReadsTheSame(string pattern)
    {
        // Values separated by |, ~ for null (an empty value is an empty string).
        var values = pattern.Split('|').Select(v => v == "~" ? null : v).ToArray();
        // Long enough to cross a 64-row word of the presence bits.
        var rows = Enumerable.Range(0, 150).Select(i => values[i % values.Length]).ToArray();
        var builder = new TextColumnBuilder();
        foreach (var v in rows) builder.Add(v);
        var column = builder.Build("XXFL");

        Assert.Equal(0, column.BytesPerRow);
        for (int r = 0; r < rows.Length; r++)
        {
            Assert.Equal(string.IsNullOrEmpty(rows[r]) ? null : rows[r], column.GetString(r));
            Assert.Equal(string.IsNullOrEmpty(rows[r]), column.IsMissing(r));
            Assert.Equal(rows[r] == "", column.IsEmptyString(r));
            Assert.Equal(string.IsNullOrEmpty(rows[r]) ? -1 : 0, column.CodeAt(r));
        }
        Assert.Equal(rows.Count(string.IsNullOrEmpty), column.CountMissing());
        Assert.Throws<IndexOutOfRangeException>(() => column.CodeAt(rows.Length));

        int[] picked = [149, 0, 64, 63, 2, 2];
        var selected = (TextColumn)column.Select(picked);
        Assert.Equal(picked.Select(column.GetString), Enumerable.Range(0, picked.Length).Select(selected.GetString));
        Assert.Equal(picked.Select(column.IsEmptyString), Enumerable.Range(0, picked.Length).Select(selected.IsEmptyString));
    }

    [Fact]
    public void ConstantNumberColumn_ReadsTheSame()
    {
        var builder = new NumberColumnBuilder();
        for (int r = 0; r < 100; r++)
        {
            if (r % 7 == 3) builder.AddMissing(r % 2 == 0 ? 'A' : '.');
            else builder.Add(-0.0);
        }
        var column = builder.Build("XXN");
        for (int r = 0; r < 100; r++)
        {
            Assert.Equal(r % 7 == 3, column.IsMissing(r));
            if (r % 7 == 3) Assert.Equal(r % 2 == 0 ? 'A' : '.', column.MissingKindAt(r));
            else Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(column.RawAt(r)));
        }
        Assert.Equal(Enumerable.Range(0, 100).Count(r => r % 7 == 3), column.CountMissing());
    }

    [Fact]
    public void UsubjidOfATableGroupedBySubject_IsKeptAsRuns_AndReadsTheSame()
    {
        // Subjects out of DM order in the file, one subject without records, one USUBJID missing, one not in DM.
        string[] subjects = ["S1", "S2", "S3", "S4"];
        // Each entry stands for 20 records in a row: runs pay off when they are long.
        string?[] lbSubjects = [.. new[] { "S3", "S3", "S1", "S1", "S1", "S4", null, "S9", "S3", "S1", "S1", "S1" }.SelectMany(s => Enumerable.Repeat(s, 20))];
        var dm = new TextColumnBuilder();
        foreach (var s in subjects) dm.Add(s);
        var ids = new TextColumnBuilder();
        var seq = new NumberColumnBuilder();
        for (int r = 0; r < lbSubjects.Length; r++)
        {
            ids.Add(lbSubjects[r]);
            seq.Add(r + 1);
        }
        var study = new StudyDataBuilder()
            .Add(new DomainTable("DM", null, [dm.Build("USUBJID")], null))
            .Add(new DomainTable("LB", null, [ids.Build("USUBJID"), seq.Build("LBSEQ")], null))
            .Build();
        var lb = study.GetDomain("LB")!;
        var usubjid = (TextColumn)lb.GetColumn("USUBJID")!;
        var lbseq = (NumberColumn)lb.GetColumn("LBSEQ")!;
        Assert.Equal(0, usubjid.BytesPerRow);

        for (int s = 0; s < subjects.Length; s++)
        {
            var (start, count) = lb.RowsOf(s);
            Assert.Equal(lbSubjects.Count(x => x == subjects[s]), count);
            for (int r = start; r < start + count; r++) Assert.Equal(subjects[s], usubjid.GetString(r));
        }
        var (orphanStart, orphans) = lb.OrphanRows;
        Assert.Equal(40, orphans);
        var orphanIds = Enumerable.Range(orphanStart, orphans).Select(usubjid.GetString).ToList();
        Assert.Contains(null, orphanIds);
        Assert.Contains("S9", orphanIds);
        Assert.Equal(20, usubjid.CountMissing());
        // Every record is still there once, with its own sequence number beside its own subject.
        var pairs = Enumerable.Range(0, lb.RowCount).Select(r => (usubjid.GetString(r), (int)lbseq.RawAt(r))).Order().ToList();
        Assert.Equal(lbSubjects.Select((s, i) => (s, i + 1)).Order().ToList(), pairs);

        // Selected and written to Parquet, the column reads back the same.
        var selected = lb.SelectRows([.. Enumerable.Range(0, lb.RowCount).Reverse()]);
        Assert.Equal(Enumerable.Range(0, lb.RowCount).Reverse().Select(usubjid.GetString),
            Enumerable.Range(0, lb.RowCount).Select(((TextColumn)selected.GetColumn("USUBJID")!).GetString));
        var file = Path.Combine(TestData.NewTempFolder(), "lb.parquet");
        DatasetWriter.Write(lb, file, DataFileFormat.Parquet);
        var back = StudyLoader.ReadFile(file, DataFileFormat.Parquet).Single();
        TableAssert.Equal(lb, back, compareLabels: false);
        // The same entries; their order is that of first appearance in the file, which the grouping changed.
        Assert.Equal(usubjid.Dictionary.Order(StringComparer.Ordinal), ((TextColumn)back.GetColumn("USUBJID")!).Dictionary.Order(StringComparer.Ordinal));
    }
}
