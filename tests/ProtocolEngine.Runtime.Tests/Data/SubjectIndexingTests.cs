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
}
