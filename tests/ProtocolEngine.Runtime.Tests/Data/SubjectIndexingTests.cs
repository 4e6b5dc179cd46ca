using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Tests.Data;

/// <summary>
/// The study's subjects are DM's distinct USUBJIDs in row order, however DM's dictionary is numbered, and every dataset's
/// rows are grouped by them, including a dataset whose USUBJID dictionary is the subjects' own list (shared, not mapped)
/// and rows of no subject (last).
/// </summary>
public class SubjectIndexingTests
{
    private static TextColumn Ids(string?[] rows, string[] dictionary) =>
        new("USUBJID", null, [.. rows.Select(r => r is null ? -1 : Array.IndexOf(dictionary, r))], dictionary, isDateTime: false);

    [Theory]
    // Numbered by first use (what readers build): the dictionary is the subject list.
    [InlineData(new[] { "A", "B", "C" }, new[] { "A", "B", "C" })]
    // Numbered otherwise (a caller's own dictionary), with a missing and a repeated row: still row order.
    [InlineData(new[] { "C", "B", "A" }, new[] { "A", null, "B", "A", "C" })]
    // An entry no row holds is no subject.
    [InlineData(new[] { "A", "B", "Z" }, new[] { "A", "B" })]
    public void Subjects_AreDmsDistinctIdsInRowOrder(string[] dictionary, string?[] rows)
    {
        var dm = new DomainTable("DM", null, [Ids(rows, dictionary)], null);
        var study = new StudyDataBuilder().Add(dm).Build();
        Assert.Equal(rows.Where(r => r is not null).Distinct(), study.SubjectIds);
    }

    [Fact]
    public void ADatasetSharingTheSubjectList_AndOneInItsOwnOrder_AreGroupedBySubject_OrphansLast()
    {
        string[] subjects = ["S1", "S2", "S3"];
        var dmIds = Ids(subjects, subjects);
        var dm = new DomainTable("DM", null, [dmIds], null);
        // LB shares DM's dictionary array (as a Parquet load does for a dataset holding every subject in order).
        string[] lbRows = ["S1", "S1", "S2", "S3", "S3", "S3"];
        var lb = new DomainTable("LB", null, [new TextColumn("USUBJID", null, [0, 0, 1, 2, 2, 2], (string[])dmIds.Dictionary, false),
            new NumberColumn("LBSEQ", (string?)null, [1, 2, 1, 1, 2, 3])], null);
        // AE out of order, with a subject DM lacks.
        var ae = new DomainTable("AE", null, [Ids(["S3", "X9", "S1", "S3"], ["S3", "X9", "S1"]), new NumberColumn("AESEQ", (string?)null, [1, 1, 1, 2])], null);
        var study = new StudyDataBuilder().Add(dm).Add(lb).Add(ae).Build();
        var lbIndexed = study.GetDomain("LB")!;
        Assert.Equal([(0, 2), (2, 1), (3, 3)], Enumerable.Range(0, 3).Select(lbIndexed.RowsOf));
        Assert.Equal((6, 0), lbIndexed.OrphanRows);
        var aeIndexed = study.GetDomain("AE")!;
        var aeIds = (TextColumn)aeIndexed.GetColumn("USUBJID")!;
        Assert.Equal([(0, 1), (1, 0), (1, 2)], Enumerable.Range(0, 3).Select(aeIndexed.RowsOf));
        Assert.Equal(["S1", "S3", "S3", "X9"], Enumerable.Range(0, 4).Select(aeIds.GetString));
        Assert.Equal((3, 1), aeIndexed.OrphanRows);
    }

