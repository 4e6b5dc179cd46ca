using System.Globalization;
using System.Text;
using System.Text.Json;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.DatasetJson;

/// <summary>
/// Writes one dataset as Dataset-JSON 1.1, either one JSON document or NDJSON (metadata line, then one row
/// array per line), in the specification's attribute order. The number of records is only known at the end,
/// so the writer leaves a blank-padded slot for it and fills it in when the dataset is complete (whitespace
/// inside JSON is insignificant); the stream must therefore be seekable.
/// </summary>
internal sealed class DatasetJsonStreamWriter : DatasetStreamWriter
{
    private const int RecordsSlot = 20;
    private static readonly JsonWriterOptions _options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly Stream _stream;
    private readonly bool _ndjson;
    private readonly Utf8JsonWriter _writer;
    private readonly string[] _dataTypes;
    private readonly string?[] _targets;
    private readonly long _recordsPosition;

    public DatasetJsonStreamWriter(Stream stream, string dataset, string? label, IReadOnlyList<ColumnSpec> columns, DatasetMetadata? metadata, DateTime timestamp, bool ndjson)
        : base(dataset, label, columns, metadata)
    {
        if (!stream.CanSeek) throw new ArgumentException("Dataset-JSON is written to a seekable stream (the record count is filled in last).", nameof(stream));
        _stream = stream;
        _ndjson = ndjson;
        _dataTypes = [.. columns.Select(c => c.Metadata.DataType ?? (c.IsNumeric ? "double" : "string"))];
        _targets = [.. columns.Select(c => c.Metadata.TargetDataType)];
        _writer = new Utf8JsonWriter(stream, _options);

        var m = Metadata;
        _writer.WriteStartObject();
        _writer.WriteString("datasetJSONCreationDateTime", timestamp.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        _writer.WriteString("datasetJSONVersion", "1.1.0");
        WriteOptional("fileOID", m.FileOid);
        WriteOptional("dbLastModifiedDateTime", m.DbLastModifiedDateTime);
        WriteOptional("originator", m.Originator);
        if (m.SourceSystemName is not null)
        {
            _writer.WriteStartObject("sourceSystem");
            _writer.WriteString("name", m.SourceSystemName);
            _writer.WriteString("version", m.SourceSystemVersion ?? "");
            _writer.WriteEndObject();
        }
        WriteOptional("studyOID", m.StudyOid);
        WriteOptional("metaDataVersionOID", m.MetaDataVersionOid);
        WriteOptional("metaDataRef", m.MetaDataRef);
        _writer.WriteString("itemGroupOID", m.ItemGroupOid ?? "IG." + dataset);
        _writer.WritePropertyName("records");
        _writer.Flush();
        _recordsPosition = stream.Position;
        _writer.WriteRawValue("0" + new string(' ', RecordsSlot - 1), skipInputValidation: true);
        _writer.WriteString("name", dataset);
        _writer.WriteString("label", label ?? "");
        _writer.WriteStartArray("columns");
        for (int c = 0; c < columns.Count; c++)
        {
            var col = columns[c];
            var meta = col.Metadata;
            _writer.WriteStartObject();
            _writer.WriteString("itemOID", meta.ItemOid ?? $"IT.{dataset}.{col.Name}");
            _writer.WriteString("name", col.Name);
            _writer.WriteString("label", meta.Label ?? "");
            _writer.WriteString("dataType", _dataTypes[c]);
            if (_targets[c] is { } target) _writer.WriteString("targetDataType", target);
            if (meta.Length is int length && !col.IsNumeric) _writer.WriteNumber("length", length);
            if (meta.DisplayFormat is { } format) _writer.WriteString("displayFormat", format);
            if (meta.KeySequence is int key) _writer.WriteNumber("keySequence", key);
            _writer.WriteEndObject();
        }
        _writer.WriteEndArray();
        if (_ndjson)
        {
            _writer.WriteEndObject();
            _writer.Flush();
            _stream.WriteByte((byte)'\n');
            _writer.Reset();
        }
        else _writer.WriteStartArray("rows");
    }

    protected override void WriteRow(string?[] text, bool[] empty, double[] numbers, char[] missingKinds)
    {
        _writer.WriteStartArray();
        for (int c = 0; c < Columns.Count; c++)
        {
            if (!Columns[c].IsNumeric)
            {
                var value = text[c];
                if (value is not null)
                {
                    if (_dataTypes[c] == "boolean" && value is "true" or "false") _writer.WriteBooleanValue(value == "true");
                    else _writer.WriteStringValue(value);
                }
                else if (empty[c]) _writer.WriteStringValue("");
                else _writer.WriteNullValue();
                continue;
            }
            double v = numbers[c];
            if (double.IsNaN(v))
            {
                _writer.WriteNullValue();
                continue;
            }
            switch (_dataTypes[c])
            {
                case "date" or "datetime" or "time":
                    // A SAS date number travels as ISO 8601 text (targetDataType integer).
                    _writer.WriteStringValue(SasDates.FromSas(v, _dataTypes[c]) ?? v.ToString("R", CultureInfo.InvariantCulture));
                    break;
                case "decimal":
                    _writer.WriteStringValue(v.ToString("R", CultureInfo.InvariantCulture));
                    break;
                case "integer" when v == Math.Floor(v) && Math.Abs(v) < 9e15:
                    _writer.WriteNumberValue((long)v);
                    break;
                default:
                    _writer.WriteNumberValue(v);
                    break;
            }
        }
        _writer.WriteEndArray();
        if (_ndjson)
        {
            _writer.Flush();
            _stream.WriteByte((byte)'\n');
            _writer.Reset();
        }
    }

    protected override void Finish()
    {
        if (!_ndjson)
        {
            _writer.WriteEndArray();
            _writer.WriteEndObject();
        }
        _writer.Flush();
        if (!_ndjson) _stream.WriteByte((byte)'\n');
        long end = _stream.Position;
        _stream.Position = _recordsPosition;
        _stream.Write(Encoding.ASCII.GetBytes(RowsWritten.ToString(CultureInfo.InvariantCulture).PadRight(RecordsSlot)));
        _stream.Position = end;
        _stream.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _writer.Dispose();
    }

    private void WriteOptional(string name, string? value)
    {
        if (value is not null) _writer.WriteString(name, value);
    }
}
