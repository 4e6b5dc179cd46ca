namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// What a source file says about a variable besides its values, kept so that a dataset can be written back
/// in any format without losing it. Every part is optional.
/// </summary>
/// <param name="Label">The variable label.</param>
/// <param name="Length">The declared length (XPT width, define.xml or Dataset-JSON length).</param>
/// <param name="DisplayFormat">The SAS display format, for example <c>DATE9.</c> or <c>8.2</c>.</param>
/// <param name="DataType">The Dataset-JSON logical data type (string, integer, decimal, float, double, date, datetime, time, boolean, URI).</param>
/// <param name="TargetDataType">The Dataset-JSON target data type (integer or decimal), when the source gave one.</param>
/// <param name="ItemOid">The Dataset-JSON / define.xml item OID.</param>
/// <param name="KeySequence">The position of the variable among the dataset keys, when it is one.</param>
public sealed record ColumnMetadata(
    string? Label = null,
    int? Length = null,
    string? DisplayFormat = null,
    string? DataType = null,
    string? TargetDataType = null,
    string? ItemOid = null,
    int? KeySequence = null)
{
    /// <summary>No metadata.</summary>
    public static ColumnMetadata Empty { get; } = new();
}
