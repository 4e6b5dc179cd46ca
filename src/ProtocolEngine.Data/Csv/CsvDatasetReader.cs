using System.Globalization;
using nietras.SeparatedValues;
using ProtocolEngine.Data.Text;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Csv;

/// <summary>
/// Reads a dataset from CSV with a header row (RFC 4180 quoting). The dataset is named after the file. CSV
/// carries no types, so they come from define.xml or the SDTM model (<see cref="DatasetReadOptions"/>):
/// numeric variables are parsed as numbers, everything else is text. An unquoted <c>NA</c> is a missing value
/// (R's convention) and an empty field is an empty, missing, string. The text must be UTF-8 (or the declared
/// <see cref="DatasetReadOptions.Encoding"/>) without control characters; the first offending byte fails the
/// read with its line and column.
/// </summary>
internal static class CsvDatasetReader
{
    /// <summary>Reads a CSV file.</summary>
    /// <exception cref="DataFormatException">A value does not fit its variable's type, or the file is malformed.</exception>
    public static DomainTable Read(string path, DatasetReadOptions? options = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Read(stream, path, Path.GetFileNameWithoutExtension(path).ToUpperInvariant(), options);
    }

    /// <summary>Reads CSV from a stream as dataset <paramref name="dataset"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="DataFormatException">A value does not fit its variable's type, or the content is malformed.</exception>
    public static DomainTable Read(Stream stream, string source, string dataset, DatasetReadOptions? options = null)
    {
        options ??= DatasetReadOptions.Default;
        // Invalid UTF-8 (or bytes the declared encoding lacks) and control characters fail with their line and column.
        stream = CheckedTextStream.Wrap(stream, source, options.Encoding);
        SepReader reader;
        try
        {
            reader = Sep.New(',').Reader(o => o with { Unescape = false, DisableColCountCheck = true }).From(stream);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or NotSupportedException)
        {
            throw new DataFormatException(source, $"the header row cannot be read: {ex.Message}", "a header row of variable names", record: 1, inner: ex);
        }
        using (reader)
        {
            if (!reader.HasHeader || reader.Header.ColNames.Count == 0 || (reader.Header.ColNames.Count == 1 && reader.Header.ColNames[0].Length == 0))
                throw new DataFormatException(source, "the file has no header row", "a header row of variable names", record: 1);
            var names = reader.Header.ColNames.Select(n => Unquote(n.AsSpan(), out _).ToString().Trim()).ToArray();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (int c = 0; c < names.Length; c++)
            {
                if (names[c].Length == 0)
                    throw new DataFormatException(source, $"column {c + 1} of the header has no name", "a variable name in every header column", record: 1);
                if (!seen.Add(names[c]))
                    throw new DataFormatException(source, $"two columns are named {names[c]}", "unique variable names", record: 1, variable: names[c]);
            }
            var numeric = names.Select(n => options.IsNumericVariable(dataset, n)).ToArray();
            var text = names.Select((n, i) => numeric[i] ? null : new TextColumnBuilder(options.Pool)).ToArray();
            var numbers = names.Select((n, i) => numeric[i] ? new NumberColumnBuilder() : null).ToArray();

            long line = 1;
            try
            {
                foreach (var row in reader)
                {
                    line = row.LineNumberFrom;
                    if (row.ColCount != names.Length)
                    {
                        // A blank last line is not a row.
                        if (row.ColCount == 1 && row[0].Span.Trim().IsEmpty) continue;
                        throw new DataFormatException(source, $"the row has {row.ColCount} fields", $"{names.Length} fields, as in the header", record: line);
                    }
                    for (int c = 0; c < names.Length; c++)
                    {
                        var raw = row[c].Span;
                        var value = Unquote(raw, out bool quoted);
                        bool na = !quoted && value.SequenceEqual("NA");
                        if (numbers[c] is { } nb)
                        {
                            var trimmed = value.Trim();
                            if (na || trimmed.IsEmpty) { nb.AddMissing(); continue; }
                            if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d))
                                throw new DataFormatException(source, $"'{value}' is not a number", $"a number for numeric variable {names[c]}", record: line, variable: names[c]);
                            nb.Add(d);
                        }
                        else if (na) text[c]!.AddMissing();
                        else if (value.IsEmpty) text[c]!.AddMissing(emptyString: true);
                        else text[c]!.Add(quoted && value.Contains("\"\"", StringComparison.Ordinal) ? value.ToString().Replace("\"\"", "\"", StringComparison.Ordinal) : value);
                    }
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException or IndexOutOfRangeException)
            {
                throw new DataFormatException(source, $"the CSV is malformed near line {line}: {ex.Message}", "RFC 4180 CSV", record: line, inner: ex);
            }

            var columns = new Column[names.Length];
            for (int c = 0; c < names.Length; c++)
            {
                var define = options.Define?.FindDataset(dataset)?.FindVariable(names[c]);
                var label = define?.Label ?? options.FindVariable(dataset, names[c])?.Label;
                if (string.IsNullOrEmpty(label)) label = null;
                var meta = new ColumnMetadata(label, define?.Length);
                columns[c] = numbers[c] is { } nb ? nb.Build(names[c], meta) : text[c]!.Build(names[c], meta, options.IsDateTimeVariable(dataset, names[c]));
            }
            return new DomainTable(dataset, options.Define?.FindDataset(dataset)?.Label ?? options.Model.FindDomain(dataset)?.Label, columns, null);
        }
    }

    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> raw, out bool quoted)
    {
        quoted = raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"';
        return quoted ? raw[1..^1] : raw;
    }
}
