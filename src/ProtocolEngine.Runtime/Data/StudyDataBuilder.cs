namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Collects datasets as read (rows in file order) and builds a <see cref="StudyData"/>: subjects from DM
/// (or from every USUBJID seen when DM is absent), and every dataset regrouped by subject.
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
        var index = new Dictionary<string, int>(subjects.Length, StringComparer.Ordinal);
        for (int i = 0; i < subjects.Length; i++) index.TryAdd(subjects[i], i);
        var built = _tables.Select(t => IndexBySubject(t, index, subjects.Length)).ToList();
        return new StudyData(Source, subjects, built);
    }

    private string[] CollectSubjects()
    {
        var dm = _tables.FirstOrDefault(t => string.Equals(t.Name, "DM", StringComparison.OrdinalIgnoreCase));
        if (dm?.GetColumn("USUBJID") is TextColumn dmIds)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var list = new List<string>(dm.RowCount);
            for (int r = 0; r < dm.RowCount; r++)
                if (dmIds.GetString(r) is { } id && seen.Add(id)) list.Add(id);
            return [.. list];
        }
        var all = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var t in _tables)
            if (t.GetColumn("USUBJID") is TextColumn ids)
                for (int r = 0; r < t.RowCount; r++)
                    if (ids.GetString(r) is { } id) all.Add(id);
        return [.. all];
    }

    private static DomainTable IndexBySubject(DomainTable table, Dictionary<string, int> index, int subjectCount)
    {
        if (table.GetColumn("USUBJID") is not TextColumn ids || subjectCount == 0)
            return new DomainTable(table.Name, table.Label, table.Columns, null);

        int n = table.RowCount;
        var subjectOfRow = new int[n];
        for (int r = 0; r < n; r++)
            subjectOfRow[r] = ids.GetString(r) is { } id && index.TryGetValue(id, out int s) ? s : subjectCount;

        var seq = table.GetColumn(table.Name + "SEQ") as NumberColumn;
        var firstDate = table.Columns.OfType<TextColumn>().FirstOrDefault(c => c.Kind == ColumnKind.DateTime);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        // A stable sort keeps file order for ties, so identical inputs always give identical tables.
        var comparer = Comparer<int>.Create((a, b) =>
        {
            int c = subjectOfRow[a].CompareTo(subjectOfRow[b]);
            if (c != 0) return c;
            if (seq is not null)
            {
                c = Nullable.Compare(seq.GetDouble(a), seq.GetDouble(b));
                if (c != 0) return c;
            }
            if (firstDate is not null)
            {
                c = string.CompareOrdinal(firstDate.GetString(a), firstDate.GetString(b));
                if (c != 0) return c;
            }
            return a.CompareTo(b);
        });
        Array.Sort(order, comparer);

        var start = new int[subjectCount + 2];
        // start[s] = first row of subject s; start[subjectCount] = first orphan row.
        foreach (int r in order) start[subjectOfRow[r] + 1]++;
        for (int s = 1; s < start.Length; s++) start[s] += start[s - 1];
        var subjectStart = start[..(subjectCount + 1)];

        bool alreadyOrdered = true;
        for (int i = 0; i < n && alreadyOrdered; i++) alreadyOrdered = order[i] == i;
        var columns = alreadyOrdered ? table.Columns : table.Columns.Select(c => c.Select(order)).ToList();
        return new DomainTable(table.Name, table.Label, columns, subjectStart);
    }
}
