using System.Globalization;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Checks.Execution;

/// <summary>
/// A key that names a record in terms of its data rather than its row (rows move when data are reloaded):
/// the sequence number where the dataset has one, otherwise the natural key of the trial-design and visit
/// datasets, otherwise the row.
/// </summary>
internal static class RecordKeys
{
    private static readonly string[][] NaturalKeys =
    [
        ["TSPARMCD", "TSSEQ"],
        ["ARMCD", "TAETORD"],
        ["IETESTCD"],
        ["VISITNUM", "ARMCD"],
        ["VISITNUM"],
        ["ETCD"],
        ["QNAM", "IDVAR", "IDVARVAL"],
    ];

    public static string Of(DomainRecord record)
    {
        var table = record.Table;
        if (table.GetColumn(table.Name + "SEQ") is { } seq && !seq.IsMissing(record.Row))
            return table.Name + "SEQ=" + Text(seq.GetObject(record.Row));
        foreach (var key in NaturalKeys)
        {
            if (!key.All(k => table.GetColumn(k) is not null)) continue;
            var parts = key.Select(k => table.GetColumn(k)!).Where(c => !c.IsMissing(record.Row)).Select(c => c.Name + "=" + Text(c.GetObject(record.Row))).ToList();
            if (parts.Count > 0) return string.Join(" ", parts);
        }
        return "row " + (record.Row + 1).ToString(CultureInfo.InvariantCulture);
    }

    private static string Text(object? value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
