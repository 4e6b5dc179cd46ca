namespace ProtocolEngine.Checks.Core;

/// <summary>The datasets of a study as CORE rules read them, with the standard it claims.</summary>
/// <param name="Datasets">The datasets in the order the metadata lists them.</param>
/// <param name="Standard">The standard (SDTMIG, SENDIG, TIG, USDM), when declared.</param>
/// <param name="Version">The standard's version (3-4), when declared.</param>
public sealed record CoreStudy(IReadOnlyList<CoreDataset> Datasets, string? Standard, string? Version)
{
    /// <summary>The dataset of a name or domain (DM, SUPPAE), or null.</summary>
    public CoreDataset? Find(string name) =>
        Datasets.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? Datasets.FirstOrDefault(d => string.Equals(d.Domain, name, StringComparison.OrdinalIgnoreCase));
}
