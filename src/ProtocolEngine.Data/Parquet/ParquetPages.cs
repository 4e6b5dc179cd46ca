using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ProtocolEngine.Data.Parquet;

/// <summary>A Parquet page's kind (parquet.thrift PageType).</summary>
internal enum PageKind { Data = 0, Index = 1, Dictionary = 2, DataV2 = 3 }

/// <summary>
/// What the loader needs of one page header (parquet.thrift PageHeader with its data, dictionary or v2 header): the
/// header's own length in bytes, the body's sizes, and how the values and levels are encoded.
/// </summary>
internal readonly record struct PageHeader(
    int HeaderLength,
    PageKind Kind,
    int UncompressedSize,
    int CompressedSize,
    int ValueCount,
    int Encoding,
    int DefinitionEncoding,
    int RepetitionEncoding,
    int DefinitionLength,
    int RepetitionLength,
    bool IsCompressed);

/// <summary>
/// The parts of the Parquet format the loader decodes itself (https://github.com/apache/parquet-format): page headers in
/// Thrift's compact protocol, the RLE / bit-packed hybrid of levels and dictionary indices, and page decompression.
/// Reading dictionary indices as numbers, instead of the characters of every row, is what makes loading fast.
/// </summary>
internal static class ParquetPages
{
    /// <summary>parquet.thrift Encoding values the decoder reads.</summary>
    public const int Plain = 0, PlainDictionary = 2, Rle = 3, RleDictionary = 8;

    /// <summary>parquet.thrift CompressionCodec values the decoder reads.</summary>
    public const int Uncompressed = 0, Snappy = 1, Gzip = 2, Zstd = 6;

    /// <summary>Reads a page header at the start of <paramref name="bytes"/>; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static PageHeader ReadHeader(ReadOnlySpan<byte> bytes)
    {
        var reader = new CompactReader(bytes);
        int kind = -1, uncompressed = -1, compressed = -1, values = 0, encoding = -1, definition = Rle, repetition = Rle, defLength = 0, repLength = 0;
        bool isCompressed = true;
        short id = 0;
        while (reader.NextField(ref id, out byte type))
        {
            switch (id, type)
            {
                case (1, CompactReader.I32): kind = reader.ReadI32(); break;
                case (2, CompactReader.I32): uncompressed = reader.ReadI32(); break;
                case (3, CompactReader.I32): compressed = reader.ReadI32(); break;
                case (5, CompactReader.Struct): // DataPageHeader
                {
                    short inner = 0;
                    while (reader.NextField(ref inner, out byte t))
                    {
                        switch (inner, t)
                        {
                            case (1, CompactReader.I32): values = reader.ReadI32(); break;
                            case (2, CompactReader.I32): encoding = reader.ReadI32(); break;
                            case (3, CompactReader.I32): definition = reader.ReadI32(); break;
                            case (4, CompactReader.I32): repetition = reader.ReadI32(); break;
                            default: reader.Skip(t); break;
                        }
                    }
                    break;
                }
                case (7, CompactReader.Struct): // DictionaryPageHeader
                {
                    short inner = 0;
                    while (reader.NextField(ref inner, out byte t))
                    {
                        switch (inner, t)
                        {
                            case (1, CompactReader.I32): values = reader.ReadI32(); break;
                            case (2, CompactReader.I32): encoding = reader.ReadI32(); break;
                            default: reader.Skip(t); break;
                        }
                    }
                    break;
                }
                case (8, CompactReader.Struct): // DataPageHeaderV2
                {
                    short inner = 0;
                    while (reader.NextField(ref inner, out byte t))
                    {
                        switch (inner, t)
                        {
                            case (1, CompactReader.I32): values = reader.ReadI32(); break;
                            case (4, CompactReader.I32): encoding = reader.ReadI32(); break;
                            case (5, CompactReader.I32): defLength = reader.ReadI32(); break;
                            case (6, CompactReader.I32): repLength = reader.ReadI32(); break;
                            case (7, CompactReader.True): isCompressed = true; break;
                            case (7, CompactReader.False): isCompressed = false; break;
                            default: reader.Skip(t); break;
                        }
                    }
                    break;
                }
                default: reader.Skip(type); break;
            }
        }
        if (kind < 0 || uncompressed < 0 || compressed < 0 || values < 0 || defLength < 0 || repLength < 0)
            throw new InvalidDataException("a page header lacks its type or sizes");
        return new PageHeader(reader.Position, (PageKind)kind, uncompressed, compressed, values, encoding, definition, repetition, defLength, repLength, isCompressed);
    }

