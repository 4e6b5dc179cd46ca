using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Server.Studies;

namespace ProtocolEngine.Server.Workbench;

/// <summary>
/// The date of each of a subject's records, by domain and sequence (its --DTC, else --STDTC): the subject page shows it
/// beside every value a criterion read, since evidence names a record by domain and sequence.
/// </summary>
internal static class SubjectRecordDates
{
    public static object Of(StudyRuntime study, string subjectId)
    {
        var data = study.Data.Data;
        int index = data.IndexOfSubject(subjectId);
        var domains = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        if (index >= 0)
        {
            foreach (var table in data.Domains)
            {
                if (!table.IsSubjectIndexed || table.GetColumn(table.Name + "SEQ") is not { } seq) continue;
                var date = table.GetColumn(table.Name + "DTC") ?? table.GetColumn(table.Name + "STDTC");
                if (date is null) continue;
                var (start, count) = table.RowsOf(index);
                var dates = new SortedDictionary<string, string>(StringComparer.Ordinal);
                for (int row = start; row < start + count; row++)
                {
                    // Keys as the screening's evidence writes a sequence (a JSON number: 3, not 3.0); SDTM dates are ISO 8601 text.
                    var key = seq.GetObject(row) is IFormattable s ? s.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : null;
                    var value = date.GetObject(row)?.ToString();
                    if (key is not null && value is not null) dates[key] = value;
                }
                if (dates.Count > 0) domains[table.Name] = dates;
            }
        }
        return new { subject = subjectId, dates = domains };
    }
}
