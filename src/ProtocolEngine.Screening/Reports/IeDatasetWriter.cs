using System.Globalization;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;

namespace ProtocolEngine.Screening.Reports;

/// <summary>
/// Turns a screening back into SDTM: the IE domain (Inclusion/Exclusion Criteria Not Met) with one record per
/// criterion the rules found not met, after the study's own IE records, so the results flow back into the study.
/// IESPID (the sponsor-defined identifier) of each new record is the rule hash of the criterion that decided, the same
/// string the screening reports, <c>explain</c> and the workflow journal print.
/// </summary>
public static class IeDatasetWriter
{
    private static readonly string[] Columns = ["STUDYID", "DOMAIN", "USUBJID", "IESEQ", "IESPID", "IETESTCD", "IETEST", "IECAT", "IEORRES", "IESTRESC", "IEDTC"];

    /// <summary>The IE dataset: the study's IE records followed by one record per criterion the rules decided not met (IEDTC is the as-of date).</summary>
    public static DomainTable Build(ScreeningResult result)
    {
        var existing = result.Study.GetDomain("IE");
        var builders = Columns.ToDictionary(c => c, _ => (object)new TextColumnBuilder());
        builders["IESEQ"] = new NumberColumnBuilder();
        var lastSequence = new Dictionary<string, double>(StringComparer.Ordinal);
        if (existing is not null)
        {
            for (int row = 0; row < existing.RowCount; row++)
            {
                foreach (var column in Columns)
                {
                    var value = existing.GetColumn(column)?.GetObject(row);
                    Add(builders[column], column, value switch
                    {
                        null => null,
                        double d when column == "IESEQ" => d,
                        _ => ValueText.Of(value),
                    });
                }
                var subject = (existing.GetColumn("USUBJID") as TextColumn)?.GetString(row);
                if (subject is not null && existing.GetColumn("IESEQ") is NumberColumn seq && seq.GetDouble(row) is double s)
                    lastSequence[subject] = Math.Max(s, lastSequence.GetValueOrDefault(subject));
            }
        }

        var dm = result.Study.GetDomain("DM");
        var studyIds = dm?.GetColumn("STUDYID") as TextColumn;
        string date = result.AsOf.ToIsoString()[..Math.Min(10, result.AsOf.ToIsoString().Length)];
        for (int i = 0; i < result.SubjectCount; i++)
        {
            if (result.Status(i) == EligibilityStatus.Eligible) continue;
            var subject = result.SubjectId(i);
            string? studyId = dm is not null && studyIds is not null && dm.RowsOf(result.StudyIndex(i)) is { Count: > 0 } rows ? studyIds.GetString(rows.Start) : null;
            for (int j = 0; j < result.Criteria.Count; j++)
            {
                var criterion = result.Criteria[j];
                // Only what the engine decided from data: recorded determinations are already in IE.
                if (result.Cause(i, j) != OutcomeCause.Rule || !EligibilityEvaluator.IsFailing(criterion.Kind, result.Outcome(i, j))) continue;
                double seq = lastSequence.GetValueOrDefault(subject) + 1;
                lastSequence[subject] = seq;
                string res = criterion.Kind == CriterionKind.Inclusion ? "N" : "Y";
                Add(builders["STUDYID"], "STUDYID", studyId ?? result.Protocol.Name);
                Add(builders["DOMAIN"], "DOMAIN", "IE");
                Add(builders["USUBJID"], "USUBJID", subject);
                Add(builders["IESEQ"], "IESEQ", seq);
                Add(builders["IESPID"], "IESPID", criterion.Hash);
                Add(builders["IETESTCD"], "IETESTCD", criterion.Id.Length <= 8 ? criterion.Id : criterion.Id[..8]);
                Add(builders["IETEST"], "IETEST", criterion.Title.Length <= 200 ? criterion.Title : criterion.Title[..200]);
                Add(builders["IECAT"], "IECAT", criterion.Kind == CriterionKind.Inclusion ? "INCLUSION" : "EXCLUSION");
                Add(builders["IEORRES"], "IEORRES", res);
                Add(builders["IESTRESC"], "IESTRESC", res);
                Add(builders["IEDTC"], "IEDTC", date);
            }
        }

        var columns = Columns.Select(c => builders[c] switch
        {
            NumberColumnBuilder n => (Column)n.Build(c, new ColumnMetadata(Label: Labels[c])),
            TextColumnBuilder t => t.Build(c, new ColumnMetadata(Label: Labels[c]), isDateTime: c == "IEDTC"),
            _ => throw new InvalidOperationException(),
        }).ToList();
        return new DomainTable("IE", "Inclusion/Exclusion Criteria Not Met", columns, null);
    }

    /// <summary>
    /// Writes the IE dataset into <paramref name="folder"/> as ie.xpt, ie.json, ie.ndjson or ie.csv, whole or not at
    /// all; refuses to overwrite the study's own IE file.
    /// </summary>
    /// <returns>The file written and how many records it holds.</returns>
    /// <exception cref="IOException">The target is the study's own IE file.</exception>
    public static (string Path, int Records, int Added) Write(ScreeningResult result, string folder, DataFileFormat format)
    {
        if (format == DataFileFormat.Fhir) format = DataFileFormat.Json;
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "ie" + DataFileFormats.Extension(format));
        var source = result.Study.Source is { } s ? Path.GetFullPath(s) : null;
        if (source is not null && File.Exists(path) && string.Equals(Path.GetFullPath(folder).TrimEnd('/'), source.TrimEnd('/'), StringComparison.Ordinal))
            throw new IOException($"{path} is the study's own IE dataset; write the new IE records to another folder.");
        var table = Build(result);
        int existing = result.Study.GetDomain("IE")?.RowCount ?? 0;
        DatasetWriter.Write(table, path, format);
        return (path, table.RowCount, table.RowCount - existing);
    }

    private static void Add(object builder, string column, object? value)
    {
        switch (builder)
        {
            case NumberColumnBuilder n when value is double d: n.Add(d); break;
            case NumberColumnBuilder n: n.AddMissing(); break;
            case TextColumnBuilder t when value is string s: t.Add(s); break;
            case TextColumnBuilder t: t.AddMissing(); break;
        }
    }

    private static readonly Dictionary<string, string> Labels = new()
    {
        ["STUDYID"] = "Study Identifier",
        ["DOMAIN"] = "Domain Abbreviation",
        ["USUBJID"] = "Unique Subject Identifier",
        ["IESEQ"] = "Sequence Number",
        ["IESPID"] = "Sponsor-Defined Identifier",
        ["IETESTCD"] = "Inclusion/Exclusion Criterion Short Name",
        ["IETEST"] = "Inclusion/Exclusion Criterion",
        ["IECAT"] = "Inclusion/Exclusion Category",
        ["IEORRES"] = "I/E Criterion Original Result",
        ["IESTRESC"] = "I/E Criterion Result in Std Format",
        ["IEDTC"] = "Date/Time of Collection",
    };
}
