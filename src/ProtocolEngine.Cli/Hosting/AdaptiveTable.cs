using Spectre.Console;

namespace ProtocolEngine.Cli.Hosting;

/// <summary>
/// A table that fits the console: as columns when every column gets at least its longest word (and a number or
/// name column its whole cell), otherwise one
/// block per row (the first column as the block's title, then a "column  value" line each), so that 80 columns never
/// show one character per column.
/// </summary>
internal sealed class AdaptiveTable
{
    private readonly List<(string Header, bool Right, bool NoWrap)> _columns = [];
    private readonly List<string[]> _rows = [];
    private TableBorder _border = TableBorder.Simple;

    /// <summary>Adds left-aligned columns (markup headers).</summary>
    public AdaptiveTable Columns(params string[] headers)
    {
        foreach (var h in headers) _columns.Add((h, false, false));
        return this;
    }

    /// <summary>Adds right-aligned columns, for numbers.</summary>
    public AdaptiveTable NumberColumns(params string[] headers)
    {
        foreach (var h in headers) _columns.Add((h, true, false));
        return this;
    }

    /// <summary>Adds a column whose cells are never wrapped (a name and its count, a file name).</summary>
    public AdaptiveTable NoWrapColumn(string header)
    {
        _columns.Add((header, false, true));
        return this;
    }

    /// <summary>The border in the columns layout.</summary>
    public AdaptiveTable Border(TableBorder border)
    {
        _border = border;
        return this;
    }

    /// <summary>Adds a row (markup cells, one per column).</summary>
    public AdaptiveTable Row(params string[] cells)
    {
        if (cells.Length != _columns.Count) throw new ArgumentException($"{cells.Length} cells for {_columns.Count} columns.", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    /// <summary>How many rows were added.</summary>
    public int Count => _rows.Count;

    /// <summary>Writes the rows in the layout that fits <paramref name="console"/>.</summary>
    public void Write(IAnsiConsole console)
    {
        if (Widths(console.Profile.Width) is { } widths) console.Write(AsTable(widths));
        else WriteBlocks(console);
    }

    // Each column's width in the columns layout, or null when they cannot all fit. A column gets at least its
    // longest header word and, unless it wraps, its longest cell (a wrapping column at least its longest word);
    // what is left is shared out up to each column's natural width. Spectre then renders exactly these widths,
    // so no cell is cut short with an ellipsis and no word is broken.
    private int[]? Widths(int width)
    {
        int n = _columns.Count;
        var min = new int[n];
        var natural = new int[n];
        for (int c = 0; c < n; c++)
        {
            var (header, _, noWrap) = _columns[c];
            var cells = _rows.Select(r => Markup.Remove(r[c])).ToList();
            bool wraps = !noWrap && !_columns[c].Right;
            int longestCell = cells.Count == 0 ? 0 : cells.Max(t => t.Length);
            int longestWord = cells.Count == 0 ? 0 : cells.Max(LongestWord);
            min[c] = Math.Max(LongestWord(Markup.Remove(header)), wraps ? Math.Min(longestWord, MaxWord) : longestCell);
            natural[c] = Math.Max(Math.Max(Markup.Remove(header).Length, longestCell), min[c]);
        }
        // A border character between columns and at both ends, and a space either side of every cell.
        int budget = width - (3 * n + 1);
        if (min.Sum() > budget) return null;
        var widths = (int[])min.Clone();
        int spare = budget - min.Sum(), wanted = natural.Sum() - min.Sum();
        if (wanted <= spare) return natural;
        for (int c = 0; c < n; c++) widths[c] += (int)((long)spare * (natural[c] - min[c]) / wanted);
        return widths;
    }

    // Longer unbroken text (a path, a hash) may be broken inside a wrapping column rather than forcing blocks.
    private const int MaxWord = 24;

    private static int LongestWord(string text) => text.Split(' ', '\n').Max(w => w.Length);

    private Table AsTable(int[] widths)
    {
        var table = new Table().Border(_border);
        for (int c = 0; c < _columns.Count; c++)
        {
            var (header, right, noWrap) = _columns[c];
            var column = new TableColumn(header) { Width = widths[c] };
            if (right) column.RightAligned();
            if (noWrap) column.NoWrap();
            table.AddColumn(column);
        }
        foreach (var row in _rows) table.AddRow(row);
        return table;
    }

    private void WriteBlocks(IAnsiConsole console)
    {
        foreach (var row in _rows)
        {
            console.Write(new Rule($"{_columns[0].Header}: {row[0]}").LeftJustified());
            var grid = new Grid();
            grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
            grid.AddColumn();
            for (int c = 1; c < _columns.Count; c++)
                if (row[c].Length > 0) grid.AddRow(new Markup(_columns[c].Header), new Markup(row[c]));
            console.Write(grid);
        }
    }
}
