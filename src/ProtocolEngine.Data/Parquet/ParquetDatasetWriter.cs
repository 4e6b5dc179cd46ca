using global::Parquet;
using global::Parquet.Schema;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Parquet;

/// <summary>
/// Writes a dataset as Apache Parquet: one nullable UTF-8 column per text variable, dictionary-encoded (clinical text
/// is codes repeated millions of times, as in the subject view), one nullable double per numeric variable, in row
/// groups of <see cref="RowGroupSize"/> records so a reader can stream them. Missing values are nulls; a text value
/// the source held as "" (Dataset-JSON tells them apart) stays "". SAS special missing values (.A to .Z, ._) are
/// written as nulls.
/// </summary>
internal static class ParquetDatasetWriter
{
    /// <summary>Records per row group: the unit a reader holds in memory at once.</summary>
    public const int RowGroupSize = 1 << 20;

    public static void Write(DomainTable table, Stream stream) => WriteAsync(table, stream).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The library's options with its stream pool bounded: by default it keeps every buffer it ever used (over 10 GB
    /// while loading a million subjects), which is memory the subject view needs.
    /// </summary>
    internal static ParquetOptions Options() => new() { MaximumSmallPoolFreeBytes = 16 << 20, MaximumLargePoolFreeBytes = 64 << 20 };

    private static async ValueTask WriteAsync(DomainTable table, Stream stream)
    {
        var fields = new List<DataField>();
        var options = Options();
        options.DictionaryEncodingThreshold = 1.0;
        foreach (var column in table.Columns)
        {
            DataField field = column is NumberColumn ? new DataField<double?>(column.Name) : new DataField<string>(column.Name, true);
            if (column is TextColumn) options.ColumnEncodingHints[field.Path.ToString()] = EncodingHint.Dictionary;
            fields.Add(field);
        }
        var description = new ParquetDataset(table.Name, table.Label, table.Metadata == DatasetMetadata.Empty ? null : table.Metadata,
            [.. table.Columns.Select(c => new ParquetDatasetColumn(c.Name, c.Kind.ToString().ToLowerInvariant(), c.Metadata == ColumnMetadata.Empty ? null : c.Metadata))]);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, options);
        writer.CustomMetadata = new Dictionary<string, string> { [ParquetDataset.Key] = description.ToJson() };
        int groupRows = Math.Min(RowGroupSize, Math.Max(1, table.RowCount));
        var text = new string?[groupRows];
        var numbers = new double?[groupRows];
        for (int start = 0; start < table.RowCount || start == 0; start += RowGroupSize)
        {
            int count = Math.Min(RowGroupSize, table.RowCount - start);
            using var group = writer.CreateRowGroup();
            for (int c = 0; c < table.Columns.Count; c++)
            {
                switch (table.Columns[c])
                {
                    case TextColumn t:
                        for (int k = 0; k < count; k++) text[k] = t.GetString(start + k) ?? (t.IsEmptyString(start + k) ? "" : null);
                        await group.WriteAsync(fields[c], new ArraySegment<string?>(text, 0, count)!);
                        break;
                    case NumberColumn n:
                        for (int k = 0; k < count; k++) numbers[k] = n.GetDouble(start + k);
                        await group.WriteAsync<double>(fields[c], numbers.AsMemory(0, count));
                        break;
                }
            }
            if (table.RowCount == 0) break;
        }
    }
}
