using System.Globalization;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>
/// The record an event carried, as a one-row dataset: when a system reports a record (an adverse event posted to the
/// server) before it is in the loaded study data, the rules read the values the event gave, typed by the data model
/// (numbers for Num and Integer variables, ISO dates for --DTC), and the rest of the subject's data as loaded.
/// </summary>
internal static class RecordFromValues
{
    /// <summary>The record, or null when the values name no variable of the domain.</summary>
    public static DomainRecord? Build(string domain, string subjectId, string recordId, IReadOnlyDictionary<string, string> values, IDataModel? model)
    {
        var schema = model?.FindDomain(domain);
        var names = values.Keys.Where(k => IsVariable(k, domain, schema)).ToList();
        if (names.Count == 0) return null;
        var row = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var n in names) row[n] = values[n];
        row.TryAdd("USUBJID", subjectId);
        row.TryAdd("DOMAIN", domain);
        row.TryAdd(domain + "SEQ", recordId);
        var columns = new List<Column>();
        foreach (var (name, value) in row.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var v = schema?.FindVariable(name);
            if (v?.Type is VariableType.Num or VariableType.Integer)
            {
                var nb = new NumberColumnBuilder();
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) nb.Add(d);
                else nb.AddMissing();
                columns.Add(nb.Build(name, new ColumnMetadata(v.Label)));
            }
            else
            {
                var tb = new TextColumnBuilder();
                tb.Add(value.Length == 0 ? null : value);
                bool date = v?.Type == VariableType.DateTime || (v is null && name.EndsWith("DTC", StringComparison.Ordinal));
                columns.Add(tb.Build(name, new ColumnMetadata(v?.Label), date));
            }
        }
        return new DomainTable(domain, schema?.Label, columns, null).Record(0);
    }

    // A value belongs to the record when the model knows it as a variable of the domain, or (without a model) when it
    // is written like one: upper case, prefixed with the domain. Instance values such as awarenessAt are not.
    private static bool IsVariable(string name, string domain, DomainSchema? schema) =>
        schema is not null ? schema.FindVariable(name) is not null
            : name.Length > domain.Length && name.StartsWith(domain, StringComparison.Ordinal) && name.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));
}
