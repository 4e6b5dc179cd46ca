using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Xpt;

/// <summary>
/// Writes one dataset as a SAS XPORT v5 file (TS-140): library and member headers, 140-byte NAMESTR records,
/// 8-byte IBM floats (SAS missing kinds kept) and blank-padded character values, streamed row by row.
/// Names are limited to 8 characters, labels to 40 bytes (longer labels are cut) and values to 200 bytes.
/// </summary>
internal sealed class XptStreamWriter : DatasetStreamWriter
{
    private const int RecordLength = 80;
    private static readonly UTF8Encoding _utf8 = new(false, true);
    private readonly Stream _stream;
    private readonly byte[] _observation;
    private readonly int[] _positions;
    private readonly int[] _widths;
    private long _dataBytes;

    public XptStreamWriter(Stream stream, string dataset, string? label, IReadOnlyList<ColumnSpec> columns, DatasetMetadata? metadata, DateTime timestamp,
        bool libraryHeader = true)
        : base(dataset, label, columns, metadata)
    {
        _stream = stream;
        if (dataset.Length is 0 or > 8) throw new ArgumentException($"XPT v5 dataset names have 1 to 8 characters; '{dataset}' does not fit.", nameof(dataset));
        _positions = new int[columns.Count];
        _widths = new int[columns.Count];
        int position = 0;
        for (int c = 0; c < columns.Count; c++)
        {
            var col = columns[c];
            if (col.Name.Length is 0 or > 8)
                throw new ArgumentException($"XPT v5 variable names have 1 to 8 characters; '{col.Name}' of {dataset} does not fit.", nameof(columns));
            int width = col.IsNumeric ? 8 : Math.Clamp(col.Metadata.Length ?? 1, 1, 200);
            _positions[c] = position;
            _widths[c] = width;
            position += width;
        }
        _observation = new byte[Math.Max(position, 1)];
        WriteHeaders(timestamp, libraryHeader);
    }

    protected override void WriteRow(string?[] text, bool[] empty, double[] numbers, char[] missingKinds)
    {
        var obs = _observation.AsSpan();
        for (int c = 0; c < Columns.Count; c++)
        {
            var slot = obs.Slice(_positions[c], _widths[c]);
            if (Columns[c].IsNumeric)
            {
                IbmFloat.Encode(numbers[c], slot, missingKinds[c]);
                continue;
            }
            slot.Fill((byte)' ');
            var value = text[c];
            if (value is null) continue;
            int needed = System.Text.Ascii.IsValid(value) ? value.Length : _utf8.GetByteCount(value);
            if (needed > slot.Length)
                throw new ArgumentException($"{Dataset}.{Columns[c].Name} row {RowsWritten + 1}: '{value}' needs {needed} bytes; the XPT column holds {slot.Length}.");
            _utf8.GetBytes(value, slot);
        }
        _stream.Write(_observation);
        _dataBytes += _observation.Length;
    }

    protected override void Finish()
    {
        int pad = (int)((RecordLength - _dataBytes % RecordLength) % RecordLength);
        if (pad > 0) _stream.Write(Blanks(pad));
        _stream.Flush();
    }

