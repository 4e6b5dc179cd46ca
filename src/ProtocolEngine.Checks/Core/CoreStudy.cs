using ProtocolEngine.Data.Define;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Data;

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

    /// <summary>
    /// Reads a study (a folder or file of XPT, Dataset-JSON or CSV datasets, with define.xml) as CORE reads it: each
    /// dataset in file order, SUPP-- datasets kept apart.
    /// </summary>
    /// <exception cref="ProtocolEngine.Data.DataFormatException">A file is unreadable or holds bad data.</exception>
    public static CoreStudy Load(string path, StudyLoadOptions? options = null, string standard = "SDTMIG")
    {
        var raw = StudyLoader.ReadRaw(path, options);
        return FromTables(raw.Tables, raw.Define, standard);
    }

    /// <summary>
    /// A study loaded by the data layer (XPT, Dataset-JSON, CSV) as CORE reads it: datasets in file order (record N
    /// is the N-th record of the file), numbers as their shortest text, and variable metadata from define.xml or the
    /// file's own labels.
    /// </summary>
    public static CoreStudy FromTables(IEnumerable<DomainTable> tables, DefineDocument? define, string standard = "SDTMIG")
    {
        var datasets = new List<CoreDataset>();
        foreach (var t in tables)
        {
            var columns = t.Columns.Select(c => c.Name).ToList();
            var rows = new List<string?[]>(t.RowCount);
            for (int r = 0; r < t.RowCount; r++)
            {
                var row = new string?[columns.Count];
                for (int c = 0; c < columns.Count; c++)
                {
                    var column = t.Columns[c];
                    if (column.IsMissing(r)) continue;
                    var text = CoreValues.Text(column.GetObject(r) switch { double d => d, float f => (double)f, int i => (double)i, long l => (double)l, var o => o?.ToString() });
                    // A blank SAS text is missing (XPT pads; CSV cases keep what they hold).
                    row[c] = string.IsNullOrWhiteSpace(text) ? null : text;
                }
                rows.Add(row);
            }
            var defineDataset = define?.FindDataset(t.Name);
            var variables = t.Columns.Select(c =>
            {
                var dv = defineDataset?.FindVariable(c.Name);
                var numeric = c.Kind == ColumnKind.Number || dv?.DataType is "integer" or "float";
                return new CoreVariable(c.Name, dv?.Label ?? c.Label, numeric ? "Num" : "Char", dv?.Length ?? c.Metadata.Length);
            }).ToList();
            int domainAt = columns.FindIndex(c => string.Equals(c, "DOMAIN", StringComparison.OrdinalIgnoreCase));
            var domain = CoreClasses.IsSupplemental(t.Name) ? t.Name
                : domainAt >= 0 && rows.Select(r => r[domainAt]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) is { } dv2 ? dv2.Trim().ToUpperInvariant() : t.Name;
            datasets.Add(new CoreDataset(t.Name.ToUpperInvariant(), domain, defineDataset?.Label ?? t.Label, columns, rows, variables));
        }
        return new CoreStudy(datasets, standard, null);
    }
}
