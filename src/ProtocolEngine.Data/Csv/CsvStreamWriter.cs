using System.Globalization;
using System.Text;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Csv;

/// <summary>
/// Writes one dataset as CSV (RFC 4180, UTF-8, LF line ends) with a header row. A missing value is an unquoted
/// <c>NA</c>, an empty string is <c>""</c>, and text that could be mistaken for either, or that holds a comma,
/// quote or line break, is quoted. Numbers use the shortest text that reads back to the same double.
/// </summary>
internal sealed class CsvStreamWriter : DatasetStreamWriter
{
    private readonly StreamWriter _writer;
    private readonly StringBuilder _line = new();

    public CsvStreamWriter(Stream stream, string dataset, string? label, IReadOnlyList<ColumnSpec> columns, DatasetMetadata? metadata)
        : base(dataset, label, columns, metadata)
    {
        _writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        for (int c = 0; c < columns.Count; c++)
        {
            if (c > 0) _line.Append(',');
            AppendText(columns[c].Name);
        }
        _writer.WriteLine(_line);
        _line.Clear();
    }

    protected override void WriteRow(string?[] text, bool[] empty, double[] numbers, char[] missingKinds)
    {
        for (int c = 0; c < Columns.Count; c++)
        {
            if (c > 0) _line.Append(',');
            if (Columns[c].IsNumeric)
            {
                double v = numbers[c];
                if (double.IsNaN(v)) _line.Append("NA");
                else _line.Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
            else if (text[c] is { } value) AppendText(value);
            else _line.Append(empty[c] ? "\"\"" : "NA");
        }
        _writer.WriteLine(_line);
        _line.Clear();
    }

    protected override void Finish() => _writer.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _writer.Dispose();
    }

    private void AppendText(string value)
    {
        bool quote = value == "NA" || value.Length == 0 || value.AsSpan().IndexOfAny(",\"\r\n") >= 0
                     || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]);
        if (!quote)
        {
            _line.Append(value);
            return;
        }
        _line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
