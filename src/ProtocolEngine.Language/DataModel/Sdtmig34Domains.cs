namespace ProtocolEngine.Language.DataModel;

/// <summary>The SDTMIG 3.4 domain definitions (content being written; see issue 2 scope 4).</summary>
internal static class Sdtmig34Domains
{
    public static IEnumerable<DomainSchema> Create() => [];
}
