namespace ProtocolEngine.Data.Xpt;

/// <summary>A forward-only window over a stream that can look ahead a few records and knows its file offset.</summary>
internal sealed class XptInput
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _pos;
    private int _len;
    private long _base;
    private bool _eof;

    public XptInput(Stream stream, int bufferSize = 1 << 20)
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
    }

    /// <summary>The file offset of the next unread byte.</summary>
    public long Position => _base + _pos;

    /// <summary>Makes <paramref name="count"/> bytes available; false when the stream ends first.</summary>
    public bool Ensure(int count)
    {
        if (_len - _pos >= count) return true;
        if (_pos > 0)
        {
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, _len - _pos);
            _base += _pos;
            _len -= _pos;
            _pos = 0;
        }
        if (count > _buffer.Length) Array.Resize(ref _buffer, Math.Max(count, _buffer.Length * 2));
        while (_len < count && !_eof)
        {
            int n = _stream.Read(_buffer, _len, _buffer.Length - _len);
            if (n == 0) _eof = true;
            else _len += n;
        }
        return _len - _pos >= count;
    }

    /// <summary>The bytes available right now, up to <paramref name="max"/> (after <see cref="Ensure"/>).</summary>
    public ReadOnlySpan<byte> Available(int max) => _buffer.AsSpan(_pos, Math.Min(max, _len - _pos));

    public ReadOnlySpan<byte> Peek(int count) => _buffer.AsSpan(_pos, count);

    public void Advance(int count) => _pos += count;

    /// <summary>True when no byte is left.</summary>
    public bool AtEnd => !Ensure(1);
}
