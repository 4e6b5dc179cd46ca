using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Evaluation;

/// <summary>What a piece of evidence says.</summary>
public enum EvidenceKind
{
    /// <summary>A value read from a record.</summary>
    Value,
    /// <summary>A domain was searched; <see cref="EvidenceItem.Value"/> holds how many of the subject's records it had.</summary>
    Searched,
    /// <summary>A domain the rule reads is not in the study data.</summary>
    DomainMissing,
}

/// <summary>One fact a rule read: a variable of a record (domain, subject, sequence number, variable, value), or a search or missing domain.</summary>
/// <param name="Kind">What the item says.</param>
/// <param name="Domain">The domain (dataset) name.</param>
/// <param name="SubjectId">The record's USUBJID.</param>
/// <param name="Sequence">The record's --SEQ, when it has one.</param>
/// <param name="Variable">The variable read.</param>
/// <param name="Value">The value read (null when missing).</param>
/// <param name="Row">The row in the study's table (for linking back to the data).</param>
public sealed record EvidenceItem(EvidenceKind Kind, string Domain, string? SubjectId, double? Sequence, string? Variable, object? Value, int Row = -1);

/// <summary>
/// Collects the evidence of one rule. Reads made while a query filters its records are held per record and
/// kept only for the records the filter lets through, so evidence names the records that decided the
/// outcome rather than every record looked at; each search is summarised by its record count.
/// </summary>
public sealed class EvidenceRecorder
{
    private readonly List<EvidenceItem> _items = [];
    private readonly HashSet<(string Domain, int Row, string? Variable, EvidenceKind Kind)> _seen = [];
    private readonly Stack<int> _rowStarts = new();

    /// <summary>The evidence so far, in the order it was read.</summary>
    public IReadOnlyList<EvidenceItem> Items => _items;

    /// <summary>The most items one rule keeps (a query over thousands of records keeps the first ones and a count).</summary>
    public int Capacity { get; init; } = 200;

    /// <summary>How many items were dropped past <see cref="Capacity"/>.</summary>
    public int Dropped { get; private set; }

    /// <summary>Clears the recorder for the next rule.</summary>
    public void Reset()
    {
        _items.Clear();
        _seen.Clear();
        _rowStarts.Clear();
        Dropped = 0;
    }

    /// <summary>Records a value read from a record.</summary>
    public void Read(DomainTable table, int row, string variable, object? value)
    {
        if (!_seen.Add((table.Name, row, variable, EvidenceKind.Value))) return;
        var record = new DomainRecord(table, row);
        Add(new EvidenceItem(EvidenceKind.Value, table.Name, record.SubjectId, record.Sequence, variable, value, row));
    }

    /// <summary>Records that a domain was searched and how many records the subject had in it.</summary>
    public void Searched(string domain, int records)
    {
        if (!_seen.Add((domain, -1, null, EvidenceKind.Searched))) return;
        Add(new EvidenceItem(EvidenceKind.Searched, domain, null, null, null, records));
    }

    /// <summary>Records that the study lacks a domain the rule reads.</summary>
    public void MissingDomain(string domain)
    {
        if (!_seen.Add((domain, -1, null, EvidenceKind.DomainMissing))) return;
        Add(new EvidenceItem(EvidenceKind.DomainMissing, domain, null, null, null, null));
    }

    private void Add(EvidenceItem item)
    {
        if (_items.Count >= Capacity)
        {
            Dropped++;
            return;
        }
        _items.Add(item);
    }

    /// <summary>Starts holding the reads of one record a query examines.</summary>
    public void BeginRow() => _rowStarts.Push(_items.Count);

    /// <summary>Keeps the held reads: the record passed the query's filters.</summary>
    public void CommitRow()
    {
        if (_rowStarts.Count > 0) _rowStarts.Pop();
    }

    /// <summary>Drops the held reads: the record did not pass.</summary>
    public void DiscardRow()
    {
        if (_rowStarts.Count == 0) return;
        int start = _rowStarts.Pop();
        for (int i = start; i < _items.Count; i++)
        {
            var item = _items[i];
            _seen.Remove((item.Domain, item.Row, item.Variable, item.Kind));
        }
        _items.RemoveRange(start, _items.Count - start);
    }

    /// <summary>A position to collect items since (used to remember a definition's evidence).</summary>
    public int Mark() => _items.Count;

    /// <summary>The items recorded since a mark.</summary>
    public List<EvidenceItem> Since(int mark) => _items.Skip(mark).ToList();

    /// <summary>Adds items recorded earlier (a cached definition's evidence).</summary>
    public void Replay(List<EvidenceItem> items)
    {
        foreach (var item in items)
            if (_seen.Add((item.Domain, item.Row, item.Variable, item.Kind))) Add(item);
    }
}
