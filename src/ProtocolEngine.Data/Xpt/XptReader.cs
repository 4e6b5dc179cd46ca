using System.Buffers.Binary;
using System.Text;
using ProtocolEngine.Data.Text;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Xpt;

/// <summary>
/// Reads SAS XPORT version 5 transport files (SAS technical note TS-140), the format regulators receive:
/// 80-byte header records, 140-byte (or 136-byte VAX/VMS) NAMESTR variable descriptors, IBM 370 floating
/// point numbers of 2 to 8 bytes with the 28 SAS missing values, blank-padded character values, and any
/// number of members (datasets) per file. XPT declares no encoding: character values and labels are read as
/// UTF-8 unless <see cref="DatasetReadOptions.Encoding"/> names another; a value that does not decode, or that
/// holds a control character, fails the read with its record, variable and byte offset. Streams the observations: memory holds the columns being built,
/// never the file.
/// </summary>
internal static class XptReader
{
    private const int RecordLength = 80;
    private const string LibraryHeader = "HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!";
    private const string LibraryHeaderV8 = "HEADER RECORD*******LIBV8   HEADER RECORD!!!!!!!";
    private const string MemberHeader = "HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!";
    private const string DescriptorHeader = "HEADER RECORD*******DSCRPTR HEADER RECORD!!!!!!!";
    private const string NamestrHeader = "HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!";
    private const string ObsHeader = "HEADER RECORD*******OBS     HEADER RECORD!!!!!!!";

    /// <summary>Reads every member of a file.</summary>
    /// <exception cref="DataFormatException">The file is not a valid XPT v5 file; the message names the byte offset.</exception>
    public static IReadOnlyList<DomainTable> Read(string path, DatasetReadOptions? options = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Read(stream, path, options);
    }

    /// <summary>Reads every member of a stream; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="DataFormatException">The content is not a valid XPT v5 file.</exception>
    public static IReadOnlyList<DomainTable> Read(Stream stream, string source, DatasetReadOptions? options = null)
    {
        options ??= DatasetReadOptions.Default;
        var input = new XptInput(stream);
        var header = ReadRecord(input, source, "the library header record");
        if (Starts(header, LibraryHeaderV8))
            throw new DataFormatException(source, "this is a SAS XPORT version 8 file", "a version 5 transport file (TS-140)", byteOffset: 0);
        if (!Starts(header, LibraryHeader))
            throw new DataFormatException(source, "the file does not start with the XPORT library header", $"'{LibraryHeader}'", byteOffset: 0);
        var real = ReadRecord(input, source, "the first real header record");
        if (!Starts(real, "SAS     SAS     SASLIB"))
            throw new DataFormatException(source, "the first real header record is not a SAS library record", "'SAS     SAS     SASLIB'", byteOffset: RecordLength);
        ReadRecord(input, source, "the second real header record");

        var members = new List<DomainTable>();
        while (!input.AtEnd)
        {
            long at = input.Position;
            var member = ReadRecord(input, source, "a member header record");
            if (!Starts(member, MemberHeader))
            {
                // Trailing blank padding after the last member is allowed.
                if (IsBlank(member)) continue;
                throw new DataFormatException(source, "a member header record was expected here", $"'{MemberHeader}'", byteOffset: at);
            }
            members.Add(ReadMember(input, member, at, source, options));
        }
        if (members.Count == 0)
            throw new DataFormatException(source, "the file holds no dataset", "at least one member header", byteOffset: input.Position);
        return members;
    }