    private void WriteHeaders(DateTime timestamp, bool libraryHeader)
    {
        var stamp = timestamp.ToString("ddMMMyy:HH:mm:ss", CultureInfo.InvariantCulture).ToUpperInvariant();
        if (libraryHeader)
        {
            Record("HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!000000000000000000000000000000  ");
            Record("SAS     SAS     SASLIB  9.4     " + Pad("X64_LIN", 8) + new string(' ', 24) + stamp);
            Record(stamp + new string(' ', 64));
        }
        Record("HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!000000000000000001600000000140  ");
        Record("HEADER RECORD*******DSCRPTR HEADER RECORD!!!!!!!000000000000000000000000000000  ");
        Record("SAS     " + Pad(Dataset.ToUpperInvariant(), 8) + "SASDATA 9.4     " + Pad("X64_LIN", 8) + new string(' ', 24) + stamp);
        var second = new byte[RecordLength];
        second.AsSpan().Fill((byte)' ');
        Encoding.ASCII.GetBytes(stamp, second);
        PutText(second.AsSpan(32, 40), Label);
        _stream.Write(second);
        Record("HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!000000" + Columns.Count.ToString("D4", CultureInfo.InvariantCulture) + "00000000000000000000  ");

        var namestrs = new byte[(Columns.Count * 140 + RecordLength - 1) / RecordLength * RecordLength];
        for (int c = 0; c < Columns.Count; c++)
        {
            var ns = namestrs.AsSpan(c * 140, 140);
            var col = Columns[c];
            BinaryPrimitives.WriteInt16BigEndian(ns, (short)(col.IsNumeric ? 1 : 2));
            BinaryPrimitives.WriteInt16BigEndian(ns[4..], (short)_widths[c]);
            BinaryPrimitives.WriteInt16BigEndian(ns[6..], (short)(c + 1));
            Encoding.ASCII.GetBytes(Pad(col.Name.ToUpperInvariant(), 8), ns.Slice(8, 8));
            ns.Slice(16, 40).Fill((byte)' ');
            PutText(ns.Slice(16, 40), col.Metadata.Label);
            var (format, width, decimals) = ParseFormat(col.Metadata.DisplayFormat);
            Encoding.ASCII.GetBytes(Pad(format, 8), ns.Slice(56, 8));
            BinaryPrimitives.WriteInt16BigEndian(ns[64..], (short)width);
            BinaryPrimitives.WriteInt16BigEndian(ns[66..], (short)decimals);
            Encoding.ASCII.GetBytes(new string(' ', 8), ns.Slice(72, 8));
            BinaryPrimitives.WriteInt32BigEndian(ns[84..], _positions[c]);
        }
        // The NAMESTR block is padded to a whole record with blanks.
        namestrs.AsSpan(Columns.Count * 140).Fill((byte)' ');
        _stream.Write(namestrs);
        Record("HEADER RECORD*******OBS     HEADER RECORD!!!!!!!000000000000000000000000000000  ");
    }

    private void Record(string text)
    {
        if (text.Length != RecordLength) throw new InvalidOperationException($"An XPT header record must be 80 characters: '{text}'.");
        _stream.Write(Encoding.ASCII.GetBytes(text));
    }

    // Labels longer than the field are cut on a character boundary.
    private static void PutText(Span<byte> field, string? text)
    {
        if (string.IsNullOrEmpty(text)) return;
        var bytes = _utf8.GetBytes(text);
        int n = Math.Min(bytes.Length, field.Length);
        while (n < bytes.Length && n > 0 && (bytes[n] & 0xC0) == 0x80) n--;
        bytes.AsSpan(0, n).CopyTo(field);
    }

    private static string Pad(string s, int width) => s.Length >= width ? s[..width] : s.PadRight(width);

    private static byte[] Blanks(int n)
    {
        var b = new byte[n];
        b.AsSpan().Fill((byte)' ');
        return b;
    }

    /// <summary>Splits a SAS format such as DATE9., E8601DA10., 8.2 or $CHAR20. into name, width and decimals.</summary>
    internal static (string Name, int Width, int Decimals) ParseFormat(string? format)
    {
        if (string.IsNullOrWhiteSpace(format)) return ("", 0, 0);
        var f = format.Trim().ToUpperInvariant();
        int dot = f.LastIndexOf('.');
        int decimals = 0;
        if (dot >= 0)
        {
            _ = int.TryParse(f.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out decimals);
            f = f[..dot];
        }
        int end = f.Length;
        while (end > 0 && char.IsDigit(f[end - 1])) end--;
        _ = int.TryParse(f.AsSpan(end), NumberStyles.None, CultureInfo.InvariantCulture, out int width);
        var name = f[..end];
        return (name.Length > 8 ? name[..8] : name, Math.Clamp(width, 0, 32), Math.Clamp(decimals, 0, 31));
    }
}
