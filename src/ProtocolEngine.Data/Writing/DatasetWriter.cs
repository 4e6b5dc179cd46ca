using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Xpt;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Data.Writing;

/// <summary>Writes in-memory datasets to files: XPT, Dataset-JSON, NDJSON or CSV. A file is written whole or not at all.</summary>
public static class DatasetWriter
{
    /// <summary>
    /// Writes a dataset to <paramref name="path"/>. The data go to a temporary file first, which replaces the
    /// target only once complete, so a failure never leaves a half-written file.
    /// </summary>
    /// <exception cref="ArgumentException">The dataset does not fit the format (an XPT name longer than 8 characters, a value over 200 bytes).</exception>
    public static void Write(DomainTable table, string path, DataFileFormat format, DateTime? timestamp = null) =>
        OutputFiles.Write(path, stream => Write(table, stream, format, timestamp));

    /// <summary>Writes a dataset to a stream (seekable for Dataset-JSON).</summary>
    /// <exception cref="ArgumentException">The dataset does not fit the format.</exception>
    public static void Write(DomainTable table, Stream stream, DataFileFormat format, DateTime? timestamp = null)
    {
        if (format == DataFileFormat.Parquet)
        {
            // Parquet is written a column at a time, not row by row.
            Parquet.ParquetDatasetWriter.Write(table, stream);
            return;
        }
        using var writer = DatasetStreamWriter.Create(format, stream, table.Name, table.Label, SpecsOf(table, format), table.Metadata, timestamp);
        CopyRows(table, writer);
        writer.Complete();
    }

    /// <summary>Writes several datasets as the members of one XPT file.</summary>
    /// <exception cref="ArgumentException">A dataset does not fit XPT v5.</exception>
    public static void WriteXptLibrary(IReadOnlyList<DomainTable> tables, string path, DateTime? timestamp = null) =>
        OutputFiles.Write(path, stream =>
        {
            for (int i = 0; i < tables.Count; i++)
            {
                var t = tables[i];
                using var writer = new XptStreamWriter(stream, t.Name, t.Label, SpecsOf(t, DataFileFormat.Xpt), t.Metadata, timestamp ?? DateTime.Now, libraryHeader: i == 0);
                CopyRows(t, writer);
                writer.Complete();
            }
        });

    /// <summary>The column specifications a dataset is written with in a format: widths from the data, types inferred where the source gave none.</summary>
    internal static IReadOnlyList<ColumnSpec> SpecsOf(DomainTable table, DataFileFormat format) =>
        [.. table.Columns.Select(c => c is NumberColumn n ? NumberSpec(n) : TextSpec((TextColumn)c, format))];

    /// <summary>Copies every row of a table into a stream writer with the same columns.</summary>
    internal static void CopyRows(DomainTable table, DatasetStreamWriter writer)
    {
        var columns = table.Columns;
        for (int r = 0; r < table.RowCount; r++)
        {
            for (int c = 0; c < columns.Count; c++)
            {
                switch (columns[c])
                {
                    case TextColumn t:
                        writer.SetText(c, t.GetString(r) ?? (t.IsEmptyString(r) ? "" : null));
                        break;
                    case NumberColumn n:
                        writer.SetNumber(c, n.RawAt(r), n.MissingKindAt(r) is '\0' ? '.' : n.MissingKindAt(r));
                        break;
                }
            }
            writer.EndRow();
        }
    }

    private static ColumnSpec NumberSpec(NumberColumn column)
    {
        var meta = column.Metadata;
        if (meta.DataType is null)
        {
            var (dateType, target) = SasFormats.JsonTypeOf(meta.DisplayFormat);
            if (dateType is not null) meta = meta with { DataType = dateType, TargetDataType = meta.TargetDataType ?? target };
            else
            {
                bool integral = true;
                for (int r = 0; r < column.Count && integral; r++)
                    if (column.GetDouble(r) is double d) integral = d == Math.Floor(d) && Math.Abs(d) < 9e15;
                meta = meta with { DataType = integral ? "integer" : "double" };
            }
        }
        return new ColumnSpec(column.Name, true, meta);
    }

    private static ColumnSpec TextSpec(TextColumn column, DataFileFormat format)
    {
        var meta = column.Metadata;
        int maxBytes = 0, maxChars = 0;
        var used = new bool[column.Dictionary.Count];
        for (int r = 0; r < column.Count; r++)
            if (column.CodeAt(r) is int code and >= 0) used[code] = true;
        bool allDates = column.Kind == ColumnKind.DateTime, allDateTimes = allDates, any = false;
        for (int i = 0; i < used.Length; i++)
        {
            if (!used[i]) continue;
            var s = column.Dictionary[i];
            any = true;
            maxChars = Math.Max(maxChars, s.Length);
            maxBytes = Math.Max(maxBytes, System.Text.Encoding.UTF8.GetByteCount(s));
            if (allDates) allDates = s.Length == 10 && CqlDateTimeLike(s) == 10;
            if (allDateTimes) allDateTimes = s.Length >= 16 && CqlDateTimeLike(s) >= 16;
        }
        if (format == DataFileFormat.Xpt) meta = meta with { Length = Math.Max(Math.Max(maxBytes, 1), Math.Min(meta.Length ?? 1, 200)) };
        // A column read from Dataset-JSON keeps its metadata as it was (a date column there often has no length).
        else if (meta.Length is null && meta.DataType is null && maxChars > 0) meta = meta with { Length = maxChars };
        if (meta.DataType is null)
            meta = meta with { DataType = any && allDates ? "date" : any && allDateTimes ? "datetime" : "string" };
        return new ColumnSpec(column.Name, false, meta);
    }

    // The length of a full ISO 8601 prefix: 10 for YYYY-MM-DD, 16 for YYYY-MM-DDThh:mm, 19 with seconds; 0 otherwise.
    private static int CqlDateTimeLike(string s)
    {
        static bool Digits(string s, int from, int count)
        {
            for (int i = from; i < from + count; i++) if (i >= s.Length || !char.IsAsciiDigit(s[i])) return false;
            return true;
        }
        if (!(Digits(s, 0, 4) && s.Length >= 10 && s[4] == '-' && Digits(s, 5, 2) && s[7] == '-' && Digits(s, 8, 2))) return 0;
        if (s.Length == 10) return 10;
        if (s.Length >= 16 && s[10] == 'T' && Digits(s, 11, 2) && s[13] == ':' && Digits(s, 14, 2))
        {
            if (s.Length == 16) return 16;
            if (s.Length == 19 && s[16] == ':' && Digits(s, 17, 2)) return 19;
        }
        return 0;
    }
}
