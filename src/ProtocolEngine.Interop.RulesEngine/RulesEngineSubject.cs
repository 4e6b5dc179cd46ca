using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Sql.Loading;

namespace ProtocolEngine.Interop.RulesEngine;

/// <summary>
/// One subject as the workflow's rules read it (the parameter <c>s</c>): the DM record and the records of every other
/// domain the rules read, each record a dictionary from variable name to value. Values are as the native engine reads them:
/// a number a <see cref="decimal"/>, text a <see cref="string"/>, a date its ISO 8601 text, a missing value null (every
/// variable the rules read is a key of every record, null when the data lack it).
/// </summary>
public sealed class RulesEngineSubject
{
    /// <summary>The subject's id.</summary>
    public required string USUBJID { get; init; }

    /// <summary>True when the subject has a DM record.</summary>
    public required bool HasDM { get; init; }

    /// <summary>The DM variables the rules read (all null when the subject has no DM record).</summary>
    public required Dictionary<string, object?> DM { get; init; }

    /// <summary>Per domain the rules read, the subject's records in the study's order (empty when it has none or the study lacks the domain).</summary>
    public required Dictionary<string, List<Dictionary<string, object?>>> Domains { get; init; }

    /// <summary>
    /// Every subject of a study as the input of <paramref name="workflow"/>: the variables it reads, converted as the
    /// native backend converts them when a rule reads them (the SQL backend's tables, <c>StudyTables</c>).
    /// </summary>
    public static IReadOnlyList<RulesEngineSubject> FromStudy(StudyData study, RulesEngineWorkflow workflow)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(workflow);
        var tables = StudyTables.Of(study, workflow.Protocol.DataModel ?? SdtmModel.Sdtmig34).ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        var subjects = new RulesEngineSubject[study.SubjectCount];
        var dmReads = workflow.Reads.TryGetValue("DM", out var d) ? d : [];
        var dmDomain = study.GetDomain("DM");
        tables.TryGetValue("DM", out var dmTable);
        var others = workflow.Reads.Where(p => p.Key != "DM").ToList();
        for (int i = 0; i < subjects.Length; i++)
        {
            int? dmRow = dmDomain is { IsSubjectIndexed: true } && dmDomain.RowsOf(i) is { Count: > 0 } r ? r.Start : null;
            var domains = new Dictionary<string, List<Dictionary<string, object?>>>(StringComparer.Ordinal);
            foreach (var (name, variables) in others)
            {
                var list = new List<Dictionary<string, object?>>();
                if (study.GetDomain(name) is { IsSubjectIndexed: true } domain && tables.TryGetValue(name, out var table))
                {
                    var (start, count) = domain.RowsOf(i);
                    for (int row = start; row < start + count; row++) list.Add(Record(table, variables, row));
                }
                domains[name] = list;
            }
            subjects[i] = new RulesEngineSubject
            {
                USUBJID = study.SubjectIds[i],
                HasDM = dmRow is not null,
                DM = Record(dmRow is null ? null : dmTable, dmReads, dmRow ?? 0),
                Domains = domains,
            };
        }
        return subjects;
    }

    private static Dictionary<string, object?> Record(LoadTable? table, IReadOnlyList<string> variables, int row)
    {
        var record = new Dictionary<string, object?>(variables.Count, StringComparer.Ordinal);
        foreach (var v in variables)
        {
            var column = table?.Columns.FirstOrDefault(c => string.Equals(c.Name, v, StringComparison.OrdinalIgnoreCase));
            // Whole-number variables are read as numbers too: every number in the rules is a decimal.
            record[v] = column?.Value(row) switch
            {
                long l => (decimal)l,
                var value => value,
            };
        }
        return record;
    }
}
