using System.Globalization;
using System.Text;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Checks.Tests.Infrastructure;

/// <summary>
/// Builds a small study from records written one per line: <c>AE USUBJID=S1 AESEQ=1 AEOUT="RECOVERED/RESOLVED"</c>.
/// Variables SDTMIG types as numeric become numbers, --DTC variables ISO 8601 dates, others text; a variable a
/// record does not name, or names with an empty value (<c>AESER=</c>), is null.
/// </summary>
public static class RecordText
{
    public static StudyData Study(IEnumerable<string> lines)
    {
        var tables = new Dictionary<string, List<Dictionary<string, string>>>(StringComparer.Ordinal);
        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            var tokens = Tokens(line);
            var dataset = tokens[0];
            var record = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var token in tokens.Skip(1))
            {
                int eq = token.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new FormatException($"Expected VARIABLE=value, found '{token}' in: {line}");
                // An empty value is missing, as in SAS and in the data readers.
                if (eq < token.Length - 1) record[token[..eq]] = token[(eq + 1)..];
            }
            if (!tables.TryGetValue(dataset, out var rows)) tables[dataset] = rows = [];
            rows.Add(record);
        }
        return Study(tables, strictNumbers: true);
    }

    public static StudyData Study(string text) => Study(text.Split('\n'));

    /// <summary>
    /// A study of datasets given as records (variable to value, a variable absent or empty is null), typed as SDTMIG
    /// types them. With <paramref name="strictNumbers"/> off a value of a numeric variable that is not a number is
    /// null, as CORE reads its test cases; on, it is a mistake in the test's own text.
    /// </summary>
    public static StudyData Study(IEnumerable<KeyValuePair<string, List<Dictionary<string, string>>>> datasets, bool strictNumbers)
    {
        var builder = new StudyDataBuilder { Source = "test" };
        foreach (var (name, rows) in datasets) builder.Add(Table(name, rows, strictNumbers));
        return builder.Build();
    }

    private static DomainTable Table(string name, List<Dictionary<string, string>> rows, bool strictNumbers)
    {
        var schema = SdtmModel.Sdtmig34.FindDomain(name);
        var variables = rows.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal).ToList();
        var columns = new List<Column>();
        foreach (var variable in variables)
        {
            var values = rows.Select(r => r.GetValueOrDefault(variable)).ToList();
            var type = schema?.FindVariable(variable)?.Type;
            if (type is VariableType.Num or VariableType.Integer)
            {
                columns.Add(new NumberColumn(variable, (string?)null,
                    values.Select(v => v is null ? double.NaN
                        : strictNumbers ? double.Parse(v, CultureInfo.InvariantCulture)
                        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN).ToArray()));
            }
            else
            {
                var dictionary = values.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
                var codes = values.Select(v => v is null ? -1 : Array.IndexOf(dictionary, v)).ToArray();
                columns.Add(new TextColumn(variable, null, codes, dictionary, isDateTime: type == VariableType.DateTime || variable.EndsWith("DTC", StringComparison.Ordinal)));
            }
        }
        return new DomainTable(name, schema?.Label, columns, null);
    }

    private static List<string> Tokens(string line)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        foreach (var ch in line)
        {
            if (ch == '"') { quoted = !quoted; continue; }
            if (char.IsWhiteSpace(ch) && !quoted)
            {
                if (current.Length > 0) tokens.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(ch);
        }
        if (quoted) throw new FormatException($"Unclosed quote in: {line}");
        if (current.Length > 0) tokens.Add(current.ToString());
        return tokens;
    }
}