    /// <summary>Whether <see cref="Decompress"/> reads this codec.</summary>
    public static bool CanDecompress(int codec) => codec is Uncompressed or Snappy or Gzip or Zstd;

    /// <summary>Decompresses <paramref name="source"/> into exactly <paramref name="target"/>; throws <see cref="InvalidDataException"/> when the sizes disagree.</summary>
    public static void Decompress(int codec, ReadOnlyMemory<byte> source, Memory<byte> target)
    {
        int written;
        try
        {
            written = DecompressCore(codec, source, target);
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            // The codecs' own errors (a corrupt stream) say what is wrong with the page, not with the program.
            throw new InvalidDataException($"a page does not decompress ({e.Message})", e);
        }
        if (written != target.Length) throw new InvalidDataException($"a page decompressed to {written} bytes, its header says {target.Length}");
    }

    private static int DecompressCore(int codec, ReadOnlyMemory<byte> source, Memory<byte> target)
    {
        int written;
        switch (codec)
        {
            case Uncompressed:
                if (source.Length != target.Length) throw new InvalidDataException($"an uncompressed page holds {source.Length} bytes, its header says {target.Length}");
                source.CopyTo(target);
                return target.Length;
            case Snappy:
            {
                // Decompressed into the target itself: Snappier's span overload decompresses into a pooled buffer, then
                // copies it out and clears it before returning it to the pool (two more passes over every page's bytes).
                var writer = new TargetWriter(target);
                Snappier.Snappy.Decompress(new System.Buffers.ReadOnlySequence<byte>(source), writer);
                written = writer.Written;
                break;
            }
            case Gzip:
            {
                using var gzip = new GZipStream(new MemoryStream(source.ToArray(), writable: false), CompressionMode.Decompress);
                written = 0;
                int read;
                while (written < target.Length && (read = gzip.Read(target.Span[written..])) > 0) written += read;
                break;
            }
            case Zstd:
            {
                using var zstd = new ZstdSharp.Decompressor();
                written = zstd.Unwrap(source.Span, target.Span);
                break;
            }
            default:
                throw new InvalidDataException($"compression codec {codec} is not read here");
        }
        return written;
    }

    /// <summary>
    /// A buffer writer whose memory is the page's target: what it is asked for past the target's end is refused as a page
    /// that decompresses to more than its header says, and <see cref="Written"/> is what the decompressor filled.
    /// </summary>
    private sealed class TargetWriter(Memory<byte> target) : System.Buffers.IBufferWriter<byte>
    {
        public int Written { get; private set; }

        public void Advance(int count)
        {
            if (count < 0 || count > target.Length - Written) throw new InvalidDataException($"a page decompressed past the {target.Length} bytes its header says");
            Written += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            int room = target.Length - Written;
            if (sizeHint > room) throw new InvalidDataException($"a page decompresses to {Written + (long)sizeHint} bytes, its header says {target.Length}");
            return target.Slice(Written, sizeHint > 0 ? sizeHint : room);
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    /// <summary>The bits a value of at most <paramref name="max"/> takes (0 for 0).</summary>
    public static int BitWidth(int max) => max == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)max);

    /// <summary>
    /// Decodes <paramref name="count"/> values of the RLE / bit-packed hybrid into <paramref name="target"/>; the runs
    /// may hold padding past <paramref name="count"/>, which is ignored. Throws <see cref="InvalidDataException"/> when
    /// the bytes end early.
    /// </summary>
    public static void DecodeHybrid(ReadOnlySpan<byte> bytes, int bitWidth, Span<int> target, int count)
    {
        var decoder = new HybridDecoder(bytes, bitWidth);
        decoder.Read(target[..count]);
    }

    /// <summary>
    /// The RLE / bit-packed hybrid decoded a batch at a time (levels and dictionary indices): a page of a million values
    /// is decoded through a buffer that stays in the processor's cache rather than into arrays of the page's size.
    /// </summary>
    public ref struct HybridDecoder
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private readonly int _bitWidth;
        private readonly int _byteWidth;
        private int _at;
        // The current run: an RLE run repeats _value _left more times; a bit-packed run has _left values from bit _bit.
        private int _left;
        private bool _packed;
        private int _value;
        private long _bit;

