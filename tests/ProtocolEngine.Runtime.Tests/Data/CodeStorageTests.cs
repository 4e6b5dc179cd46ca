using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Tests.Data;

/// <summary>
/// The code storage a reader chooses up front (Parquet: the column's dictionaries are read before its rows) holds exactly
/// the codes added, in the same final form as storage that grew code by code; a dictionary entered out of first-use order
/// or with entries no row holds is renumbered as if the values had been added one by one.
/// </summary>
public class CodeStorageTests
{
    public static TheoryData<int, bool, int[]> Cases() => new()
    {
        // One value prepared: missing and present rows, all present, all missing.
        { 1, false, [0, -1, 0, 0, -1] },
        { 1, false, [0, 0, 0] },
        { 1, false, [-1, -1] },
        // One value prepared, then a second arrives (a file's dictionary lied): the plain form takes over.
        { 1, false, [0, -1, 3, 0] },
        // Runs of a grouped column, within budget and past it.
        { 300, true, Runs(300, 40) },
        { 300, true, Enumerable.Range(0, 400).Select(r => r % 300).ToArray() },
        // Runs prepared for a column that turns out to hold one value: the constant form, as Compact gives it.
        { 2, true, [0, 0, 0, -1, 0] },
        // Widths chosen up front, including a code past the prepared width.
        { 200, false, Enumerable.Range(0, 1000).Select(r => r % 200 - (r % 97 == 0 ? 201 : 0)).Select(c => Math.Max(c, -1)).ToArray() },
        { 70_000, false, Enumerable.Range(0, 2000).Select(r => r * 35 % 70_000).ToArray() },
        { 10, false, [1, 2, 70_000, 3] },
        { 5, false, [] },
    };

    private static int[] Runs(int distinct, int length) => Enumerable.Range(0, distinct * length).Select(r => r / length).ToArray();

    [Theory]
    [MemberData(nameof(Cases))]
    public void PreparedStorage_HoldsTheCodesAdded_InTheFormGrowingStorageGives(int distinct, bool runs, int[] codes)
    {
        foreach (bool batch in new[] { false, true })
        {
            var prepared = new CodeArrayBuilder(codes.Length);
            prepared.Prepare(distinct, runs);
            var grown = new CodeArrayBuilder(codes.Length);
            if (batch)
            {
                prepared.AddRange(codes);
                grown.AddRange(codes);
            }
            else
            {
                foreach (int code in codes)
                {
                    prepared.Add(code);
                    grown.Add(code);
                }
            }
            Assert.Equal(codes, Enumerable.Range(0, codes.Length).Select(prepared.Get));
            var built = prepared.Build();
            // Runs are what the view keeps for USUBJID once indexed by subject: compared with the grown form compacted so.
            var expected = runs ? grown.Build().Compact(runs: true) : grown.Build();
            Assert.Equal(codes, Enumerable.Range(0, codes.Length).Select(r => built[r]));
            Assert.Equal(expected.BytesPerRow, built.BytesPerRow);
            Assert.Equal(expected.MemoryBytes, built.MemoryBytes);
            Assert.Equal(expected.CountMissing(), built.CountMissing());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AColumnCodedThroughTheSubjectDirectory_HoldsTheCodesAndDictionaryOfOneCodedWithout(bool dictionaryFirst)
    {
        // Subjects in DM's order; the column meets them out of order, far ahead of the walk, and meets values DM lacks.
        var subjects = new SubjectDirectory([.. Enumerable.Range(0, 50).Select(k => $"S-{k:D3}")]);
        string?[] rows = ["S-000", "S-000", "S-003", "X-1", "S-040", "S-001", null, "S-040", "X-1", "S-049", "X-2", "S-002"];
        var pool = new StringPool();
        var directed = new TextColumnBuilder(pool, rows.Length);
        directed.UseSubjects(subjects);
        var plain = new TextColumnBuilder(pool, rows.Length);
        if (dictionaryFirst)
        {
            // A Parquet chunk's dictionary, entered before its rows in an order other than first use (so Build renumbers).
            string[] entries = ["X-2", "S-049", "S-000", "S-003", "X-1", "S-040", "S-001", "S-002", "S-010"];
            var codes = entries.ToDictionary(e => e, e => directed.CodeOf(e));
            directed.Prepare(directed.DistinctCount, runs: false);
            directed.AddCodes([.. rows.Select(r => r is null ? -1 : codes[r])]);
        }
        else foreach (var r in rows) directed.Add(r);
        foreach (var r in rows) plain.Add(r);
        var a = directed.Build("USUBJID");
        var b = plain.Build("USUBJID");
        Assert.Equal(b.Dictionary, a.Dictionary);
        Assert.Equal(Enumerable.Range(0, rows.Length).Select(b.CodeAt), Enumerable.Range(0, rows.Length).Select(a.CodeAt));
        Assert.Equal(rows, Enumerable.Range(0, rows.Length).Select(a.GetString));
    }

    [Fact]
    public void DictionaryEnteredOutOfFirstUseOrder_IsRenumberedByFirstUse_AndUnusedEntriesDropped()
    {
        var pool = new StringPool();
        var builder = new TextColumnBuilder(pool, 6);
        // A file's dictionary lists C, B, A, D; its rows hold B, A, B, (missing), A; D is never used.
        var codes = new[] { "C", "B", "A", "D" }.Select(v => builder.CodeOf(v)).ToArray();
        builder.Prepare(builder.DistinctCount, runs: false);
        builder.AddCodes([codes[1], codes[2], codes[1], -1, codes[2]]);
        var column = builder.Build("XXTERM");

        var oneByOne = new TextColumnBuilder(pool);
        foreach (var v in new[] { "B", "A", "B", null, "A" }) oneByOne.Add(v);
        var expected = oneByOne.Build("XXTERM");
        Assert.Equal(expected.Dictionary, column.Dictionary);
        Assert.Equal(["B", "A"], column.Dictionary);
        Assert.Equal(Enumerable.Range(0, 5).Select(expected.CodeAt), Enumerable.Range(0, 5).Select(column.CodeAt));
        Assert.Equal(expected.BytesPerRow, column.BytesPerRow);
    }

    [Fact]
    public void PoolNumbers_GiveTheSameColumnAsTheBuildersOwnLookup()
    {
        var values = Enumerable.Range(0, 20_000).Select(r => $"SUBJ-{r / 7 % 5000:D5}").ToArray();
        var pool = new StringPool();
        pool.Get("SUBJ-99999"); // numbers in the pool need not start at this column's values
        var byIds = new TextColumnBuilder(pool, values.Length);
        byIds.UsePoolIds();
        var byOwn = new TextColumnBuilder(pool, values.Length);
        foreach (var v in values)
        {
            byIds.Add(v);
            byOwn.Add(v);
        }
        var a = byIds.Build("USUBJID");
        var b = byOwn.Build("USUBJID");
        Assert.Equal(b.Dictionary, a.Dictionary);
        Assert.Equal(Enumerable.Range(0, values.Length).Select(b.CodeAt), Enumerable.Range(0, values.Length).Select(a.CodeAt));
        // One copy of each string for the whole pool.
        Assert.Same(pool.Get("SUBJ-00003"), a.Dictionary[3]);
    }
}
