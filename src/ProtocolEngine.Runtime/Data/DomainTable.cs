namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// All records of one SDTM domain (or any dataset) in a study, column-wise. When the study has subjects,
/// rows are grouped by subject in study subject order, and within a subject ordered by --SEQ and then by
/// the first date variable; rows whose USUBJID is not a study subject come last. Immutable and thread-safe.
/// </summary>
public sealed class DomainTable
{
    private readonly Dictionary<string, int> _columnIndex;
    private readonly int[]? _subjectStart;

    /// <summary>Creates a table. <paramref name="subjectStart"/> has one entry per subject plus one (null for study-level data).</summary>
    public DomainTable(string name, string? label, IReadOnlyList<Column> columns, int[]? subjectStart, DatasetMetadata? metadata = null)
    {
        Name = name;
        Label = label;
        Metadata = metadata ?? DatasetMetadata.Empty;
        Columns = columns;
        RowCount = columns.Count == 0 ? 0 : columns[0].Count;
        foreach (var c in columns)
            if (c.Count != RowCount)
                throw new ArgumentException($"Column {c.Name} of {name} has {c.Count} values; the table has {RowCount} rows.", nameof(columns));
        _columnIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < columns.Count; i++) _columnIndex.TryAdd(columns[i].Name, i);
        _subjectStart = subjectStart;
    }

    /// <summary>The dataset name, upper case (DM, AE, SUPPAE, ...).</summary>
    public string Name { get; }

    /// <summary>The dataset label, when known.</summary>
    public string? Label { get; }

    /// <summary>Dataset-level attributes the source carried (OIDs, originator, ...).</summary>
    public DatasetMetadata Metadata { get; }

    /// <summary>Approximate bytes of memory the table's columns hold.</summary>
    public long MemoryBytes => Columns.Sum(c => c.MemoryBytes) + (_subjectStart?.Length ?? 0) * 4L;

    /// <summary>The same table with its rows in another order or filtered: <paramref name="rows"/> lists the source rows to keep.</summary>
    public DomainTable SelectRows(ReadOnlySpan<int> rows)
    {
        var columns = new Column[Columns.Count];
        for (int i = 0; i < columns.Length; i++) columns[i] = Columns[i].Select(rows);
        return new DomainTable(Name, Label, columns, null, Metadata);
    }

    /// <summary>The same rows with other columns (same row count), keeping name, label and metadata; not subject-indexed.</summary>
    public DomainTable WithColumns(IReadOnlyList<Column> columns) => new(Name, Label, columns, null, Metadata);

    /// <summary>The variables, in source order.</summary>
    public IReadOnlyList<Column> Columns { get; }

    /// <summary>The number of records.</summary>
    public int RowCount { get; }

    /// <summary>True when rows are indexed by subject (the dataset has USUBJID and the study has subjects).</summary>
    public bool IsSubjectIndexed => _subjectStart is not null;

    /// <summary>The column of a variable, or null when the dataset lacks it.</summary>
    public Column? GetColumn(string name) => _columnIndex.TryGetValue(name, out int i) ? Columns[i] : null;

    /// <summary>The first row of a subject and the number of its rows.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public (int Start, int Count) RowsOf(int subjectIndex)
    {
        if (_subjectStart is null) return (0, 0);
        int start = _subjectStart[subjectIndex];
        return (start, _subjectStart[subjectIndex + 1] - start);
    }

    /// <summary>The rows whose USUBJID is not a subject of the study (empty for study-level data).</summary>
    public (int Start, int Count) OrphanRows =>
        _subjectStart is null ? (0, 0) : (_subjectStart[^1], RowCount - _subjectStart[^1]);

    /// <summary>A reference to one record.</summary>
    public DomainRecord Record(int row) => new(this, row);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<TextColumn, Lazy<SubjectCodeIndex>> _codeIndexes = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The subjects' rows grouped by the codes of one of this table's text columns, built on first use and kept (null
    /// when the table is not indexed by subject). Queries filtering on a coded test read it instead of scanning.
    /// </summary>
    internal SubjectCodeIndex? CodeIndex(TextColumn column) =>
        _subjectStart is null ? null
        : _codeIndexes.GetOrAdd(column, c => new Lazy<SubjectCodeIndex>(() => SubjectCodeIndex.Build(c, _subjectStart))).Value;

    /// <summary>Bytes held by the code indexes built so far (not part of <see cref="MemoryBytes"/>, which is the data).</summary>
    internal long CodeIndexBytes => _codeIndexes.Values.Where(l => l.IsValueCreated).Sum(l => l.Value.MemoryBytes);
}
