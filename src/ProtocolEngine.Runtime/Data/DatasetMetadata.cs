namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Dataset-level attributes a source file carried (Dataset-JSON top-level attributes, XPT member header), kept
/// so a dataset converted to another format keeps them. Every part is optional.
/// </summary>
/// <param name="ItemGroupOid">The item group OID (Dataset-JSON itemGroupOID, define.xml ItemGroupDef/@OID).</param>
/// <param name="StudyOid">The study OID.</param>
/// <param name="MetaDataVersionOid">The define.xml MetaDataVersion OID.</param>
/// <param name="MetaDataRef">A reference to the metadata file, usually define.xml.</param>
/// <param name="FileOid">The file OID.</param>
/// <param name="Originator">The organization that produced the dataset.</param>
/// <param name="SourceSystemName">The source system name.</param>
/// <param name="SourceSystemVersion">The source system version.</param>
/// <param name="DbLastModifiedDateTime">When the source database was last modified (ISO 8601).</param>
public sealed record DatasetMetadata(
    string? ItemGroupOid = null,
    string? StudyOid = null,
    string? MetaDataVersionOid = null,
    string? MetaDataRef = null,
    string? FileOid = null,
    string? Originator = null,
    string? SourceSystemName = null,
    string? SourceSystemVersion = null,
    string? DbLastModifiedDateTime = null)
{
    /// <summary>No metadata.</summary>
    public static DatasetMetadata Empty { get; } = new();
}
