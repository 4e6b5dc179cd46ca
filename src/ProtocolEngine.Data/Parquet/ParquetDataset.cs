using System.Text.Json;
using System.Text.Json.Serialization;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Parquet;

/// <summary>
/// What a Parquet file written by <see cref="ParquetDatasetWriter"/> says about its dataset beyond the values, kept in
/// the file's key-value metadata under <see cref="Key"/> as JSON: the dataset's name, label and attributes, and each
/// column's kind (text, number, ISO date/time) and metadata, so reading it back gives the same view as the source.
/// </summary>
internal sealed record ParquetDataset(string Name, string? Label, DatasetMetadata? Metadata, IReadOnlyList<ParquetDatasetColumn> Columns)
{
    /// <summary>The key of the file metadata entry.</summary>
    public const string Key = "protocolengine.dataset";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The description, or null when the text is not one (a Parquet file from elsewhere may carry anything).</summary>
    public static ParquetDataset? TryParse(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize<ParquetDataset>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>One column of a <see cref="ParquetDataset"/>: its name, kind (text, number or datetime) and source metadata.</summary>
internal sealed record ParquetDatasetColumn(string Name, string Kind, ColumnMetadata? Metadata);