    private static DomainTable ReadMember(XptInput input, byte[] memberHeader, long memberOffset, string source, DatasetReadOptions options)
    {
        int namestrLength = ParseInt(memberHeader.AsSpan(74, 4), source, memberOffset + 74, "the NAMESTR length (0140 or 0136)");
        if (namestrLength is not (140 or 136))
            throw new DataFormatException(source, $"the NAMESTR length is {namestrLength}", "140 or 136", byteOffset: memberOffset + 74);
        long at = input.Position;
        if (!Starts(ReadRecord(input, source, "the member descriptor header"), DescriptorHeader))
            throw new DataFormatException(source, "the member descriptor header record is missing", $"'{DescriptorHeader}'", byteOffset: at);
        at = input.Position;
        var data1 = ReadRecord(input, source, "the member header data");
        if (!Starts(data1, "SAS     "))
            throw new DataFormatException(source, "the member header data record does not start with 'SAS'", "'SAS     ' then the dataset name", byteOffset: at);
        var name = Ascii(data1.AsSpan(8, 8)).ToUpperInvariant();
        if (name.Length == 0)
            throw new DataFormatException(source, "the dataset has no name", "an 8-character dataset name", byteOffset: at + 8);
        var data2 = ReadRecord(input, source, "the second member header data record");
        var label = Text(data2.AsSpan(32, 40), options.Encoding, source, at + 80 + 32, "the dataset label");

        at = input.Position;
        var namestrHeader = ReadRecord(input, source, "the NAMESTR header");
        if (!Starts(namestrHeader, NamestrHeader))
            throw new DataFormatException(source, $"the NAMESTR header record of {name} is missing", $"'{NamestrHeader}'", byteOffset: at);
        int variableCount = ParseInt(namestrHeader.AsSpan(54, 4), source, at + 54, "the number of variables");

        long namestrStart = input.Position;
        int namestrBytes = variableCount * namestrLength;
        int padded = (namestrBytes + RecordLength - 1) / RecordLength * RecordLength;
        if (!input.Ensure(padded))
            throw new DataFormatException(source, $"the file ends inside the variable descriptors of {name}",
                $"{variableCount} NAMESTR records of {namestrLength} bytes", byteOffset: input.Position);
        var variables = new XptVariable[variableCount];
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int observationLength = 0;
        var descriptors = input.Peek(padded);
        for (int v = 0; v < variableCount; v++)
        {
            var ns = descriptors.Slice(v * namestrLength, namestrLength);
            long nsOffset = namestrStart + (long)v * namestrLength;
            short type = BinaryPrimitives.ReadInt16BigEndian(ns);
            short length = BinaryPrimitives.ReadInt16BigEndian(ns[4..]);
            var varName = Ascii(ns.Slice(8, 8)).ToUpperInvariant();
            var varLabel = Text(ns.Slice(16, 40), options.Encoding, source, nsOffset + 16, $"the label of variable {v + 1} of {name}");
            var format = Format(ns.Slice(56, 8), BinaryPrimitives.ReadInt16BigEndian(ns[64..]), BinaryPrimitives.ReadInt16BigEndian(ns[66..]));
            int position = BinaryPrimitives.ReadInt32BigEndian(ns[84..]);
            if (type is not (1 or 2))
                throw new DataFormatException(source, $"variable {v + 1} of {name} has type {type}", "1 (numeric) or 2 (character)", byteOffset: nsOffset);
            if (varName.Length == 0)
                throw new DataFormatException(source, $"variable {v + 1} of {name} has no name", "a variable name", byteOffset: nsOffset + 8);
            if (!names.Add(varName))
                throw new DataFormatException(source, $"dataset {name} has two variables named {varName}", "unique variable names", byteOffset: nsOffset + 8);
            if (type == 1 && length is < 2 or > 8)
                throw new DataFormatException(source, $"numeric variable {varName} has length {length}", "2 to 8 bytes", byteOffset: nsOffset + 4, variable: varName);
            if (type == 2 && length is < 1 or > 200)
                throw new DataFormatException(source, $"character variable {varName} has length {length}", "1 to 200 bytes", byteOffset: nsOffset + 4, variable: varName);
            if (position < 0 || position > 1_000_000)
                throw new DataFormatException(source, $"variable {varName} starts at position {position} of the observation", "a position inside the observation", byteOffset: nsOffset + 84, variable: varName);
            variables[v] = new XptVariable(varName, varLabel, type == 1, length, position, format);
            observationLength = Math.Max(observationLength, position + length);
        }
        input.Advance(padded);

        at = input.Position;
        if (!Starts(ReadRecord(input, source, "the observation header"), ObsHeader))
            throw new DataFormatException(source, $"the observation header record of {name} is missing", $"'{ObsHeader}'", byteOffset: at);

        var text = new TextColumnBuilder?[variableCount];
        var numbers = new NumberColumnBuilder?[variableCount];
        for (int v = 0; v < variableCount; v++)
        {
            if (variables[v].IsNumeric) numbers[v] = new NumberColumnBuilder();
            else text[v] = new TextColumnBuilder(options.Pool);
        }

        if (observationLength == 0 && variableCount > 0)
            throw new DataFormatException(source, $"dataset {name} has observations of zero length", "variables of positive length", byteOffset: namestrStart);
        Span<char> chars = stackalloc char[256];
        long record = 0;
        while (observationLength > 0)
        {
            // Look ahead far enough to tell an observation from the padding before the next member.
            input.Ensure(observationLength + 2 * RecordLength);
            long position = input.Position;
            if (EndOfMember(input, position, observationLength, out bool truncated))
            {
                if (truncated)
                    throw new DataFormatException(source, $"the file ends inside observation {record + 1} of {name}",
                        $"{observationLength} bytes per observation", record: record + 1, byteOffset: position);
                break;
            }
            record++;
            var obs = input.Peek(observationLength);
            for (int v = 0; v < variableCount; v++)
            {
                var variable = variables[v];
                var bytes = obs.Slice(variable.Position, variable.Length);
                if (variable.IsNumeric)
                {
                    double value = IbmFloat.Decode(bytes, out char missing);
                    if (missing != '\0') numbers[v]!.AddMissing(missing);
                    else numbers[v]!.Add(value);
                }
                else
                {
                    int end = bytes.Length;
                    while (end > 0 && (bytes[end - 1] == (byte)' ' || bytes[end - 1] == 0)) end--;
                    if (end == 0) text[v]!.AddMissing();
                    // The usual value (ASCII, no control character) goes to the column as characters: a value seen before
                    // allocates nothing (60 GB of strings at a million subjects, when every value became a string first).
                    else if (AsciiChars(bytes[..end], chars) is var written and > 0) text[v]!.Add(chars[..written]);
                    else if (Decode(bytes[..end], chars, options.Encoding, out var error) is { } value) text[v]!.Add(value);
                    else throw new DataFormatException(source, $"{error.Problem} in dataset {name}", error.Expected, record: record, byteOffset: position + variable.Position, variable: variable.Name);
                }
            }
            input.Advance(observationLength);
        }
        // Skip the blank padding that completes the last 80-byte record.
        int padding = (int)((RecordLength - input.Position % RecordLength) % RecordLength);
        if (padding > 0 && input.Ensure(padding) && IsBlank(input.Peek(padding))) input.Advance(padding);
        else if (padding > 0 && IsBlank(input.Available(padding))) input.Advance(input.Available(padding).Length);

        var columns = new Column[variableCount];
        for (int v = 0; v < variableCount; v++)
        {
            var variable = variables[v];
            var (dataType, target) = variable.IsNumeric ? SasFormats.JsonTypeOf(variable.Format) : (null, null);
            var meta = new ColumnMetadata(variable.Label, variable.Length, variable.Format, dataType, target);
            columns[v] = variable.IsNumeric
                ? numbers[v]!.Build(variable.Name, meta)
                : text[v]!.Build(variable.Name, meta, options.IsDateTimeVariable(name, variable.Name));
        }
        return new DomainTable(name, label, columns, null);
    }

