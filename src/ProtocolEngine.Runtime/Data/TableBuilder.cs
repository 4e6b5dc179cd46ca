using ProtocolEngine.Language.DataModel;

namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Builds a dataset row by row by variable name, typing each variable from the SDTM model (numbers for Num
/// and Integer, ISO dates for DateTime, text otherwise) and labelling it. Unset cells are missing.
/// </summary>
public sealed class TableBuilder
{
    private readonly string _name;
    private readonly string[] _columns;
    private readonly TextColumnBuilder?[] _text;
    private readonly NumberColumnBuilder?[] _numbers;
    private readonly bool[] _dates;
    private readonly string?[] _labels;
    private readonly object?[] _row;
    private readonly Dictionary<string, int> _index;

    /// <summary>A builder of dataset <paramref name="name"/> with these variables, typed by <paramref name="model"/>.</summary>
    /// <param name="name">The dataset (domain) name.</param>
    /// <param name="model">The data model that types and labels the variables.</param>
    /// <param name="pool">Interns text values (null: none).</param>
    /// <param name="columns">The variables, in order.</param>
    public TableBuilder(string name, IDataModel model, StringPool? pool, params string[] columns)
    {
        _name = name;
        _columns = columns;
        var schema = model.FindDomain(name);
        _text = new TextColumnBuilder?[columns.Length];
        _numbers = new NumberColumnBuilder?[columns.Length];
        _dates = new bool[columns.Length];
        _labels = new string?[columns.Length];
        _row = new object?[columns.Length];
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < columns.Length; c++)
        {
            var v = schema?.FindVariable(columns[c]);
            _labels[c] = v?.Label;
            _index[columns[c]] = c;
            if (v?.Type is VariableType.Num or VariableType.Integer) _numbers[c] = new NumberColumnBuilder();
            else _text[c] = new TextColumnBuilder(pool);
            _dates[c] = v?.Type == VariableType.DateTime || (v is null && columns[c].EndsWith("DTC", StringComparison.Ordinal));
        }
    }

    /// <summary>Rows ended so far.</summary>
    public int Count { get; private set; }

    /// <summary>Sets a cell of the current row from text (parsed as a number for a numeric variable; unparsable text is missing).</summary>
    public void Set(string column, string? value) => _row[_index[column]] = value;

    /// <summary>Sets a cell of the current row from a number.</summary>
    public void Set(string column, double? value) => _row[_index[column]] = value;

    /// <summary>Ends the current row; unset cells are missing.</summary>
    public void EndRow()
    {
        for (int c = 0; c < _columns.Length; c++)
        {
            var v = _row[c];
            if (_numbers[c] is { } nb)
            {
                if (v is double d) nb.Add(d);
                else if (v is string s && double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double parsed)) nb.Add(parsed);
                else nb.AddMissing();
            }
            else _text[c]!.Add(v switch { null => null, string s => s.Length == 0 ? null : s, double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture), _ => v.ToString() });
            _row[c] = null;
        }
        Count++;
    }

    /// <summary>The dataset, not yet grouped by subject (give it to a <see cref="StudyDataBuilder"/>).</summary>
    public DomainTable Build(string? label)
    {
        var columns = new Column[_columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            var meta = new ColumnMetadata(_labels[c]);
            columns[c] = _numbers[c] is { } nb ? nb.Build(_columns[c], meta) : _text[c]!.Build(_columns[c], meta, _dates[c]);
        }
        return new DomainTable(_name, label, columns, null);
    }
}
