using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Screening.Reports;
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
                    var key = seq.GetObject(row) is { } s ? ValueText.Of(s) : null;
                    var value = date.GetObject(row) is { } d ? ValueText.Of(d) : null;
                    if (key is not null && value is not null) dates[key] = value;
                }
                if (dates.Count > 0) domains[table.Name] = dates;
            }
        }
        return new { subject = subjectId, dates = domains };
    }
}
