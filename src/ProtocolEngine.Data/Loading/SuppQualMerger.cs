using System.Globalization;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Loading;

/// <summary>
/// Merges a SUPP-- dataset onto its parent: each distinct QNAM becomes a character variable of the parent
/// (labelled with QLABEL), and each SUPP record puts its QVAL on the parent record that USUBJID + IDVAR/IDVARVAL
/// identify (USUBJID alone when IDVAR is blank, as for SUPPDM). Existing parent variables are never
/// overwritten; records that match no parent record are counted and reported.
/// </summary>
internal static class SuppQualMerger
{
    public static DomainTable Merge(DomainTable parent, DomainTable supp, string suppFile, List<LoadNote> notes, List<VariableSchema> added)
    {
        var usubjid = supp.GetColumn("USUBJID") as TextColumn;
        var idvar = supp.GetColumn("IDVAR") as TextColumn;
        var idvarval = supp.GetColumn("IDVARVAL") as TextColumn;
        var qnam = supp.GetColumn("QNAM") as TextColumn;
        var qlabel = supp.GetColumn("QLABEL") as TextColumn;
        var qval = supp.GetColumn("QVAL") as TextColumn;
        if (usubjid is null || qnam is null || qval is null)
            throw new DataFormatException(suppFile, $"{supp.Name} lacks USUBJID, QNAM or QVAL", "a SUPPQUAL structure (STUDYID, RDOMAIN, USUBJID, IDVAR, IDVARVAL, QNAM, QLABEL, QVAL, ...)");
        if (parent.GetColumn("USUBJID") is not TextColumn parentIds)
        {
            notes.Add(new(supp.Name, $"{supp.Name} was not merged: {parent.Name} has no USUBJID."));
            return parent;
        }

        // Parent rows by subject, then lookups by identifying variable built on demand.
        var rowsBySubject = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int r = 0; r < parent.RowCount; r++)
            if (parentIds.GetString(r) is { } id)
            {
                if (!rowsBySubject.TryGetValue(id, out var list)) rowsBySubject[id] = list = [];
                list.Add(r);
            }
        var lookups = new Dictionary<string, Dictionary<(string, string), int>?>(StringComparer.OrdinalIgnoreCase);

        var newColumns = new Dictionary<string, (string?[] Values, string? Label)>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        int unmatched = 0, conflicts = 0, skippedExisting = 0;
        var skippedNames = new SortedSet<string>(StringComparer.Ordinal);
        for (int s = 0; s < supp.RowCount; s++)
        {
            var name = qnam.GetString(s)?.Trim().ToUpperInvariant();
            if (string.IsNullOrEmpty(name)) continue;
            if (parent.GetColumn(name) is not null)
            {
                skippedExisting++;
                skippedNames.Add(name);
                continue;
            }
            if (!newColumns.TryGetValue(name, out var column))
            {
                column = (new string?[parent.RowCount], qlabel?.GetString(s));
                newColumns[name] = column;
                order.Add(name);
            }
            int row = FindParentRow(parent, rowsBySubject, lookups, usubjid.GetString(s), idvar?.GetString(s), idvarval?.GetString(s));
            if (row < 0)
            {
                unmatched++;
                continue;
            }
            var value = qval.GetString(s);
            if (column.Values[row] is { } existing && existing != value) conflicts++;
            else column.Values[row] = value;
        }

        var columns = parent.Columns.ToList();
        foreach (var name in order)
        {
            var (values, label) = newColumns[name];
            var builder = new TextColumnBuilder();
            foreach (var v in values) builder.Add(v);
            bool isDate = name.EndsWith("DTC", StringComparison.Ordinal);
            columns.Add(builder.Build(name, new ColumnMetadata(label), isDate));
            added.Add(new VariableSchema(name, label ?? name, isDate ? VariableType.DateTime : VariableType.Char, VariableCore.Permissible));
        }
        var message = $"{supp.Name} merged into {parent.Name}: {order.Count} variable(s) added ({string.Join(", ", order)}).";
        if (unmatched > 0) message += $" {unmatched} record(s) matched no {parent.Name} record and were not merged.";
        if (conflicts > 0) message += $" {conflicts} record(s) gave a second, different value for the same record and variable; the first was kept.";
        if (skippedExisting > 0) message += $" {skippedExisting} record(s) name variables {parent.Name} already has ({string.Join(", ", skippedNames)}); those were not merged.";
        notes.Add(new(parent.Name, message));
        return parent.WithColumns(columns);
    }

    private static int FindParentRow(DomainTable parent, Dictionary<string, List<int>> rowsBySubject,
        Dictionary<string, Dictionary<(string, string), int>?> lookups, string? subject, string? idvar, string? idvarval)
    {
        if (subject is null || !rowsBySubject.TryGetValue(subject, out var rows)) return -1;
        if (string.IsNullOrWhiteSpace(idvar))
            return rows.Count == 1 ? rows[0] : -1;
        if (!lookups.TryGetValue(idvar, out var lookup))
        {
            lookup = null;
            if (parent.GetColumn(idvar.Trim()) is { } column)
            {
                lookup = [];
                for (int r = 0; r < parent.RowCount; r++)
                    if (parentSubject(r) is { } sub && Key(column, r) is { } key) lookup.TryAdd((sub, key), r);
            }
            lookups[idvar] = lookup;
        }
        if (lookup is null || idvarval is null) return -1;
        var wanted = double.TryParse(idvarval, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && parent.GetColumn(idvar.Trim()) is NumberColumn
            ? d.ToString("R", CultureInfo.InvariantCulture)
            : idvarval.Trim();
        return lookup.TryGetValue((subject, wanted), out int row) ? row : -1;

        string? parentSubject(int r) => (parent.GetColumn("USUBJID") as TextColumn)!.GetString(r);
    }

    private static string? Key(Column column, int row) => column switch
    {
        NumberColumn n => n.GetDouble(row)?.ToString("R", CultureInfo.InvariantCulture),
        TextColumn t => t.GetString(row)?.Trim(),
        _ => null,
    };
}
