namespace ProtocolEngine.Data.Loading;

/// <summary>The dataset file formats the loader reads and the converter writes.</summary>
public enum DataFileFormat
{
    /// <summary>SAS XPORT version 5 (.xpt).</summary>
    Xpt,
    /// <summary>CDISC Dataset-JSON 1.1 as one JSON document (.json).</summary>
    Json,
    /// <summary>CDISC Dataset-JSON 1.1 as NDJSON (.ndjson).</summary>
    Ndjson,
    /// <summary>Comma-separated values with a header row (.csv).</summary>
    Csv,
    /// <summary>HL7 FHIR R4 bundles (.json), mapped onto SDTM datasets when read; not a target for writing.</summary>
    Fhir,
    /// <summary>Apache Parquet (.parquet): columnar and dictionary-encoded, the fast format to load a large population from.</summary>
    Parquet,
}

/// <summary>File extensions and preferences of <see cref="DataFileFormat"/>.</summary>
public static class DataFileFormats
{
    /// <summary>
    /// The order in which the loader prefers a format when a folder holds the same dataset several times:
    /// XPT first (the regulatory transfer format, numbers exactly as SAS held them), then Dataset-JSON, then
    /// NDJSON, then Parquet, then CSV (which carries no types).
    /// </summary>
    public static IReadOnlyList<DataFileFormat> Preference { get; } = [DataFileFormat.Xpt, DataFileFormat.Json, DataFileFormat.Ndjson, DataFileFormat.Parquet, DataFileFormat.Csv];

    /// <summary>True when a .json file holds FHIR (a "resourceType" near its start) rather than Dataset-JSON.</summary>
    public static bool IsFhirJson(string path)
    {
        if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return false;
        using var stream = File.OpenRead(path);
        var head = new byte[4096];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head.AsSpan(0, n).IndexOf("\"resourceType\""u8) >= 0;
    }

    /// <summary>The format of a file by its extension, or null when it is not a dataset file.</summary>
    public static DataFileFormat? FromPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".xpt" => DataFileFormat.Xpt,
        ".json" => DataFileFormat.Json,
        ".ndjson" => DataFileFormat.Ndjson,
        ".csv" => DataFileFormat.Csv,
        ".parquet" => DataFileFormat.Parquet,
        _ => null,
    };

    /// <summary>The file extension of a format, with its dot.</summary>
    public static string Extension(DataFileFormat format) => format switch
    {
        DataFileFormat.Xpt => ".xpt",
        DataFileFormat.Json => ".json",
        DataFileFormat.Ndjson => ".ndjson",
        DataFileFormat.Fhir => ".json",
        DataFileFormat.Parquet => ".parquet",
        _ => ".csv",
    };

    /// <summary>Parses the name of a format a study can be converted to (xpt, json, ndjson, csv or parquet), case-insensitively.</summary>
    public static bool TryParseConversionTarget(string? text, out DataFileFormat format)
    {
        if (string.Equals(text?.Trim(), "parquet", StringComparison.OrdinalIgnoreCase))
        {
            format = DataFileFormat.Parquet;
            return true;
        }
        return TryParse(text, out format);
    }

    /// <summary>Parses a format name (xpt, json, ndjson, csv: the formats written row by row), case-insensitively.</summary>
    public static bool TryParse(string? text, out DataFileFormat format)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "xpt": format = DataFileFormat.Xpt; return true;
            case "json": format = DataFileFormat.Json; return true;
            case "ndjson": format = DataFileFormat.Ndjson; return true;
            case "csv": format = DataFileFormat.Csv; return true;
            default: format = default; return false;
        }
    }
}
