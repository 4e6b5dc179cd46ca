using System.Text.Json;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.DatasetJson;

/// <summary>
/// The token-by-token state of reading one Dataset-JSON document: top-level attributes, the column
/// definitions, then the rows streamed into column builders. Attributes may come in any order, except that
/// the columns must come before the rows (as the specification's attribute order puts them).
/// </summary>
internal sealed class JsonStreamState
{
    private enum Mode { Start, Top, TopValue, Columns, Column, ColumnValue, Rows, Row, SourceSystem, SourceSystemValue, Skip, Done }

    private readonly string _source;
    private readonly DatasetReadOptions _options;
    private readonly Dictionary<string, string?> _attributes = new(StringComparer.Ordinal);
    private readonly List<(string Name, ColumnMetadata Meta)> _definitions = [];
    private Dictionary<string, JsonElement>? _columnProperties;
    private DatasetJsonColumn[]? _columns;
    private Mode _mode = Mode.Start;
    private Mode _afterSkip;
    private int _skipDepth;
    private string? _property;
    private long? _records;
    private bool _sawColumns;
    private int _cell;
    private long _rowOffset;

    public JsonStreamState(string source, DatasetReadOptions options)
    {
        _source = source;
        _options = options;
    }

    public long RowsRead { get; private set; }

