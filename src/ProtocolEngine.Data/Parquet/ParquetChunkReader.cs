using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using ProtocolEngine.Runtime.Data;
using Meta = global::Parquet.Meta;

namespace ProtocolEngine.Data.Parquet;

/// <summary>
/// Reads one column chunk of a flat Parquet column straight into a column builder, decoding the pages itself: a
/// dictionary-encoded text column's rows become the view's codes through their dictionary indices (each dictionary
/// entry decoded and looked up once, on first use, so codes are numbered in row order as the library path numbers
/// them), numbers are read from the page bytes in place. A chunk using anything this decoder does not read (another
/// codec or encoding, nested levels, a physical type other than the column's kind) is left to the Parquet library:
/// the chunk's page headers are all checked before a row is added.
/// </summary>
internal static class ParquetChunkReader
{
    /// <summary>The value kinds of the loader, with the physical Parquet type each reads.</summary>
    public enum Kind { Text, Double, Float, Int32, Int64 }

    /// <summary>Buffers one reading thread reuses from chunk to chunk.</summary>
    public sealed class Buffers
    {
        internal byte[] Chunk = [];
        internal byte[] Page = [];
        internal int[] Levels = [];
        internal int[] Indices = [];
        internal char[] Chars = [];
        internal int[] EntryStart = [];
        internal int[] EntryLength = [];
        internal int[] EntryCode = [];
        internal double[] Numbers = [];
        internal double[] PlainNumbers = [];
        // A batch of numbers with NaN at its missing rows, added to the builder in one call.
        internal double[] SpreadNumbers = [];
        internal int[] RowCodes = [];
        internal char[] PlainChars = [];
        // Each row group's dictionary codes (MapDictionaries), reused from column to column: arrays may be longer than the
        // row group's dictionary, whose entry count MapDictionaries returns.
        internal int[][] Maps = [];

        internal static T[] Ensure<T>(ref T[] buffer, int count)
        {
            if (buffer.Length < count) buffer = new T[Math.Max(count, buffer.Length * 2)];
            return buffer;
        }
    }

    /// <summary>
    /// Enters the dictionary page of each of a text column's chunks (one a row group, in order) in the builder's
    /// dictionary and returns each chunk's entries' codes, so that rows are then decoded straight to codes and the column's
    /// storage is chosen knowing how many distinct values it holds; null when some chunk has no dictionary page this
    /// decoder reads (its rows then find their codes as they come). Throws <see cref="InvalidDataException"/> when a
    /// dictionary page contradicts its metadata. The codes are in <see cref="Buffers.Maps"/> (one array a row group, valid
    /// until the buffers map another column); the result is each row group's number of entries.
    /// </summary>
    public static int[]? MapDictionaries(SafeFileHandle file, IReadOnlyList<Meta.ColumnChunk?> chunks, int maxDefinition, int maxRepetition,
        TextColumnBuilder text, Buffers buffers)
    {
        if (!BitConverter.IsLittleEndian || maxRepetition != 0 || maxDefinition > 1) return null;
        long fileLength = RandomAccess.GetLength(file);
        var counts = new int[chunks.Count];
        if (buffers.Maps.Length < chunks.Count) Array.Resize(ref buffers.Maps, chunks.Count);
        for (int g = 0; g < chunks.Count; g++)
        {
            if (chunks[g] is not { MetaData: { } meta, FilePath: null }) return null;
            if (meta.Type != Meta.Type.BYTE_ARRAY || !ParquetPages.CanDecompress((int)meta.Codec) || meta.TotalCompressedSize is <= 0 or > int.MaxValue) return null;
            // Some writers (Parquet.Net) leave the dictionary page's offset unset and start the chunk with it.
            long start = meta.DictionaryPageOffset is > 0 and var d && d < meta.DataPageOffset ? d : meta.DataPageOffset;
            if (start < 4 || start + meta.TotalCompressedSize > fileLength) return null;
            int length = (int)meta.TotalCompressedSize;
            var head = Buffers.Ensure(ref buffers.Chunk, Math.Min(length, 4096)).AsSpan(0, Math.Min(length, 4096));
            ReadAt(file, head, start);
            PageHeader header;
            try
            {
                header = ParquetPages.ReadHeader(head);
            }
            catch (InvalidDataException)
            {
                return null; // a header longer than read here: the chunk is read whole later
            }
            if (header.Kind != PageKind.Dictionary || header.Encoding is not (ParquetPages.Plain or ParquetPages.PlainDictionary) || header.ValueCount < 0
                || header.CompressedSize < 0 || (long)header.HeaderLength + header.CompressedSize > length || header.UncompressedSize > meta.TotalUncompressedSize)
                return null;
            var body = Buffers.Ensure(ref buffers.Chunk, header.CompressedSize).AsMemory(0, header.CompressedSize);
            ReadAt(file, body.Span, start + header.HeaderLength);
            var page = Decompressed(meta, header, body, buffers);
            int count = header.ValueCount;
            CheckEntryCount(count, page.Length);
            // A column whose first dictionary is large (USUBJID, date-times) finds its codes through the string pool's numbers.
            if (g == 0 && count > 4096 && text.Count == 0) text.UsePoolIds();
            text.ReserveDistinct(count);
            buffers.Maps[g] ??= [];
            var codes = Buffers.Ensure(ref buffers.Maps[g], count);
            counts[g] = count;
            int at = 0;
            for (int e = 0; e < count; e++)
            {
                int entryLength = ParquetPages.ReadLength(page, at);
                // Sized for the entry, not the page: a dictionary of a million subjects is a page of megabytes.
                var chars = Buffers.Ensure(ref buffers.Chars, Encoding.UTF8.GetMaxCharCount(entryLength));
                int written = Encoding.UTF8.GetChars(page.Slice(at + 4, entryLength), chars);
                codes[e] = written == 0 ? PageSinkEmpty : text.CodeOf(chars.AsSpan(0, written));
                at += 4 + entryLength;
            }
        }
        return counts;
    }

