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
        // A repeated name keeps its first position; positions follow the rows' layout either way.
        int i = 0;
        foreach (var c in columns) _columns.TryAdd(c, i++);
        Rows = rows;
        Records = records;
    }

    /// <summary>The dataset checked.</summary>
    public CoreDataset Dataset { get; }

    /// <summary>The study the dataset belongs to, for values that refer to other datasets (value_is_reference).</summary>
    public CoreStudy? Study { get; set; }

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
        int at = _columns.TryGetValue(name, out var existing) ? existing : Math.Max(Width, Rows.Count > 0 ? Rows.Max(r => r.Length) : 0);
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

    /// <summary>The number of positions a row has (at least one past every column's position).</summary>
    public int Width => _columns.Count == 0 ? 0 : _columns.Values.Max() + 1;

    /// <summary>Replaces the rows (after a join); the added columns take the positions from <paramref name="start"/> on.</summary>
    public void Replace(List<object?[]> rows, List<int?> records, IEnumerable<string> added, int start)
    {
        int i = start;
        foreach (var c in added) _columns.TryAdd(c, i++);
        Rows = rows;
        Records = records;
    }

    /// <summary>A frame of a dataset's records as they are in the file.</summary>
    public static CoreFrame OfRecords(CoreDataset dataset) =>
        new(dataset, dataset.Columns, [.. dataset.Rows.Select(r => r.Cast<object?>().ToArray())], [.. Enumerable.Range(1, dataset.Rows.Count).Select(i => (int?)i)]);
}
