namespace ProtocolEngine.Runtime.Data;

/// <summary>A reference to one record of a domain: what an alias such as <c>L</c> in <c>LB L where ...</c> stands for.</summary>
public sealed class DomainRecord : IEquatable<DomainRecord>
{
    /// <summary>Creates a reference.</summary>
    public DomainRecord(DomainTable table, int row)
    {
        Table = table;
        Row = row;
    }

    /// <summary>The table holding the record.</summary>
    public DomainTable Table { get; }

    /// <summary>The row index inside <see cref="Table"/>.</summary>
    /// <remarks>Set again only by an evaluation context that reuses its record objects from one subject to the next (screening).</remarks>
    public int Row { get; internal set; }

    /// <summary>The domain name.</summary>
    public string Domain => Table.Name;

    /// <summary>A variable's value as a CLR object (string, double or null).</summary>
    public object? this[string variable] => Table.GetColumn(variable)?.GetObject(Row);

    /// <summary>The record's USUBJID, when the domain has one.</summary>
    public string? SubjectId => (Table.GetColumn("USUBJID") as TextColumn)?.GetString(Row);

    /// <summary>The record's sequence number (--SEQ), when the domain has one.</summary>
    public double? Sequence
    {
        get
        {
            var seq = Table.GetColumn(Table.Name + "SEQ") ?? Table.GetColumn("SEQ");
            return (seq as NumberColumn)?.GetDouble(Row);
        }
    }

    /// <inheritdoc />
    public bool Equals(DomainRecord? other) => other is not null && ReferenceEquals(Table, other.Table) && Row == other.Row;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DomainRecord);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Table.Name, Row);

    /// <inheritdoc />
    public override string ToString() => Sequence is double s ? $"{Domain} {SubjectId} seq {s}" : $"{Domain} row {Row}";
}