    // Each entry of a text dictionary page takes at least its 4-byte length: a count the page cannot hold is refused before
    // anything is sized by it (a corrupt header claiming a billion entries would otherwise ask for gigabytes).
    private static void CheckEntryCount(int count, int pageBytes)
    {
        if (count < 0) throw new InvalidDataException("a dictionary page claims a negative number of entries");
        if ((long)count * 4 > pageBytes) throw new InvalidDataException($"a dictionary page claims {count} entries in {pageBytes} bytes (each entry takes at least 4)");
    }

    // PageSink's code for an entry holding "" (a missing value that remembers it was empty).
    private const int PageSinkEmpty = -2;

    private static void ReadAt(SafeFileHandle file, Span<byte> target, long offset)
    {
        int read = 0;
        while (read < target.Length)
        {
            int n = RandomAccess.Read(file, target[read..], offset + read);
            if (n <= 0) throw new InvalidDataException($"the file ends inside a column chunk (byte {offset + read})");
            read += n;
        }
    }

    /// <summary>
    /// Reads the chunk into <paramref name="text"/> or <paramref name="numbers"/> (whichever the kind needs); false,
    /// having added nothing, when the chunk is not one this decoder reads. Throws <see cref="InvalidDataException"/>
    /// when the chunk's bytes contradict its metadata.
    /// </summary>
    public static bool TryRead(SafeFileHandle file, Meta.ColumnChunk chunk, int maxDefinition, int maxRepetition, Kind kind, int rows,
        TextColumnBuilder? text, NumberColumnBuilder? numbers, Buffers buffers, int[]? premapped = null, int premappedCount = 0)
    {
        // Plain numbers are read in place as little-endian, as the format stores them.
        if (!BitConverter.IsLittleEndian) return false;
        if (chunk.MetaData is not { } meta || chunk.FilePath is not null || maxRepetition != 0 || maxDefinition > 1) return false;
        if (!ParquetPages.CanDecompress((int)meta.Codec) || meta.NumValues != rows || meta.TotalCompressedSize is <= 0 or > int.MaxValue) return false;
        if (meta.Type != Physical(kind)) return false;
        long start = meta.DictionaryPageOffset is > 0 and var d && d < meta.DataPageOffset ? d : meta.DataPageOffset;
        int length = (int)meta.TotalCompressedSize;
        if (start < 4 || start + length > RandomAccess.GetLength(file)) throw new InvalidDataException($"its column chunk at byte {start} ({length} bytes) lies outside the file");
        var bytes = Buffers.Ensure(ref buffers.Chunk, length);
        int read = 0;
        while (read < length)
        {
            int n = RandomAccess.Read(file, bytes.AsSpan(read, length - read), start + read);
            if (n <= 0) throw new InvalidDataException($"the file ends inside a column chunk (byte {start + read})");
            read += n;
        }
        var chunkBytes = bytes.AsSpan(0, length);
        if (!Readable(chunkBytes, maxDefinition, rows, meta.TotalUncompressedSize)) return false;

        var reader = new PageSink(kind, maxDefinition, text, numbers, buffers, premapped, premappedCount);
        int at = 0, added = 0;
        while (added < rows)
        {
            var header = ParquetPages.ReadHeader(chunkBytes[at..]);
            var body = bytes.AsMemory(at + header.HeaderLength, header.CompressedSize);
            at += header.HeaderLength + header.CompressedSize;
            switch (header.Kind)
            {
                case PageKind.Dictionary:
                    // A dictionary MapDictionaries entered already needs no decoding again.
                    if (premapped is not null) reader.Premapped(header.ValueCount);
                    else reader.Dictionary(Decompressed(meta, header, body, buffers), header.ValueCount);
                    break;
                case PageKind.Data:
                {
                    var page = Decompressed(meta, header, body, buffers);
                    int offset = 0, levelsLength = 0;
                    if (maxDefinition > 0)
                    {
                        levelsLength = ParquetPages.ReadLength(page, 0);
                        offset = 4;
                    }
                    reader.Data(page.Slice(offset, levelsLength), page[(offset + levelsLength)..], header);
                    added += header.ValueCount;
                    break;
                }
                case PageKind.DataV2:
                {
                    // A v2 page holds its repetition levels, then its definition levels, then its values.
                    var levels = body.Span.Slice(header.RepetitionLength, header.DefinitionLength);
                    var values = body[(header.DefinitionLength + header.RepetitionLength)..];
                    if (header.IsCompressed && (int)meta.Codec != ParquetPages.Uncompressed)
                    {
                        int size = header.UncompressedSize - header.DefinitionLength - header.RepetitionLength;
                        if (size < 0) throw new InvalidDataException("a v2 page's levels are longer than the page");
                        var target = Buffers.Ensure(ref buffers.Page, size).AsMemory(0, size);
                        ParquetPages.Decompress((int)meta.Codec, values, target);
                        values = target;
                    }
                    reader.Data(levels, values.Span, header);
                    added += header.ValueCount;
                    break;
                }
            }
        }
        if (added != rows) throw new InvalidDataException($"its pages hold {added} values, its metadata {rows}");
        return true;
    }

