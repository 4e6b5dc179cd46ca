using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ProtocolEngine.Data.Text;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.DatasetJson;

/// <summary>One column of a Dataset-JSON dataset being read: its metadata and the builder its cells go to.</summary>
internal sealed class DatasetJsonColumn
{
    private readonly TextColumnBuilder? _text;
    private readonly NumberColumnBuilder? _number;
    private readonly string _source;
    private readonly bool _isDateTime;
    private char[] _chars = new char[256];

    public DatasetJsonColumn(ColumnMetadata metadata, string name, string source, DatasetReadOptions options, string dataset)
    {
        Name = name;
        Metadata = metadata;
        _source = source;
        DataType = metadata.DataType ?? "string";
        Target = metadata.TargetDataType;
        if (DataType is not ("string" or "integer" or "decimal" or "float" or "double" or "boolean" or "datetime" or "date" or "time" or "URI"))
            throw new DataFormatException(source, $"column {name} has dataType '{DataType}'", "string, integer, decimal, float, double, boolean, datetime, date, time or URI", variable: name);
        IsNumeric = DataType is "integer" or "decimal" or "float" or "double" || Target is "integer" or "decimal";
        if (IsNumeric) _number = new NumberColumnBuilder();
        else _text = new TextColumnBuilder(options.Pool);
        _isDateTime = !IsNumeric && (DataType is "date" or "datetime" || (DataType == "string" && options.IsDateTimeVariable(dataset, name)));
    }

    public string Name { get; }
    public ColumnMetadata Metadata { get; }
    public string DataType { get; }
    public string? Target { get; }
    public bool IsNumeric { get; }

    /// <summary>Adds the value at the reader's current token (a primitive: string, number, true, false or null).</summary>
    public void Add(ref Utf8JsonReader reader, long record)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                if (_number is not null) _number.AddMissing();
                else _text!.AddMissing();
                return;
            case JsonTokenType.String:
                AddString(ref reader, record);
                return;
            case JsonTokenType.Number:
                if (_number is null)
                    throw Wrong(record, "a number", $"a JSON string for dataType {DataType}");
                if (!reader.TryGetDouble(out double d))
                    throw Wrong(record, "a number that does not fit a double", "a finite number");
                _number.Add(d);
                return;
            case JsonTokenType.True or JsonTokenType.False:
                if (DataType != "boolean") throw Wrong(record, "true or false", $"a value of dataType {DataType}");
                _text!.Add(reader.TokenType == JsonTokenType.True ? "true" : "false");
                return;
            default:
                throw Wrong(record, $"a JSON {reader.TokenType}", "a string, number, boolean or null");
        }
    }

    private void AddString(ref Utf8JsonReader reader, long record)
    {
        int max = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_chars.Length < max) _chars = new char[Math.Max(max, _chars.Length * 2)];
        int n = reader.CopyString(_chars);
        var text = _chars.AsSpan(0, n);
        // An escaped control character (\u0000) is valid JSON but not a value a rule can compare.
        if (TextValues.FindControl(text) is int control and >= 0)
            throw Wrong(record, $"a control character {TextValues.Describe(text[control])} at character {control + 1} of the value", TextValues.ControlExpected);
        if (_text is not null)
        {
            _text.Add(text);
            return;
        }
        if (n == 0)
        {
            _number!.AddMissing();
            return;
        }
        if (Target == "integer" && DataType is "date" or "datetime" or "time")
        {
            if (!SasDates.TryToSas(text, DataType, out double sas))
                throw Wrong(record, $"'{text}'", $"an ISO 8601 {DataType} (targetDataType integer)");
            _number!.Add(sas);
            return;
        }
        // Decimals travel as strings; a thousands separator, when used, is a comma.
        var digits = text.Contains(',') ? text.ToString().Replace(",", "", StringComparison.Ordinal).AsSpan() : text;
        if (!double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw Wrong(record, $"'{text}'", $"a {DataType} number");
        _number!.Add(value);
    }

    public Column Build(string dataset, DatasetReadOptions options) =>
        _number is not null ? _number.Build(Name, Metadata) : _text!.Build(Name, Metadata, _isDateTime);

    private DataFormatException Wrong(long record, string found, string expected) =>
        new(_source, $"found {found}", expected, record: record, variable: Name);

    /// <summary>Reads a column definition object; the reader is on its StartObject.</summary>
    public static ColumnMetadata ReadDefinition(JsonElement column, string source, int index, out string name)
    {
        if (column.ValueKind != JsonValueKind.Object)
            throw new DataFormatException(source, $"column {index + 1} is not an object", "a column definition {itemOID, name, label, dataType, ...}");
        string? Get(string p) => column.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int? GetInt(string p) => column.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : null;
        name = Get("name") ?? throw new DataFormatException(source, $"column {index + 1} has no name", "a \"name\" string");
        var dataType = Get("dataType") ?? throw new DataFormatException(source, $"column {name} has no dataType", "a \"dataType\" string", variable: name);
        // An empty label means none: the writer writes "" for a variable without a label, as the label is required.
        var label = Get("label");
        return new ColumnMetadata(string.IsNullOrEmpty(label) ? null : label, GetInt("length"), Get("displayFormat"), dataType, Get("targetDataType"), Get("itemOID"), GetInt("keySequence"));
    }
}
