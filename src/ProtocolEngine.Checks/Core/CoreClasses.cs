namespace ProtocolEngine.Checks.Core;

/// <summary>
/// The observation class of a domain as CORE scopes name them (FINDINGS, EVENTS, INTERVENTIONS, SPECIAL PURPOSE,
/// TRIAL DESIGN, RELATIONSHIP, FINDINGS ABOUT, STUDY REFERENCE), for the SDTMIG 3.2-3.4 and SENDIG domains; a
/// domain neither names is classed by its topic variable (--TESTCD findings, --TERM events, --TRT interventions).
/// </summary>
public static class CoreClasses
{
    private static readonly Dictionary<string, string> _known = Build();

    private static Dictionary<string, string> Build()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(string cls, string domains) { foreach (var d in domains.Split(' ')) map[d] = cls; }
        Add("SPECIAL PURPOSE", "DM CO SE SM SV SJ");
        Add("INTERVENTIONS", "AG CM EC EX ML PR SU");
        Add("EVENTS", "AE BE CE DS DV HO MH");
        Add("FINDINGS", "BS CP CV DA DD EG FT GF IE IS LB MB MI MK MS NV OE PC PE PP QS RE RP RS SC SS TR TU UR VS " +
            "BG BW CL FW MA OM PM TF IQ EM GT ES");
        Add("FINDINGS ABOUT", "FA SR");
        Add("TRIAL DESIGN", "TA TD TE TI TM TS TV TX");
        Add("RELATIONSHIP", "RELREC RELSUB RELSPEC RELREF POOLDEF");
        Add("STUDY REFERENCE", "OI DI");
        return map;
    }

    /// <summary>The class of a dataset, or null when nothing tells.</summary>
    public static string? ClassOf(CoreDataset dataset)
    {
        if (IsSupplemental(dataset.Name)) return "RELATIONSHIP";
        if (_known.TryGetValue(dataset.Name, out var c) || _known.TryGetValue(dataset.Domain, out c)) return c;
        if (dataset.Name.StartsWith("AP", StringComparison.OrdinalIgnoreCase) && dataset.Name.Length == 4 && _known.TryGetValue(dataset.Name[2..], out c)) return c;
        if (dataset.Prefix is not { } p) return null;
        if (dataset.Has(p + "TESTCD")) return "FINDINGS";
        if (dataset.Has(p + "TERM")) return "EVENTS";
        if (dataset.Has(p + "TRT")) return "INTERVENTIONS";
        return null;
    }

    /// <summary>True for a domain SDTMIG or SENDIG defines (a custom domain is not one).</summary>
    public static bool IsStandard(string domain) => _known.ContainsKey(domain);

    /// <summary>True for SUPP-- datasets.</summary>
    public static bool IsSupplemental(string name) => name.Length > 4 && name.StartsWith("SUPP", StringComparison.OrdinalIgnoreCase);

    /// <summary>The variable prefix of a dataset (AE, QS for QSPH), or null for SUPP--, RELREC and other relationship datasets.</summary>
    public static string? PrefixOf(string name, string domain)
    {
        if (IsSupplemental(name) || name.StartsWith("REL", StringComparison.OrdinalIgnoreCase) || name.StartsWith("POOL", StringComparison.OrdinalIgnoreCase)) return null;
        var d = domain.Length == 2 ? domain : name;
        return d.Length >= 2 ? d[..2].ToUpperInvariant() : null;
    }
}
