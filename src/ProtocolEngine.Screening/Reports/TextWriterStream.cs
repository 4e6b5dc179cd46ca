using System.Text;

namespace ProtocolEngine.Screening.Reports;

/// <summary>
/// A write-only stream that decodes UTF-8 into a TextWriter, so streaming JSON writers can write to
/// a host's standard output (or any TextWriter) without holding the whole document in memory.
/// </summary>
internal sealed class TextWriterStream(TextWriter writer) : Stream
{
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private char[] _chars = new char[4096];

    /// <summary>Writes a JSON document through <paramref name="write"/> to <paramref name="writer"/>, then a line end.</summary>
    public static void WriteDocument(TextWriter writer, Action<Stream> write)
    {
        using (var stream = new TextWriterStream(writer)) write(stream);
        writer.WriteLine();
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int needed = _decoder.GetCharCount(buffer, flush: false);
        if (_chars.Length < needed) _chars = new char[Math.Max(needed, _chars.Length * 2)];
        int written = _decoder.GetChars(buffer, _chars, flush: false);
        writer.Write(_chars, 0, written);
    }

    public override void Flush() => writer.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
