using System.Globalization;
using System.Reflection;

namespace ProtocolEngine.Data.Fhir;

/// <summary>
/// The shipped LOINC to SDTM test table (loinc-map.tsv): which LB or VS test a LOINC code is, its standard unit,
/// and the conversions UCUM cannot do (mass to molar concentration, mg/dL glucose to mmol/L, HbA1c IFCC to NGSP).
/// </summary>
internal sealed class LoincMap
{
    public sealed record Entry(string Domain, string Loinc, string TestCode, string Test, string Category, string StandardUnit, string StandardUcum,
        IReadOnlyDictionary<string, (decimal Factor, decimal Offset)> Conversions);

    private readonly Dictionary<string, Entry> _byLoinc;

    private LoincMap(Dictionary<string, Entry> byLoinc) => _byLoinc = byLoinc;

    public static LoincMap Shipped { get; } = Load("loinc-map.tsv");

    public IReadOnlyCollection<Entry> Entries => _byLoinc.Values;

    public Entry? Find(string loinc) => _byLoinc.GetValueOrDefault(loinc);

    private static LoincMap Load(string resource)
    {
        var map = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var line in ReadResource(resource))
        {
            var f = line.Split('\t');
            var conversions = new Dictionary<string, (decimal, decimal)>(StringComparer.OrdinalIgnoreCase);
            if (f.Length > 7)
                foreach (var pair in f[7].Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = pair.LastIndexOf('=');
                    var spec = pair[(eq + 1)..];
                    int sign = spec.IndexOfAny(['+', '-'], 1);
                    decimal factor = decimal.Parse(sign < 0 ? spec : spec[..sign], NumberStyles.Float, CultureInfo.InvariantCulture);
                    decimal offset = sign < 0 ? 0 : decimal.Parse(spec[sign..], NumberStyles.Float, CultureInfo.InvariantCulture);
                    conversions[pair[..eq]] = (factor, offset);
                }
            map[f[1]] = new Entry(f[0], f[1], f[2], f[3], f[4], f[5], f[6], conversions);
        }
        return new LoincMap(map);
    }

    internal static IEnumerable<string> ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ProtocolEngine.Data.Fhir." + name)
            ?? throw new InvalidOperationException($"The embedded table {name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && line[0] != '#') yield return line;
    }
}
