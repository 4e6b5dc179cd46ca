using ProtocolEngine.Data;
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
    /// <summary>
    /// Values the study cannot be read as its metadata says (an impossible or space-separated date, text in a numeric
    /// variable, DOMAIN not matching the dataset): each a finding on its record, never a refused study.
    /// </summary>
    public IReadOnlyList<CoreIssue> LoadFindings { get; init; } = [];

    /// <summary>The study's define.xml, when its folder has one.</summary>
    public DefineDocument? Define { get; init; }

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
        options ??= new StudyLoadOptions();
        if (File.Exists(path)) return Scan(ReadStudy([path], path, options, standard));
        if (!Directory.Exists(path)) throw new FileNotFoundException($"No such file or folder: {path}", path);
        // Each dataset once, in the preferred format (XPT over Dataset-JSON over CSV); files named _*.csv are the
        // metadata of CORE's case layout, not datasets.
        var files = Directory.EnumerateFiles(path)
            .Where(f => DataFileFormats.FromPath(f) is not null && !Path.GetFileName(f).StartsWith('_'))
            .GroupBy(f => Path.GetFileNameWithoutExtension(f).ToUpperInvariant())
            .Select(g => g.OrderBy(f => DataFileFormats.Preference.ToList().IndexOf(DataFileFormats.FromPath(f)!.Value)).First())
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new DataFormatException(path, "the folder holds no dataset file", ".xpt, .json, .ndjson or .csv files");
        if (files.All(f => DataFileFormats.FromPath(f) == DataFileFormat.Csv))
        {
            // CSV as written: every value as text (an unquoted NA stays NA), nothing refused for a value.
            var csv = CoreCaseReader.Read(path);
            var definePath = Path.Combine(path, "define.xml");
            return Scan(csv with { Standard = csv.Standard ?? standard, Define = File.Exists(definePath) ? DefineXmlReader.Read(definePath) : null });
        }
        return Scan(ReadStudy(files, path, options, standard));
    }

    // The typed readers for XPT and Dataset-JSON, without the study loader's validation (a malformed value is a
    // finding of the validation, not a refusal); a CSV beside them is read as text.
    private static CoreStudy ReadStudy(IReadOnlyList<string> files, string path, StudyLoadOptions options, string standard)
    {
        var folder = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        var definePath = Directory.EnumerateFiles(folder).FirstOrDefault(f => string.Equals(Path.GetFileName(f), "define.xml", StringComparison.OrdinalIgnoreCase));
        var define = definePath is null ? null : DefineXmlReader.Read(definePath);
        var model = define is null ? options.Model : options.Model.Refine(define.ToDomainSchemas());
        var read = new DatasetReadOptions { Model = model, Define = define, Pool = new StringPool(), Encoding = options.Encoding };
        var tables = new List<DomainTable>();
        var text = new List<CoreDataset>();
        foreach (var file in files)
        {
            var format = DataFileFormats.FromPath(file) ?? throw new DataFormatException(file, "the file extension is not a dataset format", ".xpt, .json, .ndjson or .csv");
            if (format == DataFileFormat.Csv) text.Add(CoreCaseReader.ReadDataset(file, define));
            else tables.AddRange(StudyLoader.ReadFile(file, format, read));
        }
        var study = FromTables(tables, define, standard);
        return study with { Datasets = [.. study.Datasets.Concat(text).OrderBy(d => d.Name, StringComparer.Ordinal)], Define = define };
    }

    // Findings on values the metadata says cannot be: each names the dataset, the record as in the file and the value.
    private static CoreStudy Scan(CoreStudy study)
    {
        var findings = new List<CoreIssue>(study.LoadFindings);
        foreach (var d in study.Datasets)
        {
            // Numeric as the metadata declares it, or (a variable it does not type) as the SDTM model does.
            var numeric = d.Columns.Select((name, i) => (name, i)).Where(x =>
                    d.Variables.FirstOrDefault(v => string.Equals(v.Name, x.name, StringComparison.OrdinalIgnoreCase))?.Type is { } t
                        ? t.StartsWith("N", StringComparison.OrdinalIgnoreCase)
                        : DatasetReadOptions.Default.IsNumericVariable(d.Name, x.name))
                .Select(x => x.i).ToHashSet();
            int domain = d.IndexOf("DOMAIN");
            for (int r = 0; r < d.Rows.Count; r++)
            {
                var row = d.Rows[r];
                for (int c = 0; c < d.Columns.Count; c++)
                {
                    if (row[c] is not { } value) continue;
                    var name = d.Columns[c];
                    string? problem = null;
                    if (name.EndsWith("DTC", StringComparison.OrdinalIgnoreCase) && !CoreValues.ParseIso(value).Valid)
                        problem = $"{name} '{value}' is not an ISO 8601 date/time (expected such as 2014-03-17 or 2014-03-17T10:30)";
                    else if (numeric.Contains(c) && !CoreValues.TryNumber(value, out _))
                        problem = NotANumber(name, value);
                    else if (c == domain && !CoreClasses.IsSupplemental(d.Name) && !d.Name.StartsWith(value.Trim(), StringComparison.OrdinalIgnoreCase))
                        problem = $"DOMAIN '{value}' does not match dataset {d.Name}";
                    if (problem is not null) findings.Add(new CoreIssue(d.Name, r + 1, [new(name, value)], problem));
                }
            }
        }
        return study with { LoadFindings = [.. findings.OrderBy(f => f.Dataset, StringComparer.Ordinal).ThenBy(f => f.Record)] };
    }

    internal static string NotANumber(string variable, string value) => $"{variable} '{value}' is not a number (the variable is numeric)";

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