    // The member ends at end of file, or where the rest of the current 80-byte record is blank and a member header follows.
    private static bool EndOfMember(XptInput input, long position, int observationLength, out bool truncated)
    {
        truncated = false;
        var ahead = input.Available(observationLength + 2 * RecordLength);
        if (ahead.IsEmpty) return true;
        int toBoundary = (int)((RecordLength - position % RecordLength) % RecordLength);
        if (toBoundary == 0 && ahead.Length >= RecordLength && Starts(ahead, MemberHeader)) return true;
        if (toBoundary > 0 && ahead.Length >= toBoundary && IsBlank(ahead[..toBoundary]))
        {
            var rest = ahead[toBoundary..];
            if (rest.IsEmpty || (rest.Length >= RecordLength && Starts(rest, MemberHeader))) return true;
        }
        if (ahead.Length < observationLength)
        {
            truncated = !IsBlank(ahead);
            return true;
        }
        return false;
    }

    // The characters of a value that is ASCII without control characters, in the buffer; 0 when it is anything else
    // (Decode then says what is wrong with it, or decodes it in the declared encoding).
    private static int AsciiChars(ReadOnlySpan<byte> bytes, Span<char> buffer)
    {
        if (bytes.Length > buffer.Length || !System.Text.Ascii.IsValid(bytes)) return 0;
        System.Text.Ascii.ToUtf16(bytes, buffer, out int written);
        return TextValues.FindControl(buffer[..written]) < 0 ? written : 0;
    }