    public static JsonStreamState FromMetadata(JsonElement root, string source, DatasetReadOptions options)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new DataFormatException(source, "the first line is not a JSON object", "the dataset metadata object", record: 1);
        var state = new JsonStreamState(source, options);
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "columns":
                    if (p.Value.ValueKind != JsonValueKind.Array)
                        throw new DataFormatException(source, "\"columns\" is not an array", "an array of column definitions", record: 1);
                    int i = 0;
                    foreach (var c in p.Value.EnumerateArray())
                    {
                        var meta = DatasetJsonColumn.ReadDefinition(c, source, i++, out var name);
                        state._definitions.Add((name, meta));
                    }
                    state._sawColumns = true;
                    break;
                case "records":
                    state._records = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out long r) ? r
                        : throw new DataFormatException(source, "\"records\" is not a whole number", "the number of rows", record: 1);
                    break;
                case "sourceSystem" when p.Value.ValueKind == JsonValueKind.Object:
                    state._attributes["sourceSystem.name"] = p.Value.TryGetProperty("name", out var sn) ? sn.GetString() : null;
                    state._attributes["sourceSystem.version"] = p.Value.TryGetProperty("version", out var sv) ? sv.GetString() : null;
                    break;
                case "rows":
                    throw new DataFormatException(source, "the metadata line holds rows", "rows on the following lines (NDJSON)", record: 1);
                default:
                    if (p.Value.ValueKind == JsonValueKind.String) state._attributes[p.Name] = p.Value.GetString();
                    break;
            }
        }
        state.CheckVersion(1);
        state.EnsureColumns(1);
        return state;
    }

    /// <summary>Reads one row; the reader is on the row's StartArray.</summary>
    public void RowFromArray(ref Utf8JsonReader reader, long record)
    {
        var columns = EnsureColumns(record);
        int cell = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                if (cell != columns.Length)
                    throw new DataFormatException(_source, $"the row has {cell} values", $"{columns.Length} values, one per column", record: record);
                RowsRead++;
                return;
            }
            if (cell >= columns.Length)
                throw new DataFormatException(_source, "the row has more values than there are columns", $"{columns.Length} values", record: record);
            columns[cell].Add(ref reader, record);
            cell++;
        }
        throw new DataFormatException(_source, "the row array is not closed", "']' at the end of the row", record: record);
    }

    public void Token(ref Utf8JsonReader r, long baseOffset)
    {
        var token = r.TokenType;
        switch (_mode)
        {
            case Mode.Start:
                if (token != JsonTokenType.StartObject)
                    throw new DataFormatException(_source, $"the document starts with {token}", "a JSON object", byteOffset: baseOffset + r.TokenStartIndex);
                _mode = Mode.Top;
                return;
            case Mode.Top:
                if (token == JsonTokenType.EndObject) { _mode = Mode.Done; return; }
                _property = r.GetString();
                _mode = Mode.TopValue;
                return;
            case Mode.TopValue:
                TopValue(ref r, baseOffset);
                return;
            case Mode.SourceSystem:
                if (token == JsonTokenType.EndObject) { _mode = Mode.Top; return; }
                _property = r.GetString();
                _mode = Mode.SourceSystemValue;
                return;
            case Mode.SourceSystemValue:
                if (token == JsonTokenType.String) _attributes["sourceSystem." + _property] = r.GetString();
                else if (token is JsonTokenType.StartObject or JsonTokenType.StartArray) { Skip(ref r, Mode.SourceSystem); return; }
                _mode = Mode.SourceSystem;
                return;
            case Mode.Columns:
                if (token == JsonTokenType.EndArray) { _sawColumns = true; _mode = Mode.Top; return; }
                if (token != JsonTokenType.StartObject)
                    throw new DataFormatException(_source, $"column {_definitions.Count + 1} is a {token}", "a column definition object", byteOffset: baseOffset + r.TokenStartIndex);
                _columnProperties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                _mode = Mode.Column;
                return;
            case Mode.Column:
                if (token == JsonTokenType.EndObject)
                {
                    var element = JsonSerializer.SerializeToElement(_columnProperties);
                    var meta = DatasetJsonColumn.ReadDefinition(element, _source, _definitions.Count, out var name);
                    _definitions.Add((name, meta));
                    _mode = Mode.Columns;
                    return;
                }
                _property = r.GetString();
                _mode = Mode.ColumnValue;
                return;
            case Mode.ColumnValue:
                if (token is JsonTokenType.StartObject or JsonTokenType.StartArray) { Skip(ref r, Mode.Column); return; }
                _columnProperties![_property!] = JsonElement.ParseValue(ref r);
                _mode = Mode.Column;
                return;
            case Mode.Rows:
                if (token == JsonTokenType.EndArray) { _mode = Mode.Top; return; }
                if (token != JsonTokenType.StartArray)
                    throw new DataFormatException(_source, $"row {RowsRead + 1} is a {token}", "an array of values", record: RowsRead + 1, byteOffset: baseOffset + r.TokenStartIndex);
                _rowOffset = baseOffset + r.TokenStartIndex;
                _cell = 0;
                _mode = Mode.Row;
                return;
            case Mode.Row:
                var columns = _columns!;
                if (token == JsonTokenType.EndArray)
                {
                    if (_cell != columns.Length)
                        throw new DataFormatException(_source, $"the row has {_cell} values", $"{columns.Length} values, one per column", record: RowsRead + 1, byteOffset: _rowOffset);
                    RowsRead++;
                    _mode = Mode.Rows;
                    return;
                }
                if (_cell >= columns.Length)
                    throw new DataFormatException(_source, "the row has more values than there are columns", $"{columns.Length} values", record: RowsRead + 1, byteOffset: _rowOffset);
                columns[_cell].Add(ref r, RowsRead + 1);
                _cell++;
                return;
            case Mode.Skip:
                if ((token is JsonTokenType.EndObject or JsonTokenType.EndArray) && r.CurrentDepth == _skipDepth) _mode = _afterSkip;
                return;
            case Mode.Done:
                throw new DataFormatException(_source, "there is content after the dataset object", "one JSON object per file", byteOffset: baseOffset + r.TokenStartIndex);
        }
    }

    private void TopValue(ref Utf8JsonReader r, long baseOffset)
    {
        var token = r.TokenType;
        switch (_property)
        {
            case "columns":
                if (token != JsonTokenType.StartArray)
                    throw new DataFormatException(_source, "\"columns\" is not an array", "an array of column definitions", byteOffset: baseOffset + r.TokenStartIndex);
                _mode = Mode.Columns;
                return;
            case "rows":
                if (token != JsonTokenType.StartArray)
                    throw new DataFormatException(_source, "\"rows\" is not an array", "an array of row arrays", byteOffset: baseOffset + r.TokenStartIndex);
                if (!_sawColumns)
                    throw new DataFormatException(_source, "\"rows\" comes before \"columns\"", "the column definitions before the rows, in the specification's attribute order", byteOffset: baseOffset + r.TokenStartIndex);
                CheckVersion(null);
                EnsureColumns(null);
                _mode = Mode.Rows;
                return;
            case "sourceSystem" when token == JsonTokenType.StartObject:
                _mode = Mode.SourceSystem;
                return;
            case "records":
                if (token != JsonTokenType.Number || !r.TryGetInt64(out long records))
                    throw new DataFormatException(_source, "\"records\" is not a whole number", "the number of rows", byteOffset: baseOffset + r.TokenStartIndex);
                _records = records;
                _mode = Mode.Top;
                return;
        }
        if (token is JsonTokenType.StartObject or JsonTokenType.StartArray) { Skip(ref r, Mode.Top); return; }
        if (token == JsonTokenType.String) _attributes[_property!] = r.GetString();
        _mode = Mode.Top;
    }

    private void Skip(ref Utf8JsonReader r, Mode after)
    {
        _skipDepth = r.CurrentDepth;
        _afterSkip = after;
        _mode = Mode.Skip;
    }

    private void CheckVersion(long? record)
    {
        if (_attributes.TryGetValue("datasetJSONVersion", out var v) && v is not null && !v.StartsWith("1.1", StringComparison.Ordinal))
            throw new DataFormatException(_source, $"datasetJSONVersion is {v}", "Dataset-JSON 1.1", record: record);
    }

    private DatasetJsonColumn[] EnsureColumns(long? record)
    {
        if (_columns is not null) return _columns;
        if (!_sawColumns)
            throw new DataFormatException(_source, "the dataset has no \"columns\"", "an array of column definitions", record: record);
        var dataset = DatasetName();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, _) in _definitions)
            if (!seen.Add(name))
                throw new DataFormatException(_source, $"two columns are named {name}", "unique column names", record: record, variable: name);
        _columns = [.. _definitions.Select(d => new DatasetJsonColumn(d.Meta, d.Name, _source, _options, dataset))];
        return _columns;
    }

    private string DatasetName()
    {
        var name = _attributes.GetValueOrDefault("name") ?? _attributes.GetValueOrDefault("itemGroupOID")?.Split('.')[^1];
        if (string.IsNullOrWhiteSpace(name))
            throw new DataFormatException(_source, "the dataset has no name", "a \"name\" attribute");
        return name.Trim().ToUpperInvariant();
    }

    public DomainTable Finish()
    {
        var columns = EnsureColumns(null);
        if (_records is long expected && expected != RowsRead)
            throw new DataFormatException(_source, $"the file says \"records\": {expected} but holds {RowsRead} rows",
                "as many rows as \"records\" (the file may be truncated)", record: RowsRead);
        var dataset = DatasetName();
        var metadata = new DatasetMetadata(
            ItemGroupOid: _attributes.GetValueOrDefault("itemGroupOID"),
            StudyOid: _attributes.GetValueOrDefault("studyOID"),
            MetaDataVersionOid: _attributes.GetValueOrDefault("metaDataVersionOID"),
            MetaDataRef: _attributes.GetValueOrDefault("metaDataRef"),
            FileOid: _attributes.GetValueOrDefault("fileOID"),
            Originator: _attributes.GetValueOrDefault("originator"),
            SourceSystemName: _attributes.GetValueOrDefault("sourceSystem.name"),
            SourceSystemVersion: _attributes.GetValueOrDefault("sourceSystem.version"),
            DbLastModifiedDateTime: _attributes.GetValueOrDefault("dbLastModifiedDateTime"));
        var label = _attributes.GetValueOrDefault("label");
        return new DomainTable(dataset, string.IsNullOrEmpty(label) ? null : label, [.. columns.Select(c => c.Build(dataset, _options))], null, metadata);
    }
}