        /// <summary>A decoder of <paramref name="bytes"/> with values of <paramref name="bitWidth"/> bits.</summary>
        public HybridDecoder(ReadOnlySpan<byte> bytes, int bitWidth)
        {
            if (bitWidth is < 0 or > 32) throw new InvalidDataException($"bit width {bitWidth}");
            _bytes = bytes;
            _bitWidth = bitWidth;
            _byteWidth = (bitWidth + 7) >> 3;
        }

        /// <summary>
        /// True when the next <paramref name="count"/> values are all <paramref name="value"/> in one RLE run (a page's
        /// definition levels when none of its values is null), consuming them; false, consuming nothing, otherwise.
        /// </summary>
        public bool TrySkipRun(int value, int count)
        {
            if (_left == 0 && !NextRun()) return false;
            if (_packed || _value != value || _left < count) return false;
            _left -= count;
            return true;
        }

        /// <summary>Fills <paramref name="target"/> with the next values; throws <see cref="InvalidDataException"/> when the bytes end first.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Read(Span<int> target)
        {
            int filled = 0;
            while (filled < target.Length)
            {
                if (_left == 0)
                {
                    filled = ReadShortRuns(target, filled);
                    if (filled == target.Length) break;
                }
                if (_left == 0 && !NextRun()) throw new InvalidDataException("the encoded values end before the page's count");
                int n = Math.Min(_left, target.Length - filled);
                if (_packed)
                {
                    Unpack(_bytes, _bit, _bitWidth, target.Slice(filled, n));
                    _bit += (long)n * _bitWidth;
                }
                else if (n <= 8)
                {
                    // Short runs (a dictionary index repeated a few times) are written in place: Fill's call costs more.
                    for (int k = 0; k < n; k++) target[filled + k] = _value;
                }
                else target.Slice(filled, n).Fill(_value);
                _left -= n;
                filled += n;
            }
        }

        /// <summary>
        /// Decodes whole RLE runs with a one-byte header and a value of one or two bytes from <paramref name="filled"/> on,
        /// in a loop over locals; returns how far <paramref name="target"/> is filled. It stops, leaving the rest to
        /// <see cref="NextRun"/>, at a bit-packed run, a longer header, a run reaching past the target, or the end of the
        /// bytes. Parquet.Net writes an RLE run for every change of value (no bit-packed runs), so most dictionary indices
        /// of a file it wrote are runs of one or two: a call of NextRun each, with its stores to fields, cost a tenth of the
        /// load.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int ReadShortRuns(Span<int> target, int filled)
        {
            int width = _byteWidth;
            if (width is 0 or > 2) return filled;
            var bytes = _bytes;
            int at = _at;
            while (filled < target.Length && at + width < bytes.Length)
            {
                uint header = bytes[at];
                // Bit-packed (odd) or a header of more than a byte: the general path.
                if ((header & 0x81) != 0) break;
                int run = (int)(header >> 1);
                if (run > target.Length - filled) break;
                int value = width == 1 ? bytes[at + 1] : bytes[at + 1] | bytes[at + 2] << 8;
                at += 1 + width;
                // An empty run (a hostile or odd writer's) fills nothing and is passed over, as NextRun passes it over.
                for (int k = 0; k < run; k++) target[filled + k] = value;
                filled += run;
            }
            _at = at;
            return filled;
        }

