using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Inspection;

/// <summary>Summarises a loaded study for `protocol data inspect`.</summary>
public static class StudyInspector
{
    /// <summary>Builds the report of a loaded study.</summary>
    public static StudyReport Inspect(LoadedStudy study)
    {
        var data = study.Data;
        var datasets = new List<DatasetReport>();
        foreach (var table in data.Domains)
        {
            var source = study.Sources.FirstOrDefault(s => string.Equals(s.Dataset, table.Name, StringComparison.OrdinalIgnoreCase));
            int subjects = 0;
            if (table.IsSubjectIndexed)
                for (int s = 0; s < data.SubjectCount; s++)
                    if (table.RowsOf(s).Count > 0) subjects++;
            var variables = table.Columns.Select(c => new VariableReport(c.Name, c.Label,
                c.Kind switch { ColumnKind.Number => "number", ColumnKind.DateTime => "datetime", _ => "text" },
                c.CountMissing(), Distinct(c))).ToList();
            datasets.Add(new DatasetReport(table.Name, table.Label, source?.File, source?.Format.ToString().ToLowerInvariant(),
                table.RowCount, subjects, variables.Sum(v => (long)v.Missing), variables, table.MemoryBytes));
        }
        return new StudyReport(data.Source ?? "", data.SubjectCount, datasets, study.Notes, datasets.Sum(d => d.MemoryBytes));
    }

    private static int Distinct(Column column)
    {
        if (column is TextColumn text)
        {
            var used = new bool[text.Dictionary.Count];
            int n = 0;
            for (int r = 0; r < text.Count; r++)
            {
                int code = text.CodeAt(r);
                if (code >= 0 && !used[code]) { used[code] = true; n++; }
            }
            return n;
        }
        var set = new HashSet<double>();
        var numbers = (NumberColumn)column;
        for (int r = 0; r < numbers.Count; r++)
            if (numbers.GetDouble(r) is double d) set.Add(d);
        return set.Count;
    }
}
