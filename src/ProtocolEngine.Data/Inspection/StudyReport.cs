using ProtocolEngine.Data.Loading;

namespace ProtocolEngine.Data.Inspection;

/// <summary>What a loaded study holds: per dataset, records, subjects, variables and missing values.</summary>
/// <param name="Source">The folder or file loaded.</param>
/// <param name="Subjects">The number of study subjects (DM records, or distinct USUBJIDs without DM).</param>
/// <param name="Datasets">One entry per dataset, by name.</param>
/// <param name="Notes">What the loader merged, chose or noticed.</param>
/// <param name="MemoryBytes">Approximate bytes the loaded subject view holds in memory.</param>
public sealed record StudyReport(string Source, int Subjects, IReadOnlyList<DatasetReport> Datasets, IReadOnlyList<LoadNote> Notes, long MemoryBytes);

/// <summary>One dataset of a <see cref="StudyReport"/>.</summary>
/// <param name="Name">The dataset name.</param>
/// <param name="Label">Its label.</param>
/// <param name="File">The file it was read from.</param>
/// <param name="Format">The file format (xpt, json, ndjson, csv).</param>
/// <param name="Records">The number of records.</param>
/// <param name="Subjects">The number of study subjects with at least one record (0 for trial-level data).</param>
/// <param name="MissingValues">Missing values across all variables.</param>
/// <param name="Variables">The variables.</param>
/// <param name="MemoryBytes">Approximate bytes the dataset holds in memory.</param>
public sealed record DatasetReport(string Name, string? Label, string? File, string? Format, int Records, int Subjects, long MissingValues, IReadOnlyList<VariableReport> Variables, long MemoryBytes);

/// <summary>One variable of a <see cref="DatasetReport"/>.</summary>
/// <param name="Name">The variable name.</param>
/// <param name="Label">Its label.</param>
/// <param name="Kind">text, number or datetime.</param>
/// <param name="Missing">Missing values.</param>
/// <param name="Distinct">Distinct non-missing values (for text; numbers report -1 when not dictionary-coded).</param>
public sealed record VariableReport(string Name, string? Label, string Kind, int Missing, int Distinct);