    private static Meta.Type Physical(Kind kind) => kind switch
    {
        Kind.Text => Meta.Type.BYTE_ARRAY,
        Kind.Double => Meta.Type.DOUBLE,
        Kind.Float => Meta.Type.FLOAT,
        Kind.Int32 => Meta.Type.INT32,
        _ => Meta.Type.INT64,
    };

    /// <summary>Whether every page of the chunk is one this decoder reads (checked before a row is added).</summary>
    private static bool Readable(ReadOnlySpan<byte> chunk, int maxDefinition, int rows, long uncompressedTotal)
    {
        int at = 0, values = 0;
        bool dictionary = false;
        while (values < rows)
        {
            if (at >= chunk.Length) return false;
            PageHeader header;
            try
            {
                header = ParquetPages.ReadHeader(chunk[at..]);
            }
            catch (InvalidDataException)
            {
                return false;
            }
            // Sizes are checked against the chunk's before anything is allocated for them.
            if (header.CompressedSize < 0 || (long)at + header.HeaderLength + header.CompressedSize > chunk.Length || header.UncompressedSize > uncompressedTotal) return false;
            at += header.HeaderLength + header.CompressedSize;
            switch (header.Kind)
            {
                case PageKind.Dictionary:
                    if (header.Encoding is not (ParquetPages.Plain or ParquetPages.PlainDictionary) || dictionary) return false;
                    dictionary = true;
                    break;
                case PageKind.Data:
                    if (!ValueEncoding(header.Encoding, dictionary) || (maxDefinition > 0 && header.DefinitionEncoding != ParquetPages.Rle)) return false;
                    values += header.ValueCount;
                    break;
                case PageKind.DataV2:
                    if (!ValueEncoding(header.Encoding, dictionary) || header.RepetitionLength != 0 || (maxDefinition == 0 && header.DefinitionLength != 0)) return false;
                    if (header.DefinitionLength + header.RepetitionLength > header.CompressedSize) return false;
                    values += header.ValueCount;
                    break;
                case PageKind.Index:
                    break;
                default:
                    return false;
            }
        }
        return values == rows;
    }

    private static bool ValueEncoding(int encoding, bool dictionary) =>
        encoding == ParquetPages.Plain || (dictionary && encoding is ParquetPages.PlainDictionary or ParquetPages.RleDictionary);

