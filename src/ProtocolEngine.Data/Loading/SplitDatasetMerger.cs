using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Loading;

/// <summary>
/// Joins split datasets (SDTMIG 3.4 section 4.1.7: QSPH and QSSL carry DOMAIN = QS) into their domain, so
/// rules that read QS see every questionnaire. Rows keep their file order; variables missing from one part
/// are missing in its rows.
/// </summary>
internal static class SplitDatasetMerger
{
    /// <summary>The domain a dataset's rows belong to when it is a split of another domain (QSPH to QS), or null.</summary>
    public static string? SplitOf(DomainTable table)
    {
        if (table.GetColumn("DOMAIN") is not TextColumn domain || table.RowCount == 0) return null;
        var value = domain.GetString(0);
        if (string.IsNullOrEmpty(value) || string.Equals(value, table.Name, StringComparison.OrdinalIgnoreCase)) return null;
        // Only a dataset named after its domain plus a suffix is a split; RELREC-like datasets are not.
        return table.Name.StartsWith(value, StringComparison.OrdinalIgnoreCase) && value.Length >= 2 ? value.ToUpperInvariant() : null;
    }

    /// <summary>Concatenates the rows of several tables of one domain into one table of that name.</summary>
    public static DomainTable Concatenate(string domain, IReadOnlyList<DomainTable> parts)
    {
        var names = parts.SelectMany(p => p.Columns.Select(c => c.Name)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var columns = new List<Column>(names.Count);
        foreach (var name in names)
        {
            var sample = parts.Select(p => p.GetColumn(name)).First(c => c is not null)!;
            if (sample is NumberColumn)
            {
                var builder = new NumberColumnBuilder();
                foreach (var part in parts)
                {
                    var column = part.GetColumn(name);
                    for (int r = 0; r < part.RowCount; r++)
                    {
                        switch (column)
                        {
                            case NumberColumn n when n.GetDouble(r) is double d:
                                builder.Add(d);
                                break;
                            case NumberColumn n:
                                builder.AddMissing(n.MissingKindAt(r));
                                break;
                            case TextColumn t when double.TryParse(t.GetString(r), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed):
                                builder.Add(parsed);
                                break;
                            default:
                                builder.AddMissing();
                                break;
                        }
                    }
                }
                columns.Add(builder.Build(sample.Name, sample.Metadata));
            }
            else
            {
                var builder = new TextColumnBuilder();
                foreach (var part in parts)
                {
                    var column = part.GetColumn(name);
                    for (int r = 0; r < part.RowCount; r++)
                    {
                        var text = column switch
                        {
                            TextColumn t => t.GetString(r),
                            NumberColumn n => n.GetDouble(r)?.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                            _ => null,
                        };
                        if (text is null) builder.AddMissing();
                        else builder.Add(text);
                    }
                }
                columns.Add(builder.Build(sample.Name, sample.Metadata, sample.Kind == ColumnKind.DateTime));
            }
        }
        return new DomainTable(domain, parts[0].Label, columns, null);
    }
}
