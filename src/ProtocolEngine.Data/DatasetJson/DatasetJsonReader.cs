using System.Text.Json;
using ProtocolEngine.Data.Text;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.DatasetJson;

/// <summary>
/// Reads CDISC Dataset-JSON 1.1 datasets, both as one JSON document (.json) and as NDJSON (.ndjson: the
/// metadata object on the first line, one row array per line). Rows are streamed token by token into column
/// builders, so a file of any size is read in one pass. Missing values are null; an empty string is kept as
/// an empty (missing) string; decimals carried as strings become numbers; dates with targetDataType integer
/// become SAS numbers.
/// </summary>
internal static class DatasetJsonReader
{
    /// <summary>Reads a .json or .ndjson file, by its extension.</summary>
    /// <exception cref="DataFormatException">The file is not valid Dataset-JSON; the message names the record.</exception>
    public static DomainTable Read(string path, DatasetReadOptions? options = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
            ? ReadNdjson(stream, path, options)
            : ReadJson(stream, path, options);
    }

    /// <summary>Reads a Dataset-JSON document from a stream.</summary>
    /// <exception cref="DataFormatException">The content is not valid Dataset-JSON.</exception>
    public static DomainTable ReadJson(Stream stream, string source, DatasetReadOptions? options = null)
    {
        options ??= DatasetReadOptions.Default;
        stream = CheckedTextStream.Wrap(stream, source, options.Encoding);
        var state = new JsonStreamState(source, options);
        var buffer = new byte[1 << 16];
        int filled = 0;
        bool final = false;
        var readerState = new JsonReaderState(new JsonReaderOptions { MaxDepth = 16 });
        long consumedTotal = 0;
        try
        {
            while (true)
            {
                if (!final)
                {
                    int n = stream.Read(buffer, filled, buffer.Length - filled);
                    if (n == 0) final = true;
                    filled += n;
                }
                var reader = new Utf8JsonReader(buffer.AsSpan(0, filled), final, readerState);
                while (reader.Read()) state.Token(ref reader, consumedTotal);
                int consumed = (int)reader.BytesConsumed;
                readerState = reader.CurrentState;
                consumedTotal += consumed;
                if (final)
                {
                    if (consumed < filled && buffer.AsSpan(consumed, filled - consumed).IndexOfAnyExcept(" \t\r\n"u8) >= 0)
                        throw new DataFormatException(source, "there is content after the dataset object", "one JSON object per file", byteOffset: consumedTotal);
                    break;
                }
                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;
                // A single token larger than the buffer: grow it.
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
        catch (JsonException ex)
        {
            throw new DataFormatException(source, $"the JSON is malformed or truncated: {ex.Message}", "a complete Dataset-JSON object",
                record: state.RowsRead > 0 ? state.RowsRead + 1 : null, byteOffset: consumedTotal + (ex.BytePositionInLine ?? 0), inner: ex);
        }
        catch (InvalidOperationException ex) when (IsInvalidUtf8(ex))
        {
            throw new DataFormatException(source, "a string is not valid UTF-8", "UTF-8 text", record: state.RowsRead + 1, byteOffset: consumedTotal, inner: ex);
        }
        return state.Finish();
    }

    /// <summary>Reads a Dataset-JSON NDJSON stream: a metadata object line then one row array per line.</summary>
    /// <exception cref="DataFormatException">The content is not valid Dataset-JSON NDJSON.</exception>
    public static DomainTable ReadNdjson(Stream stream, string source, DatasetReadOptions? options = null)
    {
        options ??= DatasetReadOptions.Default;
        stream = CheckedTextStream.Wrap(stream, source, options.Encoding);
        var lines = new LineReader(stream);
        long lineNumber = 0;
        if (!lines.TryReadLine(out var first))
            throw new DataFormatException(source, "the file is empty", "a metadata object on the first line", record: 1);
        lineNumber++;
        JsonStreamState state;
        try
        {
            using var doc = JsonDocument.Parse(first.ToArray());
            state = JsonStreamState.FromMetadata(doc.RootElement, source, options);
        }
        catch (Exception ex) when (ex is JsonException || (ex is InvalidOperationException ioe && IsInvalidUtf8(ioe)))
        {
            throw new DataFormatException(source, $"the metadata line is not valid JSON: {ex.Message}", "a JSON object with the dataset attributes and columns", record: 1, inner: ex);
        }
        while (lines.TryReadLine(out var line))
        {
            lineNumber++;
            if (line.IndexOfAnyExcept(" \t\r"u8) < 0) continue;
            try
            {
                var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 4 });
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                    throw new DataFormatException(source, "a data line is not a JSON array", "one row array per line", record: lineNumber);
                state.RowFromArray(ref reader, lineNumber);
                if (reader.Read())
                    throw new DataFormatException(source, "a data line has content after its array", "one row array per line", record: lineNumber);
            }
            catch (Exception ex) when (ex is JsonException || (ex is InvalidOperationException ioe && IsInvalidUtf8(ioe)))
            {
                throw new DataFormatException(source, $"line {lineNumber} is not valid JSON: {ex.Message}", "one row array per line", record: lineNumber, inner: ex);
            }
        }
        return state.Finish();
    }

    // System.Text.Json reports invalid UTF-8 inside a string as an InvalidOperationException when the string is read.
    private static bool IsInvalidUtf8(InvalidOperationException ex) => ex.Source == "System.Text.Json" || ex.Message.Contains("UTF-8", StringComparison.Ordinal);

    /// <summary>Splits a UTF-8 stream into lines without decoding it.</summary>
    private sealed class LineReader(Stream stream)
    {
        private byte[] _buffer = new byte[1 << 16];
        private int _start;
        private int _end;
        private bool _eof;

        public bool TryReadLine(out ReadOnlySpan<byte> line)
        {
            while (true)
            {
                int nl = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
                if (nl >= 0)
                {
                    line = _buffer.AsSpan(_start, nl);
                    _start += nl + 1;
                    return true;
                }
                if (_eof)
                {
                    if (_start < _end)
                    {
                        line = _buffer.AsSpan(_start, _end - _start);
                        _start = _end;
                        return true;
                    }
                    line = default;
                    return false;
                }
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
                int n = stream.Read(_buffer, _end, _buffer.Length - _end);
                if (n == 0) _eof = true;
                _end += n;
            }
        }
    }
}
