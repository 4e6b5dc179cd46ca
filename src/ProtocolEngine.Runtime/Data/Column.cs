namespace ProtocolEngine.Runtime.Data;

/// <summary>The storage kind of a column: SDTM has character and numeric variables; --DTC text is also read as DateTime.</summary>
public enum ColumnKind
{
    /// <summary>Character data, dictionary-encoded.</summary>
    Text,
    /// <summary>Numeric data stored as IEEE doubles (XPT numbers are 8-byte floats).</summary>
    Number,
    /// <summary>ISO 8601 text (an SDTM --DTC variable) that also reads as a CQL DateTime with precision.</summary>
    DateTime,
}

/// <summary>
/// One variable of a domain, stored column-wise for all its records. Columns are immutable once built and
/// safe to read from many threads.
/// </summary>
public abstract class Column
{
    /// <summary>Creates a column.</summary>
    protected Column(string name, string? label, int count)
        : this(name, label is null ? ColumnMetadata.Empty : new ColumnMetadata(Label: label), count)
    {
    }

    /// <summary>Creates a column with its source metadata.</summary>
    protected Column(string name, ColumnMetadata metadata, int count)
    {
        Name = name;
        Metadata = metadata;
        Count = count;
    }

    /// <summary>The variable name, for example <c>LBSTRESN</c>.</summary>
    public string Name { get; }

    /// <summary>The variable label, when the source gave one.</summary>
    public string? Label => Metadata.Label;

    /// <summary>What the source said about the variable besides its values (label, length, formats, OIDs).</summary>
    public ColumnMetadata Metadata { get; }

    /// <summary>The number of records.</summary>
    public int Count { get; }

    /// <summary>The storage kind.</summary>
    public abstract ColumnKind Kind { get; }

    /// <summary>Approximate bytes of memory the column holds (values and dictionaries), for reports and benchmarks.</summary>
    public abstract long MemoryBytes { get; }

    /// <summary>True when the value of <paramref name="row"/> is missing.</summary>
    public abstract bool IsMissing(int row);

    /// <summary>The value as a CLR object: string, double, or null when missing (DateTime columns give their text).</summary>
    public abstract object? GetObject(int row);

    /// <summary>Counts missing values.</summary>
    public virtual int CountMissing()
    {
        int n = 0;
        for (int i = 0; i < Count; i++) if (IsMissing(i)) n++;
        return n;
    }

    /// <summary>A copy holding only the given rows, in that order (used to sort and filter tables).</summary>
    public abstract Column Select(ReadOnlySpan<int> rows);

    /// <summary>The same values under other metadata (for example after define.xml supplied labels).</summary>
    public abstract Column WithMetadata(ColumnMetadata metadata);
}