        private bool NextRun()
        {
            // A bit-packed run may end with padding (its groups hold eight values): the next run starts after its bytes.
            // Empty runs are skipped in a loop, not by recursion: a hostile page may hold millions of them.
            _packed = false;
            while (_at < _bytes.Length)
            {
                // Most run headers fit one byte (runs shorter than 64 values or 64 groups).
                uint header = _bytes[_at];
                if (header < 0x80) _at++;
                else header = ReadUleb(_bytes, ref _at);
                if ((header & 1) == 0)
                {
                    int run = checked((int)(header >> 1));
                    if (_at + _byteWidth > _bytes.Length) throw new InvalidDataException("an RLE run ends past its page");
                    int value;
                    if (_byteWidth == 1) value = _bytes[_at];
                    else
                    {
                        value = 0;
                        for (int b = 0; b < _byteWidth; b++) value |= _bytes[_at + b] << (8 * b);
                    }
                    _at += _byteWidth;
                    (_value, _left, _packed) = (value, run, false);
                }
                else
                {
                    long groups = header >> 1;
                    long length = groups * _bitWidth;
                    if (_at + length > _bytes.Length) throw new InvalidDataException("a bit-packed run ends past its page");
                    _bit = (long)_at * 8;
                    _at += (int)length;
                    _left = (int)Math.Min(groups * 8, int.MaxValue);
                    _packed = true;
                }
                if (_left > 0) return true;
            }
            return false;
        }
    }

    /// <summary>Unpacks little-endian bit-packed values starting at bit <paramref name="bit"/> of <paramref name="bytes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Unpack(ReadOnlySpan<byte> bytes, long bit, int bitWidth, Span<int> target)
    {
        if (bitWidth == 0)
        {
            target.Clear();
            return;
        }
        ulong mask = (1UL << bitWidth) - 1;
        int k = 0;
        // A value of at most 32 bits starting anywhere in a byte lies within the 8 bytes read at that byte.
        long safeEnd = (long)(bytes.Length - 8) * 8;
        ref byte start = ref MemoryMarshal.GetReference(bytes);
        for (; k < target.Length && bit <= safeEnd; k++, bit += bitWidth)
        {
            ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, (nint)(bit >> 3)));
            target[k] = (int)((word >> (int)(bit & 7)) & mask);
        }
        for (; k < target.Length; k++, bit += bitWidth)
        {
            ulong word = 0;
            int first = (int)(bit >> 3);
            for (int b = 0; b < 8 && first + b < bytes.Length; b++) word |= (ulong)bytes[first + b] << (8 * b);
            target[k] = (int)((word >> (int)(bit & 7)) & mask);
        }
    }

    private static uint ReadUleb(ReadOnlySpan<byte> bytes, ref int at)
    {
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (at >= bytes.Length) throw new InvalidDataException("a run header ends past its page");
            byte b = bytes[at++];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("a run header is too long");
    }

    /// <summary>Reads a little-endian 32-bit length prefix.</summary>
    public static int ReadLength(ReadOnlySpan<byte> bytes, int at)
    {
        if (at + 4 > bytes.Length) throw new InvalidDataException("a length prefix ends past its page");
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        if (length < 0 || at + 4 + length > bytes.Length) throw new InvalidDataException($"a length of {length} bytes runs past its page");
        return length;
    }

    /// <summary>Thrift's compact protocol, as far as a page header needs it.</summary>
    private ref struct CompactReader(ReadOnlySpan<byte> bytes)
    {
        public const byte True = 1, False = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12;

        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _depth;

        public int Position { get; private set; }

        /// <summary>Reads the next field header of the current struct; false at its end.</summary>
        public bool NextField(ref short id, out byte type)
        {
            byte header = ReadByte();
            type = (byte)(header & 0x0F);
            if (type == 0) return false;
            int delta = header >> 4;
            id = delta != 0 ? (short)(id + delta) : (short)ZigZag(ReadVarint());
            return true;
        }

        public int ReadI32() => (int)ZigZag(ReadVarint());

        public void Skip(byte type)
        {
            if (++_depth > 64) throw new InvalidDataException("a page header nests too deeply");
            switch (type)
            {
                case True or False: break;
                case Byte: ReadByte(); break;
                case I16 or I32 or I64: ReadVarint(); break;
                case Double: Advance(8); break;
                case Binary: Advance(checked((int)ReadVarint())); break;
                case List or Set:
                {
                    byte header = ReadByte();
                    long size = header >> 4;
                    if (size == 15) size = (long)ReadVarint();
                    byte element = (byte)(header & 0x0F);
                    // A list's booleans take a byte each (unlike a field's, whose value is its type).
                    for (long k = 0; k < size; k++)
                        if (element is True or False) ReadByte();
                        else Skip(element);
                    break;
                }
                case Map:
                {
                    long size = (long)ReadVarint();
                    if (size > 0)
                    {
                        byte types = ReadByte();
                        for (long k = 0; k < size; k++)
                        {
                            Skip((byte)(types >> 4));
                            Skip((byte)(types & 0x0F));
                        }
                    }
                    break;
                }
                case Struct:
                {
                    short id = 0;
                    while (NextField(ref id, out byte t)) Skip(t);
                    break;
                }
                default: throw new InvalidDataException($"a page header holds an unknown field type {type}");
            }
            _depth--;
        }

        private byte ReadByte()
        {
            if (Position >= _bytes.Length) throw new InvalidDataException("a page header ends early");
            return _bytes[Position++];
        }

        private void Advance(int count)
        {
            if (count < 0 || Position + count > _bytes.Length) throw new InvalidDataException("a page header ends early");
            Position += count;
        }

        private ulong ReadVarint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                byte b = ReadByte();
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw new InvalidDataException("a page header holds a varint too long");
        }

        private static long ZigZag(ulong n) => (long)(n >> 1) ^ -(long)(n & 1);
    }
}
