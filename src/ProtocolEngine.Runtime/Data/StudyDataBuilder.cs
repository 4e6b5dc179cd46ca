namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Collects datasets as read (rows in file order) and builds a <see cref="StudyData"/>: subjects from DM (ADSL
/// for ADaM data; every USUBJID seen when both are absent), and every dataset regrouped by subject.
/// </summary>
public sealed class StudyDataBuilder
{
    private readonly List<DomainTable> _tables = [];

    /// <summary>Where the data came from, for reports.</summary>
    public string? Source { get; set; }

    /// <summary>Adds a dataset with its rows in any order. A second dataset of the same name is an error.</summary>
    /// <exception cref="ArgumentException">A dataset of that name was already added.</exception>
    public StudyDataBuilder Add(DomainTable table)
    {
        if (_tables.Any(t => string.Equals(t.Name, table.Name, StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException($"Dataset {table.Name} was given twice.", nameof(table));
        _tables.Add(table);
        return this;
    }

    /// <summary>The datasets added so far.</summary>
    public IReadOnlyList<DomainTable> Tables => _tables;

    /// <summary>Builds the study.</summary>
    public StudyData Build()
    {
        var subjects = CollectSubjects();
        var index = new SubjectDirectory(subjects);
        // Tables are indexed on all cores, largest first (LB alone is half of a typical study's records), each replaced as
        // it is indexed so that only a table a core exists twice in memory at a time (when its rows must be reordered).
        var bySize = Enumerable.Range(0, _tables.Count).OrderByDescending(t => _tables[t].RowCount).ToArray();
        Parallel.ForEach(bySize, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            t => _tables[t] = IndexBySubject(_tables[t], index, subjects.Length));
        return new StudyData(Source, subjects, _tables);
    }

    private string[] CollectSubjects()
    {
        // ADaM data has ADSL where SDTM has DM: one record per subject.
        var dm = _tables.FirstOrDefault(t => string.Equals(t.Name, "DM", StringComparison.OrdinalIgnoreCase))
            ?? _tables.FirstOrDefault(t => string.Equals(t.Name, "ADSL", StringComparison.OrdinalIgnoreCase));
        if (dm?.GetColumn("USUBJID") is TextColumn dmIds)
        {
            // Codes numbered by first use in row order, every entry used (what every reader builds): the distinct subjects in
            // row order are the dictionary itself, shared rather than collected again through a set.
            if (dmIds.Dictionary is string[] dictionary && IsFirstUseOrder(dmIds, dictionary.Length)) return dictionary;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var list = new List<string>(dm.RowCount);
            for (int r = 0; r < dm.RowCount; r++)
                if (dmIds.GetString(r) is { } id && seen.Add(id)) list.Add(id);
            return [.. list];
        }
        var all = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var t in _tables)
        {
            if (t.GetColumn("USUBJID") is not TextColumn ids) continue;
            var used = new bool[ids.Dictionary.Count];
            for (int r = 0; r < t.RowCount; r++)
                if (ids.CodeAt(r) is int c and >= 0) used[c] = true;
            for (int c = 0; c < used.Length; c++)
                if (used[c]) all.Add(ids.Dictionary[c]);
        }
        return [.. all];
    }

    private static bool IsFirstUseOrder(TextColumn ids, int distinct)
    {
        int max = -1;
        for (int r = 0; r < ids.Count; r++)
        {
            int code = ids.CodeAt(r);
            if (code > max + 1) return false;
            if (code > max) max = code;
        }
        return max + 1 == distinct;
    }

    private static DomainTable IndexBySubject(DomainTable table, SubjectDirectory index, int subjectCount)
    {
        if (table.GetColumn("USUBJID") is not TextColumn ids || subjectCount == 0)
            return table.IsSubjectIndexed ? new DomainTable(table.Name, table.Label, table.Columns, null, table.Metadata) : table;

        int n = table.RowCount;
        // Resolve each distinct USUBJID once, not once per row, walking the subjects alongside the dictionary (a table
        // grouped by subject lists them in DM's order) rather than hashing each.
        // A dictionary that is the subjects' own list (every subject, in DM's order: most datasets) maps each code to itself.
        int[]? subjectOfCode = null;
        if (!index.IsSameList(ids.Dictionary as string[] ?? []))
        {
            subjectOfCode = new int[ids.Dictionary.Count];
            int cursor = 0;
            for (int c = 0; c < subjectOfCode.Length; c++)
            {
                int s = index.Find(ids.Dictionary[c], ref cursor);
                subjectOfCode[c] = s >= 0 ? s : subjectCount;
            }
        }
        // A row's subject is read from its code when needed rather than kept in an array of the table's size.
        // Codes kept as runs (a Parquet reader's USUBJID) are walked run by run, not searched for each row.
        var runs = ids.CodeRuns;
        int run = 0;
        int SubjectOf(int row)
        {
            int c;
            if (runs is var (starts, codes))
            {
                if (row < starts[run]) run = 0;
                while (run + 1 < starts.Length && starts[run + 1] <= row) run++;
                c = codes[run];
            }
            else c = ids.CodeAt(row);
            return c < 0 ? subjectCount : subjectOfCode is null ? c : subjectOfCode[c];
        }

        var seq = table.GetColumn(table.Name + "SEQ") as NumberColumn;
        var firstDate = table.Columns.OfType<TextColumn>().FirstOrDefault(c => c.Kind == ColumnKind.DateTime);
        int Compare(int a, int b)
        {
            if (seq is not null)
            {
                int c = CompareNumbers(seq.RawAt(a), seq.RawAt(b));
                if (c != 0) return c;
            }
            if (firstDate is not null)
            {
                int c = string.CompareOrdinal(firstDate.GetString(a), firstDate.GetString(b));
                if (c != 0) return c;
            }
            return a.CompareTo(b);
        }

        // Where each subject's rows start, and at [subjectCount] where the rows of no subject start (they come last): the
        // table's own array, filled in place.
        var start = new int[subjectCount + 1];
        // Files written by subject (the usual case, and what our writers and the generator produce) need no reordering.
        bool ordered = true;
        int previous = -1;
        // The rows are walked a stretch of one subject at a time (a run of a USUBJID kept as runs, else a row): a
        // stretch's rows are counted at once, and inside it only the order of the sequence numbers (then the first date)
        // is checked, each row's number read once and kept for the next row. The order is Compare's: sequence number,
        // then the first date, then the row; equal keys leave the rows in file order (r - 1 before r), still ordered.
        var seqOf = seq is null ? default : new NumberReader(seq);
        double previousSeq = double.NaN;
        int stretch = 0;
        for (int from = 0; from < n;)
        {
            int code, to;
            if (runs is var (runStarts, runCodes))
            {
                code = runCodes[stretch];
                to = ++stretch < runStarts.Length ? runStarts[stretch] : n;
            }
            else
            {
                code = ids.CodeAt(from);
                to = from + 1;
            }
            int subject = code < 0 ? subjectCount : subjectOfCode is null ? code : subjectOfCode[code];
            if (subject < subjectCount) start[subject + 1] += to - from;
            if (ordered)
            {
                double rowSeq = seq is null ? double.NaN : seqOf.At(from);
                if (from > 0 && subject <= previous)
                {
                    int c = subject < previous ? 1 : seq is null ? 0 : CompareNumbers(previousSeq, rowSeq);
                    if (c == 0 && firstDate is not null) c = string.CompareOrdinal(firstDate.GetString(from - 1), firstDate.GetString(from));
                    ordered = c < 0 || (c == 0 && subject == previous);
                }
                previousSeq = rowSeq;
                if (seq is not null || firstDate is not null)
                {
                    for (int r = from + 1; r < to && ordered; r++)
                    {
                        double following = seq is null ? double.NaN : seqOf.At(r);
                        // Increasing numbers (almost always) are decided by one comparison; NaN fails it and is ordered by CompareNumbers.
                        if (!(previousSeq < following))
                        {
                            int c = seq is null ? 0 : CompareNumbers(previousSeq, following);
                            if (c == 0 && firstDate is not null) c = string.CompareOrdinal(firstDate.GetString(r - 1), firstDate.GetString(r));
                            ordered = c <= 0;
                        }
                        previousSeq = following;
                    }
                }
            }
            previous = subject;
            from = to;
        }
        for (int s = 1; s < start.Length; s++) start[s] += start[s - 1];
        var subjectStart = start;
        if (ordered) return new DomainTable(table.Name, table.Label, WithSubjectRuns(table.Columns), subjectStart, table.Metadata);

        // A stable counting sort by subject, then a sort inside each subject's (small) group when it is out of order.
        var next = (int[])start.Clone();
        var order = new int[n];
        for (int r = 0; r < n; r++) order[next[SubjectOf(r)]++] = r;
        var comparer = Comparer<int>.Create(Compare);
        for (int s = 0; s <= subjectCount; s++)
        {
            int from = start[s], count = (s < subjectCount ? start[s + 1] : n) - from;
            bool groupOrdered = true;
            for (int k = from + 1; k < from + count && groupOrdered; k++) groupOrdered = Compare(order[k - 1], order[k]) < 0;
            if (!groupOrdered) Array.Sort(order, from, count, comparer);
        }
        var columns = table.Columns.Select(c => c.Select(order)).ToList();
        return new DomainTable(table.Name, table.Label, WithSubjectRuns(columns), subjectStart, table.Metadata);
    }

    // Rows grouped by subject hold USUBJID in runs, one a subject: kept as runs, the column costs bytes a subject, not a row.
    private static List<Column> WithSubjectRuns(IReadOnlyList<Column> columns) =>
        [.. columns.Select(c => c is TextColumn t && string.Equals(t.Name, "USUBJID", StringComparison.OrdinalIgnoreCase) ? t.InRuns() : c)];

    // Missing sequence numbers sort first, as Nullable.Compare orders null before any value.
    private static int CompareNumbers(double a, double b)
    {
        bool na = double.IsNaN(a), nb = double.IsNaN(b);
        if (na || nb) return na == nb ? 0 : na ? -1 : 1;
        return a.CompareTo(b);
    }
}
