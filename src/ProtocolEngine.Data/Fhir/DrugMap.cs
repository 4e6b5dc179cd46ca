namespace ProtocolEngine.Data.Fhir;

/// <summary>The shipped medication table (drug-map.tsv): decoded names to ATC codes and classes.</summary>
internal static class DrugMap
{
    /// <summary>One medication: its decoded name, ATC code and ATC level-4 class.</summary>
    public sealed record Drug(string Decod, string Atc, string Class);

    private static readonly Dictionary<string, Drug> _byName = LoincMap.ReadResource("drug-map.tsv")
        .Select(l => l.Split('\t'))
        .Select(f => new Drug(f[0], f[1], f[2]))
        .GroupBy(d => d.Decod, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Every medication of the table.</summary>
    public static IReadOnlyCollection<Drug> All => _byName.Values;

    /// <summary>The medication named <paramref name="decod"/>, or whose name it starts with followed by a space (a strength, a form).</summary>
    public static Drug? Find(string decod) =>
        _byName.GetValueOrDefault(decod) ?? _byName.Values.FirstOrDefault(d => decod.StartsWith(d.Decod + " ", StringComparison.OrdinalIgnoreCase));
}
