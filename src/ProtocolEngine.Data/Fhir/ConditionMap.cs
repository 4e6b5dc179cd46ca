namespace ProtocolEngine.Data.Fhir;

/// <summary>The shipped condition code table (condition-map.tsv): SNOMED CT and ICD-10 codes to MedDRA-style terms.</summary>
internal static class ConditionMap
{
    private static readonly List<(string System, string Code, string Term, string Soc)> _rows =
        [.. LoincMap.ReadResource("condition-map.tsv").Select(l => l.Split('\t')).Select(f => (f[0], f[1], f[2], f[3]))];

    /// <summary>The preferred term and SOC for a coding, or null. ICD-10 codes match by prefix (E11 covers E11.9).</summary>
    public static (string Term, string Soc)? Find(string? system, string? code)
    {
        if (system is null || code is null) return null;
        bool snomed = system.Contains("snomed", StringComparison.OrdinalIgnoreCase);
        bool icd = system.Contains("icd-10", StringComparison.OrdinalIgnoreCase) || system.Contains("icd10", StringComparison.OrdinalIgnoreCase);
        foreach (var r in _rows)
        {
            if (snomed && r.System == "snomed" && r.Code == code) return (r.Term, r.Soc);
            if (icd && r.System == "icd10" && code.StartsWith(r.Code, StringComparison.OrdinalIgnoreCase)) return (r.Term, r.Soc);
        }
        return null;
    }
}
