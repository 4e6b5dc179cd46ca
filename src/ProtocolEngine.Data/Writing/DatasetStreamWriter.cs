using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Writing;

/// <summary>
/// Writes one dataset a row at a time, so data of any size streams to disk: set the cells of a row (any
/// order; unset cells are missing), call <see cref="EndRow"/>, and <see cref="Complete"/> at the end. A writer
/// that is disposed without <see cref="Complete"/> leaves an unfinished file, which callers delete.
/// </summary>
internal abstract class DatasetStreamWriter : IDisposable
{
    private readonly string?[] _text;
    private readonly bool[] _empty;
    private readonly double[] _numbers;
    private readonly char[] _missingKinds;
    private bool _completed;

    /// <summary>Creates a writer for the given columns.</summary>
    protected DatasetStreamWriter(string dataset, string? label, IReadOnlyList<ColumnSpec> columns, DatasetMetadata? metadata)
    {
        Dataset = dataset;
        Label = label;
        Columns = columns;
        Metadata = metadata ?? DatasetMetadata.Empty;
        _text = new string?[columns.Count];
        _empty = new bool[columns.Count];
        _numbers = new double[columns.Count];
        _missingKinds = new char[columns.Count];
        ResetRow();
    }

    /// <summary>The dataset name.</summary>
    public string Dataset { get; }

    /// <summary>The dataset label.</summary>
    public string? Label { get; }

    /// <summary>The columns, in file order.</summary>
    public IReadOnlyList<ColumnSpec> Columns { get; }

    /// <summary>Dataset-level attributes written where the format has room for them.</summary>
    public DatasetMetadata Metadata { get; }

    /// <summary>Rows written so far.</summary>
    public long RowsWritten { get; private set; }

    /// <summary>Sets a character cell: null is missing, "" is an empty (missing) string.</summary>
    public void SetText(int column, string? value)
    {
        if (value is not null && value.Length == 0)
        {
            _text[column] = null;
            _empty[column] = true;
        }
        else _text[column] = value;
    }

    /// <summary>Sets a numeric cell; NaN is missing of the given SAS kind ('.', '_', 'A'-'Z').</summary>
    public void SetNumber(int column, double value, char missingKind = '.')
    {
        _numbers[column] = value;
        _missingKinds[column] = double.IsNaN(value) ? missingKind : '\0';
    }

    /// <summary>Writes the row and starts a new one.</summary>
    public void EndRow()
    {
        WriteRow(_text, _empty, _numbers, _missingKinds);
        RowsWritten++;
        ResetRow();
    }

    /// <summary>Finishes the file (padding, record counts, closing brackets) and flushes it.</summary>
    public void Complete()
    {
        if (_completed) return;
        Finish();
        _completed = true;
    }

    /// <summary>Writes one row from the cell arrays (text: null + empty flag; numbers: NaN + missing kind).</summary>
    protected abstract void WriteRow(string?[] text, bool[] empty, double[] numbers, char[] missingKinds);

    /// <summary>Completes the file.</summary>
    protected abstract void Finish();

    /// <summary>Releases the stream.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    private void ResetRow()
    {
        Array.Clear(_text);
        Array.Clear(_empty);
        Array.Fill(_numbers, double.NaN);
        Array.Fill(_missingKinds, '.');
    }

    /// <summary>Creates a writer for a format over a stream (seekable for Dataset-JSON, which writes its record count last).</summary>
    public static DatasetStreamWriter Create(DataFileFormat format, Stream stream, string dataset, string? label,
        IReadOnlyList<ColumnSpec> columns, DatasetMetadata? metadata = null, DateTime? timestamp = null) => format switch
    {
        DataFileFormat.Xpt => new Xpt.XptStreamWriter(stream, dataset, label, columns, metadata, timestamp ?? DateTime.Now),
        DataFileFormat.Json => new DatasetJson.DatasetJsonStreamWriter(stream, dataset, label, columns, metadata, timestamp ?? DateTime.Now, ndjson: false),
        DataFileFormat.Ndjson => new DatasetJson.DatasetJsonStreamWriter(stream, dataset, label, columns, metadata, timestamp ?? DateTime.Now, ndjson: true),
        DataFileFormat.Csv => new Csv.CsvStreamWriter(stream, dataset, label, columns, metadata),
        _ => throw new ArgumentException($"{format} is not written row by row (convert a loaded study to it with StudyConverter).", nameof(format)),
    };
}
