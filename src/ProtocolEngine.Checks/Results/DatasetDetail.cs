namespace ProtocolEngine.Checks.Results;

/// <summary>One dataset of the study validated, as the dataset details of a CDISC CORE report list it.</summary>
/// <param name="Name">The dataset name (AE, DM, ...).</param>
/// <param name="Label">Its label, when known.</param>
/// <param name="File">The file it was read from, when known.</param>
/// <param name="SizeBytes">The file size, when known.</param>
/// <param name="Modified">When the file was last modified, when known.</param>
/// <param name="Records">The number of records.</param>
public sealed record DatasetDetail(string Name, string? Label, string? File, long? SizeBytes, DateTimeOffset? Modified, int Records);
