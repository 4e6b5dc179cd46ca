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
    public void BatchesNarrowedToBytes_HoldEveryCodeInItsRow_AtEveryLengthAndOffset()
    {
        // Lengths around the vector step (32 codes), every one-byte code (−1 to 253), and a batch whose codes are given a
        // largest code by the caller: each row reads back the code added there.
        var random = new Random(7);
        foreach (int length in new[] { 0, 1, 31, 32, 33, 63, 64, 65, 100, 4096 })
        {
            var codes = Enumerable.Range(0, length).Select(_ => random.Next(-1, 254)).ToArray();
            var narrowed = new byte[length + 3];
            CodeArrayBuilder.NarrowToBytes(codes, narrowed.AsSpan(3, length));
            Assert.Equal(codes.Select(c => (byte)(c + 1)), narrowed.Skip(3));
            var builder = new CodeArrayBuilder(length + 5);
            builder.AddRange([3, 0, 253, -1, 7]);
            builder.AddRange(codes, 253);
            Assert.Equal([3, 0, 253, -1, 7, .. codes], Enumerable.Range(0, builder.Count).Select(builder.Get));
        }
    }

    [Fact]
    public void BatchesNarrowedToShorts_HoldEveryCodeInItsRow_AtEveryLengthAndOffset()
    {
        // Lengths around the vector step (16 codes), codes across the two-byte range (−1 to 65,533, the largest given by
        // the caller): each row reads back the code added there, after codes added one by one.
        var random = new Random(11);
        foreach (int length in new[] { 0, 1, 15, 16, 17, 31, 32, 33, 100, 4096 })
        {
            var codes = Enumerable.Range(0, length).Select(k => k % 7 == 0 ? -1 : k % 5 == 0 ? 65_533 : random.Next(0, 65_534)).ToArray();
            var narrowed = new ushort[length + 3];
            CodeArrayBuilder.NarrowToShorts(codes, narrowed.AsSpan(3, length));
            Assert.Equal(codes.Select(c => (ushort)(c + 1)), narrowed.Skip(3));
            var builder = new CodeArrayBuilder(length + 5);
            builder.AddRange([3, 0, 300, -1, 7]);
            builder.AddRange(codes, 65_533);
            Assert.Equal([3, 0, 300, -1, 7, .. codes], Enumerable.Range(0, builder.Count).Select(builder.Get));
        }
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

    public static TheoryData<string, string?[]> SubjectSequences() => new()
    {
        // Every subject once, in DM's order, as most datasets hold them: the column shares the directory's own array.
        { "every subject in order", [.. Enumerable.Range(0, 50).Select(k => (string?)$"S-{k:D3}")] },
        // Several rows a subject, missing rows between.
        { "rows a subject", [.. Enumerable.Range(0, 150).Select(r => r % 11 == 5 ? null : (string?)$"S-{r / 3:D3}")] },
        // The first subjects only (a dataset cut short).
        { "a prefix", ["S-000", "S-000", "S-001", "S-002"] },
        // In order, then a gap (a subject without records), then a value DM lacks, then back to a subject seen before.
        { "a late gap", ["S-000", "S-001", "S-002", "S-005", "S-006", "X-1", "S-001", "S-049"] },
        { "a stranger after the order", ["S-000", "S-001", "Z-9", "S-002"] },
        { "the first subject missing", ["S-001", "S-002"] },
    };

    [Theory]
    [MemberData(nameof(SubjectSequences))]
    public void SubjectsInDmOrder_AreCodedAsTheDirectoryNumbersThem_AndGiveTheColumnOfOneCodedWithout(string because, string?[] rows)
    {
        var subjects = new SubjectDirectory([.. Enumerable.Range(0, 50).Select(k => $"S-{k:D3}")]);
        foreach (bool dictionaryFirst in new[] { false, true })
        {
            var pool = new StringPool();
            var directed = new TextColumnBuilder(pool, rows.Length);
            directed.UseSubjects(subjects);
            if (dictionaryFirst)
            {
                // A Parquet chunk's dictionary in first-use order, entered before its rows.
                var codes = new Dictionary<string, int>();
                foreach (var r in rows)
                    if (r is not null && !codes.ContainsKey(r)) codes[r] = directed.CodeOf(r);
                directed.Prepare(directed.DistinctCount, runs: true);
                directed.AddCodes([.. rows.Select(r => r is null ? -1 : codes[r])]);
            }
            else foreach (var r in rows) directed.Add(r);
            Assert.Equal(rows, Enumerable.Range(0, rows.Length).Select(directed.Peek));
            var plain = new TextColumnBuilder(pool, rows.Length);
            foreach (var r in rows) plain.Add(r);
            var a = directed.Build("USUBJID");
            var b = plain.Build("USUBJID");
            Assert.True(b.Dictionary.SequenceEqual(a.Dictionary), because);
            Assert.Equal(Enumerable.Range(0, rows.Length).Select(b.CodeAt), Enumerable.Range(0, rows.Length).Select(a.CodeAt));
            Assert.Equal(rows, Enumerable.Range(0, rows.Length).Select(a.GetString));
            if (because == "every subject in order") Assert.Same(subjects.Ids, a.Dictionary);
        }
    }

    public static TheoryData<string, int[]> LargeColumns() => new()
    {
        // The 255th distinct value a few thousand rows in: two bytes from the start, never a byte array copied.
        { "wide early", [.. Enumerable.Range(0, 40_000).Select(r => r % 3_000)] },
        // Narrow throughout the staged rows, wide later: staging ends a byte wide, then widens as before.
        { "wide late", [.. Enumerable.Range(0, 40_000).Select(r => r < 30_000 ? r % 200 : r % 70_000)] },
        // Fewer rows than are staged, with missing codes.
        { "short", [.. Enumerable.Range(0, 1_000).Select(r => r % 7 == 0 ? -1 : r % 300)] },
        // Exactly the staged count, then one more.
        { "boundary", [.. Enumerable.Range(0, 16_385).Select(r => r % 256 - 1)] },
        { "four bytes", [.. Enumerable.Range(0, 20_000).Select(r => r * 7)] },
    };

    [Theory]
    [MemberData(nameof(LargeColumns))]
    public void ALargeColumnStagedUntilItsWidthIsKnown_HoldsTheCodesOfOneGrownCodeByCode(string because, int[] codes)
    {
        foreach (int batch in new[] { 1, 1_000, 20_000 })
        {
            // Sized for millions of rows (a Parquet column): its first codes are staged before storage is chosen.
            var staged = new CodeArrayBuilder(1 << 21);
            var grown = new CodeArrayBuilder(256);
            for (int from = 0; from < codes.Length; from += batch)
            {
                var part = codes.AsSpan(from, Math.Min(batch, codes.Length - from));
                if (batch == 1) staged.Add(part[0]);
                else staged.AddRange(part);
                grown.AddRange(part);
                // Readable while staged.
                Assert.Equal(part[^1], staged.Get(from + part.Length - 1));
            }
            Assert.Equal(codes.Length, staged.Count);
            var a = staged.Build();
            var b = grown.Build();
            Assert.True(codes.SequenceEqual(Enumerable.Range(0, codes.Length).Select(r => a[r])), because);
            Assert.Equal(b.BytesPerRow, a.BytesPerRow);
        }
    }

    [Theory]
    [InlineData(500)]
    [InlineData(70_000)]
    public void ALargeNumberColumn_GivesTheColumnOfOneBuiltWithoutItsSize(int distinct)
    {
        // Past 65,534 distinct values a number column turns into plain doubles, after its staged rows are stored.
        var values = Enumerable.Range(0, 100_000).Select(r => r % 13 == 0 ? double.NaN : r % distinct * 0.5).ToArray();
        var sized = new NumberColumnBuilder(1 << 21);
        var unsized = new NumberColumnBuilder();
        sized.AddRange(values.AsSpan(0, 10_000));
        foreach (double v in values.AsSpan(10_000)) sized.Add(v);
        foreach (double v in values) unsized.Add(v);
        var a = sized.Build("LBSTRESN");
        var b = unsized.Build("LBSTRESN");
        Assert.Equal(b.IsDictionaryEncoded, a.IsDictionaryEncoded);
        Assert.Equal(Enumerable.Range(0, values.Length).Select(b.RawAt), Enumerable.Range(0, values.Length).Select(a.RawAt));
    }
}
