namespace ProtocolEngine.Checks.Core;

/// <summary>
/// The table a CORE check is evaluated over: a dataset's records (joined with matched datasets and extended with
/// computed $operation columns), or the rows of its metadata (one per variable, or one for the dataset). Values
/// are text, numbers, booleans or lists; null is missing.
/// </summary>
internal sealed class CoreFrame
{
    private readonly Dictionary<string, int> _columns = new(StringComparer.OrdinalIgnoreCase);

    public CoreFrame(CoreDataset dataset, IEnumerable<string> columns, List<object?[]> rows, List<int?> records)
    {
        Dataset = dataset;
        foreach (var c in columns) _columns.TryAdd(c, _columns.Count);
        Rows = rows;
        Records = records;
    }

    /// <summary>The dataset checked.</summary>
    public CoreDataset Dataset { get; }

    /// <summary>The rows; each has a value per column.</summary>
    public List<object?[]> Rows { get; private set; }

    /// <summary>The record number in the dataset's file for each row (1-based), or null for metadata rows.</summary>
    public List<int?> Records { get; private set; }

    /// <summary>The column names.</summary>
    public IEnumerable<string> Columns => _columns.Keys;

    /// <summary>The column index of a name, or -1.</summary>
    public int IndexOf(string name) => _columns.GetValueOrDefault(name, -1);

    /// <summary>Adds a column computed for each row.</summary>
    public void AddColumn(string name, Func<int, object?> value)
    {
        int at = _columns.TryGetValue(name, out var existing) ? existing : _columns.Count;
        _columns[name] = at;
        for (int r = 0; r < Rows.Count; r++)
        {
            var row = Rows[r];
            if (row.Length <= at) { Array.Resize(ref row, at + 1); Rows[r] = row; }
            row[at] = value(r);
        }
    }

    /// <summary>A value, or null when the column is absent.</summary>
    public object? Get(int row, int column) => column >= 0 && column < Rows[row].Length ? Rows[row][column] : null;

    /// <summary>Replaces the rows (after a join).</summary>
    public void Replace(List<object?[]> rows, List<int?> records, IEnumerable<string> added)
    {
        foreach (var c in added) _columns.TryAdd(c, _columns.Count);
        Rows = rows;
        Records = records;
    }

    /// <summary>A frame of a dataset's records as they are in the file.</summary>
    public static CoreFrame OfRecords(CoreDataset dataset) =>
        new(dataset, dataset.Columns, [.. dataset.Rows.Select(r => r.Cast<object?>().ToArray())], [.. Enumerable.Range(1, dataset.Rows.Count).Select(i => (int?)i)]);
}
