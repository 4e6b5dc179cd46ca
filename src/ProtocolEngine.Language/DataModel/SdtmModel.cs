namespace ProtocolEngine.Language.DataModel;

/// <summary>
/// The SDTM data model: SDTMIG domains and variables. <see cref="Sdtmig34"/> holds the common SDTMIG 3.4
/// domains; a study's define.xml refines it with <see cref="Refine"/> (study-specific variables become
/// known, with their types and lengths). Immutable.
/// </summary>
public sealed class SdtmModel : IDataModel
{
    private readonly Dictionary<string, DomainSchema> _byName;

    /// <summary>Creates a model from its domains.</summary>
    public SdtmModel(string version, IEnumerable<DomainSchema> domains)
    {
        Version = version;
        Domains = [.. domains];
        _byName = Domains.ToDictionary(d => d.Name, StringComparer.Ordinal);
    }

    /// <summary>The common domains of SDTMIG 3.4.</summary>
    public static SdtmModel Sdtmig34 { get; } = new("3.4", Sdtmig34Domains.Create());

    /// <inheritdoc />
    public string Name => "SDTM";

    /// <inheritdoc />
    public string Version { get; }

    /// <inheritdoc />
    public IReadOnlyList<DomainSchema> Domains { get; }

    /// <inheritdoc />
    public DomainSchema? FindDomain(string name)
    {
        if (_byName.TryGetValue(name, out var d)) return d;
        // SUPP-- datasets all share the SUPPQUAL structure (SUPPAE, SUPPDM, ...).
        if (name.StartsWith("SUPP", StringComparison.Ordinal) && name.Length > 4 && _byName.TryGetValue("SUPPQUAL", out var supp))
            return supp with { Name = name };
        return null;
    }

    /// <summary>
    /// A model where the given study domains (from define.xml) add to or replace what this model knows:
    /// new variables are added with their study types; known variables keep their SDTMIG type, take the
    /// study's length, and new domains are added.
    /// </summary>
    public SdtmModel Refine(IEnumerable<DomainSchema> studyDomains)
    {
        var merged = new Dictionary<string, DomainSchema>(_byName, StringComparer.Ordinal);
        foreach (var study in studyDomains)
        {
            if (!merged.TryGetValue(study.Name, out var known) && FindDomain(study.Name) is { } derived) known = derived;
            if (known is null)
            {
                merged[study.Name] = study;
                continue;
            }
            var variables = known.Variables.ToList();
            foreach (var v in study.Variables)
            {
                int i = variables.FindIndex(x => x.Name == v.Name);
                if (i < 0) variables.Add(v);
                else variables[i] = variables[i] with { Length = v.Length ?? variables[i].Length, CodeList = variables[i].CodeList ?? v.CodeList };
            }
            merged[study.Name] = known with { Variables = variables };
        }
        return new SdtmModel(Version, merged.Values.OrderBy(d => d.Name, StringComparer.Ordinal));
    }
}