    private static ReadOnlySpan<byte> Decompressed(Meta.ColumnMetaData meta, PageHeader header, ReadOnlyMemory<byte> body, Buffers buffers)
    {
        if ((int)meta.Codec == ParquetPages.Uncompressed) return body.Span;
        var target = Buffers.Ensure(ref buffers.Page, header.UncompressedSize).AsMemory(0, header.UncompressedSize);
        ParquetPages.Decompress((int)meta.Codec, body, target);
        return target.Span;
    }

    /// <summary>Turns decoded pages into rows of the builder.</summary>
    private sealed class PageSink(Kind kind, int maxDefinition, TextColumnBuilder? text, NumberColumnBuilder? numbers, Buffers buffers, int[]? premapped, int premappedCount)
    {
        private const int Unmapped = int.MinValue, Empty = PageSinkEmpty;
        private int _entries = -1;
        // The view code of each entry of the chunk's dictionary (Unmapped until first use, Empty for "").
        private int[] _entryCodes = [];

        /// <summary>The chunk's dictionary page, whose entries MapDictionaries already gave codes.</summary>
        public void Premapped(int count)
        {
            if (premapped is null || kind != Kind.Text || count != premappedCount)
                throw new InvalidDataException($"a dictionary page holds {count} entries where it held {premappedCount} when first read");
            _entryCodes = premapped;
            _entries = count;
        }

        public void Dictionary(ReadOnlySpan<byte> page, int count)
        {
            CheckEntryCount(count, page.Length);
            if (kind == Kind.Text)
            {
                // Entries are decoded to characters once; each gets its view code on first use. A column whose first
                // dictionary is large (USUBJID, date-times) finds its codes through the string pool's numbers.
                if (count > 4096 && text!.Count == 0) text.UsePoolIds();
                var starts = Buffers.Ensure(ref buffers.EntryStart, count);
                var lengths = Buffers.Ensure(ref buffers.EntryLength, count);
                var codes = _entryCodes = Buffers.Ensure(ref buffers.EntryCode, count);
                var chars = Buffers.Ensure(ref buffers.Chars, Encoding.UTF8.GetMaxCharCount(page.Length));
                int at = 0, used = 0;
                for (int e = 0; e < count; e++)
                {
                    int length = ParquetPages.ReadLength(page, at);
                    int written = Encoding.UTF8.GetChars(page.Slice(at + 4, length), chars.AsSpan(used));
                    (starts[e], lengths[e], codes[e]) = (used, written, written == 0 ? Empty : Unmapped);
                    used += written;
                    at += 4 + length;
                }
            }
            else
            {
                var values = Buffers.Ensure(ref buffers.Numbers, count);
                Plain(page, values.AsSpan(0, count));
            }
            _entries = count;
        }

        /// <summary>Rows decoded at once: the batch's levels, indices and codes stay in the processor's cache.</summary>
        private const int Batch = 4096;

