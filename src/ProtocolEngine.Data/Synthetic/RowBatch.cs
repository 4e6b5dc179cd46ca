using ProtocolEngine.Data.Writing;

namespace ProtocolEngine.Data.Synthetic;

/// <summary>
/// Rows of one dataset generated for a block of subjects, held column-wise until the writer thread replays
/// them in subject order. Reused from block to block so that generation allocates little.
/// </summary>
internal sealed class RowBatch
{
    private readonly bool[] _numeric;
    private readonly string?[][] _text;
    private readonly double[][] _numbers;
    private int _capacity = 256;

    public RowBatch(ColumnSpec[] columns)
    {
        _numeric = [.. columns.Select(c => c.IsNumeric)];
        _text = new string?[columns.Length][];
        _numbers = new double[columns.Length][];
        for (int c = 0; c < columns.Length; c++)
        {
            if (_numeric[c]) _numbers[c] = new double[_capacity];
            else _text[c] = new string?[_capacity];
        }
    }

    public int Count { get; private set; }

    /// <summary>Starts a row with every cell missing and returns its index.</summary>
    public int NewRow()
    {
        if (Count == _capacity)
        {
            _capacity *= 2;
            for (int c = 0; c < _numeric.Length; c++)
            {
                if (_numeric[c]) Array.Resize(ref _numbers[c], _capacity);
                else Array.Resize(ref _text[c], _capacity);
            }
        }
        int row = Count++;
        for (int c = 0; c < _numeric.Length; c++)
        {
            if (_numeric[c]) _numbers[c][row] = double.NaN;
            else _text[c][row] = null;
        }
        return row;
    }

    public void Text(int row, int column, string? value) => _text[column][row] = value;

    public void Number(int row, int column, double value) => _numbers[column][row] = value;

    public void Replay(DatasetStreamWriter writer)
    {
        for (int r = 0; r < Count; r++)
        {
            for (int c = 0; c < _numeric.Length; c++)
            {
                if (_numeric[c]) writer.SetNumber(c, _numbers[c][r]);
                else writer.SetText(c, _text[c][r]);
            }
            writer.EndRow();
        }
    }

    public void Clear()
    {
        // Drop string references so a reused batch does not keep old values alive.
        for (int c = 0; c < _numeric.Length; c++)
            if (!_numeric[c]) Array.Clear(_text[c], 0, Count);
        Count = 0;
    }
}