    // XPT carries no encoding: character values are UTF-8 (ASCII is a subset) unless the user declares one.
    // A value that does not decode, or holds a control character, is an error rather than a guess.
    private static string? Decode(ReadOnlySpan<byte> bytes, Span<char> buffer, Encoding? encoding, out (string Problem, string Expected) error)
    {
        error = default;
        string text;
        if (System.Text.Ascii.IsValid(bytes) && bytes.Length <= buffer.Length)
        {
            System.Text.Ascii.ToUtf16(bytes, buffer, out int written);
            var chars = buffer[..written];
            if (TextValues.FindControl(chars) < 0) return new string(chars);
            text = new string(chars);
        }
        else
        {
            try
            {
                text = (encoding ?? TextEncodings.StrictUtf8).GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                var bad = ex.BytesUnknown is { Length: > 0 } unknown ? string.Join(" ", unknown.Select(b => $"0x{b:X2}")) : "a byte";
                error = encoding is null
                    ? ($"{bad} at byte {ex.Index + 1} of the value is not valid UTF-8",
                        "UTF-8 character values; if the file was written in another encoding (SAS sessions often write Latin-1 or windows-1252), declare it (--encoding windows-1252, for example)")
                    : ($"{bad} at byte {ex.Index + 1} of the value is not defined in the declared encoding {TextEncodings.Describe(encoding)}", "character values in the declared encoding");
                return null;
            }
        }
        if (TextValues.FindControl(text) is int control and >= 0)
        {
            error = ($"a control character {TextValues.Describe(text[control])} is at character {control + 1} of the value",
                TextValues.ControlExpected + (encoding?.CodePage == 28591 && text[control] >= '\u0080' ? "; in Latin-1 bytes 0x80 to 0x9F are control characters: the file is probably windows-1252" : ""));
            return null;
        }
        return text;
    }

    private static byte[] ReadRecord(XptInput input, string source, string what)
    {
        if (!input.Ensure(RecordLength))
            throw new DataFormatException(source, $"the file ends where {what} was expected", "80-byte header records", byteOffset: input.Position);
        var record = input.Peek(RecordLength).ToArray();
        input.Advance(RecordLength);
        return record;
    }

    private static bool Starts(ReadOnlySpan<byte> record, string prefix)
    {
        if (record.Length < prefix.Length) return false;
        for (int i = 0; i < prefix.Length; i++)
            if (record[i] != (byte)prefix[i]) return false;
        return true;
    }

    private static bool IsBlank(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)' ') < 0;

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes).Trim(' ', '\0');

    private static string? Text(ReadOnlySpan<byte> bytes, Encoding? encoding, string source, long offset, string what)
    {
        int end = bytes.Length;
        while (end > 0 && (bytes[end - 1] == (byte)' ' || bytes[end - 1] == 0)) end--;
        if (end == 0) return null;
        return Decode(bytes[..end], stackalloc char[256], encoding, out var error)
            ?? throw new DataFormatException(source, $"{error.Problem} in {what}", error.Expected, byteOffset: offset);
    }

    private static string? Format(ReadOnlySpan<byte> nameBytes, short width, short decimals)
    {
        var name = Ascii(nameBytes);
        // Some writers leave the width fields blank (0x2020) when there is no format.
        if (width is < 0 or > 32) width = 0;
        if (decimals is < 0 or > 31) decimals = 0;
        if (name.Length == 0 && width == 0) return null;
        return name + (width > 0 ? width.ToString(System.Globalization.CultureInfo.InvariantCulture) : "") + "." +
               (decimals > 0 ? decimals.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
    }

    private static int ParseInt(ReadOnlySpan<byte> digits, string source, long offset, string what)
    {
        int value = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
                throw new DataFormatException(source, $"{what} is not a number", "decimal digits", byteOffset: offset);
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private sealed record XptVariable(string Name, string? Label, bool IsNumeric, int Length, int Position, string? Format);
}