        public void Data(ReadOnlySpan<byte> levels, ReadOnlySpan<byte> values, PageHeader header)
        {
            int rows = header.ValueCount;
            var definition = new ParquetPages.HybridDecoder(maxDefinition > 0 ? levels : default, ParquetPages.BitWidth(maxDefinition));
            // Most pages have no nulls: their levels are one run, and rows need no level each.
            bool allPresent = maxDefinition == 0 || definition.TrySkipRun(maxDefinition, rows);
            bool dictionary = header.Encoding is ParquetPages.PlainDictionary or ParquetPages.RleDictionary;
            if (dictionary && _entries < 0) throw new InvalidDataException("a dictionary-encoded page comes before its dictionary");
            ParquetPages.HybridDecoder indices = default;
            bool indicesOpen = false;
            int plainAt = 0;
            var levelBuffer = Buffers.Ensure(ref buffers.Levels, Batch);
            var indexBuffer = Buffers.Ensure(ref buffers.Indices, Batch);
            for (int done = 0; done < rows;)
            {
                int n = Math.Min(Batch, rows - done);
                Span<int> batchLevels = default;
                int present = n;
                if (!allPresent)
                {
                    batchLevels = levelBuffer.AsSpan(0, n);
                    definition.Read(batchLevels);
                    present = CountPresent(batchLevels, maxDefinition);
                }
                if (dictionary)
                {
                    var batchIndices = indexBuffer.AsSpan(0, present);
                    if (present > 0)
                    {
                        if (!indicesOpen)
                        {
                            if (values.IsEmpty) throw new InvalidDataException("a dictionary-encoded page lacks its bit width");
                            indices = new ParquetPages.HybridDecoder(values[1..], values[0]);
                            indicesOpen = true;
                        }
                        indices.Read(batchIndices);
                        CheckIndices(batchIndices, _entries);
                    }
                    if (kind == Kind.Text) AddText(batchLevels, batchIndices, n);
                    else AddNumbers(batchLevels, batchIndices, n);
                }
                else if (kind == Kind.Text) plainAt = AddPlainText(batchLevels, values, plainAt, n);
                else
                {
                    int width = kind is Kind.Float or Kind.Int32 ? 4 : 8;
                    if ((long)plainAt + (long)present * width > values.Length) throw new InvalidDataException($"a page holds {values.Length} bytes for more values of {width} bytes");
                    ReadOnlySpan<double> decoded;
                    // Doubles are read where the page holds them (little-endian, as the format stores them); other types are widened.
                    if (kind == Kind.Double) decoded = MemoryMarshal.Cast<byte, double>(values.Slice(plainAt, present * width));
                    else
                    {
                        var widened = Buffers.Ensure(ref buffers.PlainNumbers, Batch).AsSpan(0, present);
                        Plain(values.Slice(plainAt, present * width), widened);
                        decoded = widened;
                    }
                    plainAt += present * width;
                    AddPlainNumbers(batchLevels, decoded, n);
                }
                done += n;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static int CountPresent(ReadOnlySpan<int> definition, int maxDefinition)
        {
            int present = 0;
            foreach (int level in definition)
            {
                if ((uint)level > (uint)maxDefinition) throw new InvalidDataException($"a definition level {level} exceeds the column's {maxDefinition}");
                if (level == maxDefinition) present++;
            }
            return present;
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static void CheckIndices(ReadOnlySpan<int> indices, int entries)
        {
            // One comparison for the batch: the largest index, as unsigned, is past the dictionary when any index is.
            uint max = 0;
            var unsigned = MemoryMarshal.Cast<int, uint>(indices);
            int k = 0;
            if (System.Numerics.Vector.IsHardwareAccelerated && unsigned.Length >= System.Numerics.Vector<uint>.Count)
            {
                var wide = System.Numerics.Vector<uint>.Zero;
                for (; k + System.Numerics.Vector<uint>.Count <= unsigned.Length; k += System.Numerics.Vector<uint>.Count)
                    wide = System.Numerics.Vector.Max(wide, new System.Numerics.Vector<uint>(unsigned[k..]));
                for (int lane = 0; lane < System.Numerics.Vector<uint>.Count; lane++) max = Math.Max(max, wide[lane]);
            }
            for (; k < unsigned.Length; k++) max = Math.Max(max, unsigned[k]);
            if (max >= (uint)entries)
                foreach (int index in indices)
                    if ((uint)index >= (uint)entries) throw new InvalidDataException($"a dictionary index {index} is past the dictionary's {entries} entries");
        }

        /// <summary>Adds a batch of <paramref name="rows"/> rows of plain numbers (<paramref name="definition"/> empty when all are present).</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private void AddPlainNumbers(ReadOnlySpan<int> definition, ReadOnlySpan<double> decoded, int rows)
        {
            var builder = numbers!;
            if (definition.IsEmpty)
            {
                builder.AddRange(decoded);
                return;
            }
            // A missing row is a NaN to AddRange, as AddMissing() is: spread out, the batch is added in one call (a value at
            // a time through Add cost a sixth of the load in the profile).
            var spread = Buffers.Ensure(ref buffers.SpreadNumbers, Batch).AsSpan(0, rows);
            int next = 0, max = maxDefinition;
            for (int k = 0; k < spread.Length; k++)
                spread[k] = definition[k] < max ? double.NaN : decoded[next++];
            builder.AddRange(spread);
        }

        /// <summary>Adds a batch of <paramref name="rows"/> dictionary-coded text rows through the entries' view codes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AddText(ReadOnlySpan<int> definition, ReadOnlySpan<int> indices, int rows)
        {
            var entryCodes = _entryCodes;
            var builder = text!;
            var codes = Buffers.Ensure(ref buffers.RowCodes, Batch).AsSpan(0, rows);
            int first = builder.Count;
            bool empties = false;
            // First use is tracked as the codes are mapped (AddCodes would otherwise scan them again for it).
            int maxSeen = builder.MaxSeen;
            bool outOfOrder = false;
            if (definition.IsEmpty)
            {
                for (int k = 0; k < codes.Length; k++)
                {
                    int entry = indices[k];
                    int code = entryCodes[entry];
                    if (code < 0) code = Resolve(entry, ref empties);
                    codes[k] = code;
                    TextColumnBuilder.SeeCode(code, ref maxSeen, ref outOfOrder);
                }
            }
            else
            {
                int next = 0, max = maxDefinition;
                for (int k = 0; k < codes.Length; k++)
                {
                    if (definition[k] < max)
                    {
                        codes[k] = -1;
                        continue;
                    }
                    int entry = indices[next++];
                    int code = entryCodes[entry];
                    if (code < 0) code = Resolve(entry, ref empties);
                    codes[k] = code;
                    TextColumnBuilder.SeeCode(code, ref maxSeen, ref outOfOrder);
                }
            }
            builder.AddCodes(codes, maxSeen, outOfOrder);
            if (!empties) return;
            // Rare: rows that held "" are told apart from nulls afterwards (both are code -1).
            int at = 0;
            for (int k = 0; k < rows; k++)
                if (definition.IsEmpty || definition[k] == maxDefinition)
                    if (entryCodes[indices[at++]] == Empty) builder.MarkEmptyString(first + k);
        }

        /// <summary>The view code of a dictionary entry seen for the first time (−1 for an empty string), remembered for the chunk.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private int Resolve(int entry, ref bool empties)
        {
            var entryCodes = _entryCodes;
            int code = entryCodes[entry];
            if (code == Unmapped) code = entryCodes[entry] = text!.CodeOf(buffers.Chars.AsSpan(buffers.EntryStart[entry], buffers.EntryLength[entry]));
            if (code == Empty)
            {
                empties = true;
                return -1;
            }
            return code;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AddNumbers(ReadOnlySpan<int> definition, ReadOnlySpan<int> indices, int rows)
        {
            var dictionary = buffers.Numbers;
            // Values (NaN where missing, as AddMissing() adds) gathered into a batch that AddRange takes in one call.
            var spread = Buffers.Ensure(ref buffers.SpreadNumbers, Batch).AsSpan(0, rows);
            if (definition.IsEmpty)
            {
                for (int k = 0; k < spread.Length; k++) spread[k] = dictionary[indices[k]];
            }
            else
            {
                int next = 0, max = maxDefinition;
                for (int k = 0; k < spread.Length; k++)
                    spread[k] = definition[k] < max ? double.NaN : dictionary[indices[next++]];
            }
            numbers!.AddRange(spread);
        }

        /// <summary>Adds a batch of plain-encoded text rows read from <paramref name="values"/> at <paramref name="at"/>; returns where the next value starts.</summary>
        private int AddPlainText(ReadOnlySpan<int> definition, ReadOnlySpan<byte> values, int at, int rows)
        {
            for (int k = 0; k < rows; k++)
            {
                if (!definition.IsEmpty && definition[k] < maxDefinition)
                {
                    text!.AddMissing(emptyString: false);
                    continue;
                }
                int length = ParquetPages.ReadLength(values, at);
                var chars = Buffers.Ensure(ref buffers.PlainChars, Encoding.UTF8.GetMaxCharCount(length));
                int written = Encoding.UTF8.GetChars(values.Slice(at + 4, length), chars);
                text!.Add(chars.AsSpan(0, written));
                at += 4 + length;
            }
            return at;
        }

        /// <summary>Plain-encoded numbers of the column's physical type, as doubles (as the library path converts them).</summary>
        private void Plain(ReadOnlySpan<byte> bytes, Span<double> target)
        {
            int width = kind is Kind.Float or Kind.Int32 ? 4 : 8;
            if ((long)target.Length * width > bytes.Length) throw new InvalidDataException($"a page holds {bytes.Length} bytes for {target.Length} values of {width} bytes");
            bytes = bytes[..(target.Length * width)];
            switch (kind)
            {
                case Kind.Double:
                    MemoryMarshal.Cast<byte, double>(bytes).CopyTo(target);
                    break;
                case Kind.Float:
                    var floats = MemoryMarshal.Cast<byte, float>(bytes);
                    for (int k = 0; k < floats.Length; k++) target[k] = floats[k];
                    break;
                case Kind.Int32:
                    var ints = MemoryMarshal.Cast<byte, int>(bytes);
                    for (int k = 0; k < ints.Length; k++) target[k] = ints[k];
                    break;
                default:
                    var longs = MemoryMarshal.Cast<byte, long>(bytes);
                    for (int k = 0; k < longs.Length; k++) target[k] = longs[k];
                    break;
            }
        }
    }
}