    /// <summary>
    /// A dataset is ordered by subject (DM's order, rows of no subject last), then sequence number (missing first), then
    /// the first date, then file order, whether its USUBJID comes as a code a row or as runs (a Parquet load's): here
    /// against a plain sort, over random tables that are sorted, sorted but for one swap, in runs split where a row
    /// group would end (two runs of one subject), of one subject, with equal sequence numbers that the date decides,
    /// missing numbers, dates and identifiers, and subjects DM lacks.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RowsInRunsOrOneByOne_AreOrderedAsAPlainSort(int seed)
    {
        var random = new Random(seed);
        string[] subjects = [.. Enumerable.Range(0, 40).Select(s => $"S{s:D3}")];
        var dm = new DomainTable("DM", null, [Ids(subjects, subjects)], null);
        for (int trial = 0; trial < 200; trial++)
        {
            int shape = trial % 5;
            // Shapes: 0 sorted, 1 sorted but for one swap of neighbouring rows, 2 shuffled, 3 one subject, 4 sorted with
            // sequence numbers repeated inside a subject (the date decides) and a few missing.
            var rows = new List<(int Subject, double Seq, string? Date)>();
            int subjectCount = shape == 3 ? 1 : random.Next(1, 12);
            int[] chosen = shape == 3 ? [random.Next(subjects.Length)] : Enumerable.Range(0, subjects.Length + 3).OrderBy(_ => random.Next()).Take(subjectCount).Order().ToArray();
            foreach (int subject in chosen)
            {
                int count = random.Next(1, 9);
                for (int k = 0; k < count; k++)
                {
                    double seq = shape == 4 ? (random.Next(5) == 0 ? double.NaN : k / 2) : k + 1;
                    string? date = random.Next(6) == 0 ? null : $"2024-01-{random.Next(1, 4):D2}";
                    if (shape == 4 && k > 0 && rows[^1].Subject == subject && CompareKeys(rows[^1].Seq, rows[^1].Date, seq, date) > 0) date = rows[^1].Date;
                    rows.Add((subject, seq, date));
                }
            }
            if (shape == 1 && rows.Count > 1)
            {
                int at = random.Next(rows.Count - 1);
                (rows[at], rows[at + 1]) = (rows[at + 1], rows[at]);
            }
            if (shape == 2) rows = [.. rows.OrderBy(_ => random.Next())];
            if (random.Next(8) == 0) rows.Add((-1, 1, null));
            string?[] idOf = [.. rows.Select(r => r.Subject < 0 ? null : r.Subject < subjects.Length ? subjects[r.Subject] : $"X{r.Subject}")];
            string[] dictionary = [.. idOf.OfType<string>().Distinct()];
            int[] codes = [.. idOf.Select(id => id is null ? -1 : Array.IndexOf(dictionary, id))];
            // The same codes as runs, a run split in two where a row group might end.
            var runStart = new List<int>();
            var runCode = new List<int>();
            for (int r = 0; r < codes.Length; r++)
                if (r == 0 || codes[r] != codes[r - 1] || random.Next(4) == 0)
                {
                    runStart.Add(r);
                    runCode.Add(codes[r]);
                }
            var runs = new TextColumn("USUBJID", ColumnMetadata.Empty, CodeArray.Runs([.. runStart], [.. runCode], codes.Length), dictionary, null, null);
            string[] dates = [.. rows.Select(r => r.Date).OfType<string>().Distinct().Order(StringComparer.Ordinal)];
            Column[] Others() =>
            [
                new NumberColumn("LBSEQ", (string?)null, [.. rows.Select(r => r.Seq)]),
                new TextColumn("LBDTC", null, [.. rows.Select(r => r.Date is null ? -1 : Array.IndexOf(dates, r.Date))], dates, isDateTime: true),
                new NumberColumn("ROW", (string?)null, [.. rows.Select((_, r) => (double)r)]),
            ];
            // The plain sort: subject in DM's order (no subject last), then the keys, then the row.
            int SubjectKey(int row) => rows[row].Subject is int s && s >= 0 && s < subjects.Length ? s : subjects.Length;
            var expected = Enumerable.Range(0, rows.Count).OrderBy(SubjectKey)
                .ThenBy(r => r, Comparer<int>.Create((a, b) => CompareKeys(rows[a].Seq, rows[a].Date, rows[b].Seq, rows[b].Date)))
                .ThenBy(r => r).Select(r => (double)r).ToArray();
            foreach (var ids in new[] { new TextColumn("USUBJID", null, codes, dictionary, false), runs })
            {
                var lb = new DomainTable("LB", null, [ids, .. Others()], null);
                var indexed = new StudyDataBuilder().Add(dm).Add(lb).Build().GetDomain("LB")!;
                var order = (NumberColumn)indexed.GetColumn("ROW")!;
                var where = $"seed {seed} trial {trial} ({(ids == runs ? "runs" : "codes")}): rows {string.Join(",", rows)}";
                Assert.True(expected.SequenceEqual(Enumerable.Range(0, rows.Count).Select(order.RawAt)), where);
                for (int s = 0; s < subjects.Length; s++)
                    Assert.True(rows.Count(r => r.Subject == s) == indexed.RowsOf(s).Count, where);
            }
        }
    }

    private static int CompareKeys(double seqA, string? dateA, double seqB, string? dateB)
    {
        bool na = double.IsNaN(seqA), nb = double.IsNaN(seqB);
        int c = na || nb ? (na == nb ? 0 : na ? -1 : 1) : seqA.CompareTo(seqB);
        return c != 0 ? c : string.CompareOrdinal(dateA, dateB);
    }
}
