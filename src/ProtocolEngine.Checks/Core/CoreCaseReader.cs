using System.Globalization;
using nietras.SeparatedValues;

namespace ProtocolEngine.Checks.Core;

/// <summary>
/// Reads a study in CORE's test-case layout: one CSV per dataset, <c>_datasets.csv</c> (file names and labels) and
/// <c>_variables.csv</c> (variable labels, types and lengths) as metadata, not datasets, and <c>.env</c> naming the
/// standard. Values are kept as written; a ragged row is padded or cut and noted rather than refused.
/// </summary>
public static class CoreCaseReader
{
    /// <summary>Reads a data folder.</summary>
    /// <exception cref="CoreRuleFormatException">A file cannot be read as CSV.</exception>
    public static CoreStudy Read(string folder)
    {
        var labels = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        var datasetsFile = Path.Combine(folder, "_datasets.csv");
        if (File.Exists(datasetsFile))
        {
            var (cols, rows) = ReadCsv(datasetsFile);
            int f = IndexOf(cols, "Filename"), l = IndexOf(cols, "Label");
            foreach (var r in rows)
                if (f >= 0 && r[f] is { } file)
                {
                    var name = Path.GetFileNameWithoutExtension(file).ToUpperInvariant();
                    order.Add(name);
                    if (l >= 0 && r[l] is { } label) labels[name] = label;
                }
        }
        var variables = new Dictionary<string, List<CoreVariable>>(StringComparer.OrdinalIgnoreCase);
        var variablesFile = Path.Combine(folder, "_variables.csv");
        if (File.Exists(variablesFile))
        {
            var (cols, rows) = ReadCsv(variablesFile);
            int d = IndexOf(cols, "dataset"), v = IndexOf(cols, "variable"), l = IndexOf(cols, "label"), t = IndexOf(cols, "type"), n = IndexOf(cols, "length");
            foreach (var r in rows)
            {
                if (d < 0 || v < 0 || r[d] is not { } ds || r[v] is not { } name) continue;
                var key = Path.GetFileNameWithoutExtension(ds).ToUpperInvariant();
                if (!variables.TryGetValue(key, out var list)) variables[key] = list = [];
                list.Add(new CoreVariable(name, l >= 0 ? r[l] : null, t >= 0 ? r[t] : null,
                    n >= 0 && int.TryParse(r[n], NumberStyles.Integer, CultureInfo.InvariantCulture, out var len) ? len : null));
            }
        }
        string? standard = null, version = null;
        var env = Path.Combine(folder, ".env");
        if (File.Exists(env))
            foreach (var line in File.ReadLines(env))
            {
                var eq = line.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) continue;
                var (k, val) = (line[..eq].Trim(), line[(eq + 1)..].Trim());
                if (k == "PRODUCT") standard = val;
                else if (k == "VERSION") version = val;
            }

        var datasets = new List<CoreDataset>();
        var findings = new List<CoreIssue>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.csv").Order(StringComparer.Ordinal))
        {
            var fileName = Path.GetFileName(file);
            if (fileName.StartsWith('_')) continue;
            var name = Path.GetFileNameWithoutExtension(file).ToUpperInvariant();
            // _datasets.csv is the study's list of datasets (as define.xml would be): a file it does not name is
            // not part of the study, as CORE reads a case.
            if (order.Count > 0 && !order.Contains(name)) continue;
            var (cols, rows) = ReadCsv(file);
            int domainAt = IndexOf(cols, "DOMAIN");
            var domain = CoreClasses.IsSupplemental(name) ? name
                : domainAt >= 0 && rows.Select(r => r[domainAt]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) is { } dv ? dv.Trim().ToUpperInvariant() : name;
            var declared = variables.GetValueOrDefault(name) ?? [];
            // A variable declared Num holds numbers: CORE reads the case with these types, so a value that is not a
            // number (<5 in --STRESN) is missing to its rules.
            // It is also a finding on its record (CoreStudy.LoadFindings).
            foreach (var numeric in declared.Where(v => string.Equals(v.Type, "Num", StringComparison.OrdinalIgnoreCase)))
            {
                int at = IndexOf(cols, numeric.Name);
                if (at < 0) continue;
                for (int r = 0; r < rows.Count; r++)
                    if (rows[r][at] is { } text && !CoreValues.TryNumber(text, out _))
                    {
                        findings.Add(new CoreIssue(name, r + 1, [new(cols[at], text)], CoreStudy.NotANumber(cols[at], text)));
                        rows[r][at] = null;
                    }
            }
            datasets.Add(new CoreDataset(name, domain, labels.GetValueOrDefault(name), cols, rows, declared));
        }
        datasets.Sort((a, b) => Rank(a.Name).CompareTo(Rank(b.Name)));
        return new CoreStudy(datasets, standard, version) { LoadFindings = findings };

        int Rank(string name) { var i = order.IndexOf(name); return i < 0 ? int.MaxValue : i; }
    }

    /// <summary>Reads one CSV dataset as text, with its variables' metadata from define.xml when there is one.</summary>
    /// <exception cref="CoreRuleFormatException">The file cannot be read as CSV.</exception>
    internal static CoreDataset ReadDataset(string file, ProtocolEngine.Data.Define.DefineDocument? define)
    {
        var name = Path.GetFileNameWithoutExtension(file).ToUpperInvariant();
        var (cols, rows) = ReadCsv(file);
        var described = define?.FindDataset(name);
        var variables = cols.Select(c => described?.FindVariable(c) is { } v
            ? new CoreVariable(c, v.Label, v.DataType is "integer" or "float" ? "Num" : "Char", v.Length)
            : new CoreVariable(c, null, null, null)).ToList();
        int domainAt = IndexOf(cols, "DOMAIN");
        var domain = CoreClasses.IsSupplemental(name) ? name
            : domainAt >= 0 && rows.Select(r => r[domainAt]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) is { } dv ? dv.Trim().ToUpperInvariant() : name;
        return new CoreDataset(name, domain, described?.Label, cols, rows, variables);
    }

    /// <summary>Reads a CSV file as text: the header and each row's values, missing where empty.</summary>
    /// <exception cref="CoreRuleFormatException">The file cannot be read.</exception>
    public static (string[] Columns, List<string?[]> Rows) ReadCsv(string path)
    {
        try
        {
            using var reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true, HasHeader = false }).FromFile(path);
            string[]? header = null;
            var rows = new List<string?[]>();
            foreach (var row in reader)
            {
                if (header is null)
                {
                    header = new string[row.ColCount];
                    for (int c = 0; c < row.ColCount; c++) header[c] = row[c].ToString().Trim().TrimStart('\uFEFF');
                    continue;
                }
                if (row.ColCount == 1 && row[0].Span.Trim().IsEmpty) continue;
                var values = new string?[header.Length];
                for (int c = 0; c < header.Length && c < row.ColCount; c++)
                {
                    var v = row[c].ToString();
                    values[c] = v.Length == 0 ? null : v;
                }
                rows.Add(values);
            }
            return (header ?? [], rows);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new CoreRuleFormatException(path, e.Message);
        }
    }

    private static int IndexOf(string[] columns, string name) => Array.FindIndex(columns, c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
}
