using System.Buffers;
using System.Globalization;
using System.Text;

namespace ProtocolEngine.Data.Text;

/// <summary>
/// A read-only stream over UTF-8 text that fails, naming the line and column, at the first byte that is not
/// valid UTF-8 and at the first control character other than tab, carriage return and line feed (C0 controls,
/// DEL and the C1 controls U+0080 to U+009F). Readers parse what passes through unchanged, so the check costs
/// one vectorised scan of each buffer and no copy. A NUL byte in a CSV value ("WH\0ITE") or a Latin-1 byte read
/// as UTF-8 would otherwise become a value of its own (a subgroup, a code that matches nothing).
/// </summary>
internal sealed class CheckedTextStream : Stream
{
    private static readonly SearchValues<byte> Controls = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 0x0B, 0x0C, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x7F]);

    private readonly Stream _inner;
    private readonly string _source;
    private readonly string? _declared;
    private readonly Decoder _decoder = TextEncodings.StrictUtf8.GetDecoder();
    private long _line = 1;
    private long _column;
    private long _position;
    private bool _pendingC2;
    private bool _ended;

    /// <summary>Wraps UTF-8 text.</summary>
    /// <param name="inner">The text, as UTF-8 bytes (a file, or a file transcoded from its declared encoding).</param>
    /// <param name="source">The file, for messages.</param>
    /// <param name="declared">The encoding the user declared, when the bytes were transcoded from it.</param>
    public CheckedTextStream(Stream inner, string source, string? declared = null)
    {
        _inner = inner;
        _source = source;
        _declared = declared;
    }

    /// <summary>Opens a text data file for reading: transcoded from <paramref name="encoding"/> when one is declared, checked either way.</summary>
    public static Stream Open(string path, Encoding? encoding)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Wrap(file, path, encoding);
    }

    /// <summary>Wraps a stream of text in a declared encoding (UTF-8 when null); disposing the result disposes <paramref name="stream"/>.</summary>
    public static Stream Wrap(Stream stream, string source, Encoding? encoding)
    {
        if (encoding is null || encoding.CodePage == 65001) return new CheckedTextStream(stream, source);
        return new CheckedTextStream(Encoding.CreateTranscodingStream(stream, encoding, TextEncodings.StrictUtf8, leaveOpen: false), source, TextEncodings.Describe(encoding));
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _inner.Read(buffer);
        }
        catch (DecoderFallbackException ex)
        {
            // A byte the declared encoding does not define (0x81 in windows-1252, for example).
            throw new DataFormatException(_source, $"a byte is not defined in the declared encoding {_declared}: {ex.Message}",
                "text in the declared encoding", record: _line, column: _column + 1);
        }
        Check(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Check(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    private void Check(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            if (_ended) return;
            _ended = true;
            try
            {
                _decoder.GetChars([], new char[2], flush: true);
            }
            catch (DecoderFallbackException)
            {
                throw Fail(chunk, 0, "the file ends inside a UTF-8 character", Utf8Expected());
            }
            return;
        }
        if (_pendingC2 && chunk[0] is >= 0x80 and <= 0x9F) throw Fail(chunk, 0, $"a control character U+{chunk[0]:X4} is in the text", C1Expected(), before: 1);
        _pendingC2 = chunk[^1] == 0xC2;

        int control = chunk.IndexOfAny(Controls);
        // Decoded (not only counted: GetCharCount leaves the decoder's state alone), so a character whose bytes straddle two
        // reads is carried over rather than reported as invalid UTF-8 at the start of the second.
        var chars = ArrayPool<char>.Shared.Rent(chunk.Length + 2);
        try
        {
            _decoder.GetChars(chunk, chars, flush: false);
        }
        catch (DecoderFallbackException ex)
        {
            int at = Math.Max(0, ex.Index);
            if (control < 0 || at < control)
            {
                var bytes = ex.BytesUnknown is { Length: > 0 } unknown ? string.Join(" ", unknown.Select(b => $"0x{b:X2}")) : "a byte";
                throw Fail(chunk, at, $"{(ex.BytesUnknown?.Length == 1 ? "byte" : "bytes")} {bytes} {(ex.BytesUnknown?.Length == 1 ? "is" : "are")} not valid UTF-8", Utf8Expected());
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
        if (control >= 0) throw Fail(chunk, control, $"a control character {Name(chunk[control])} is in the text", ControlExpected());

        // C1 controls are C2 80..C2 9F in UTF-8: text decoded as Latin-1 somewhere upstream usually.
        for (int i = chunk.IndexOf((byte)0xC2); i >= 0 && i < chunk.Length - 1;)
        {
            if (chunk[i + 1] is >= 0x80 and <= 0x9F) throw Fail(chunk, i, $"a control character U+{chunk[i + 1]:X4} is in the text", C1Expected());
            int next = chunk[(i + 1)..].IndexOf((byte)0xC2);
            i = next < 0 ? -1 : i + 1 + next;
        }
        Advance(chunk);
    }

    private void Advance(ReadOnlySpan<byte> chunk)
    {
        int lastNewLine = chunk.LastIndexOf((byte)'\n');
        if (lastNewLine >= 0)
        {
            _line += chunk.Count((byte)'\n');
            _column = CodePoints(chunk[(lastNewLine + 1)..]);
        }
        else _column += CodePoints(chunk, _position == 0);
        _position += chunk.Length;
    }

    private DataFormatException Fail(ReadOnlySpan<byte> chunk, int index, string problem, string expected, int before = 0)
    {
        var head = chunk[..index];
        long line = _line, column;
        int lastNewLine = head.LastIndexOf((byte)'\n');
        if (lastNewLine >= 0)
        {
            line += head.Count((byte)'\n');
            column = CodePoints(head[(lastNewLine + 1)..]) + 1;
        }
        else column = _column + CodePoints(head, _position == 0) + 1 - before;
        return new DataFormatException(_source, problem, expected, record: line, column: Math.Max(1, column),
            byteOffset: _declared is null ? _position + index - before : null);
    }

    private string Utf8Expected() => _declared is null
        ? "UTF-8 text; if the file is in another encoding, declare it (--encoding latin1 or --encoding windows-1252, for example)"
        : $"text in the declared encoding {_declared}";

    private static string ControlExpected() =>
        "printable text: control characters other than tab and line breaks are not allowed (a NUL byte often means a UTF-16 or binary file)";

    // Latin-1 maps 0x80-0x9F to controls; files declared Latin-1 with such bytes are nearly always windows-1252 (curly quotes, dashes).
    private string C1Expected() => _declared is "iso-8859-1" or "latin1"
        ? ControlExpected() + "; in Latin-1 bytes 0x80 to 0x9F are control characters: the file is probably windows-1252 (--encoding windows-1252)"
        : ControlExpected();

    private static string Name(byte b) => b switch
    {
        0 => "NUL (byte 0x00)",
        0x7F => "DEL (byte 0x7F)",
        _ => $"U+{b.ToString("X4", CultureInfo.InvariantCulture)} (byte 0x{b:X2})",
    };

    // Characters as a user counts them: one per code point (UTF-8 continuation bytes are not counted); a BOM at the start is not a column.
    private static long CodePoints(ReadOnlySpan<byte> bytes, bool atStart = false)
    {
        if (atStart && bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        if (System.Text.Ascii.IsValid(bytes)) return bytes.Length;
        long count = 0;
        foreach (var b in bytes)
            if ((b & 0xC0) != 0x80) count++;
        return count;
    }
}
