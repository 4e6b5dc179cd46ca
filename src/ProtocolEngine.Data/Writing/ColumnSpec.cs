using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Writing;

/// <summary>
/// A variable to write: its name, whether it holds numbers, and its metadata. For character variables
/// <see cref="ColumnMetadata.Length"/> is the width in bytes (XPT needs it before the first row);
/// <see cref="ColumnMetadata.DataType"/> is the Dataset-JSON data type (string, integer, double, date, ...).
/// </summary>
/// <param name="Name">The variable name.</param>
/// <param name="IsNumeric">True for numeric variables.</param>
/// <param name="Metadata">Label, length, display format, data types and OIDs.</param>
internal sealed record ColumnSpec(string Name, bool IsNumeric, ColumnMetadata Metadata);
