using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Loading;

/// <summary>
/// What a study must hold before any rule reads it, because without it rules would give wrong answers with no
/// sign of trouble: the subjects come from DM (or ADSL for ADaM), one record per subject with a USUBJID; every
/// subject-level dataset (one whose model requires USUBJID: SDTMIG 3.4, refined by define.xml) has USUBJID on
/// every record and its topic variable (--TESTCD, --TERM, --TRT, ...). Without USUBJID a dataset's records belong
/// to nobody and every subject would read every record of the study. Trial-design datasets (TA, TE, TI, TS, TV)
/// and RELREC have no subjects and are exempt. Other variables SDTMIG requires are reported as notes when absent:
/// rules that read them see missing values, which are Unknown, never a silent answer.
/// </summary>
internal static class SubjectRequirements
{
    private static readonly HashSet<string> Identifiers = new(StringComparer.Ordinal) { "STUDYID", "DOMAIN", "USUBJID", "RDOMAIN", "POOLID", "SPDEVID" };

    /// <summary>Checks the datasets as read (before SUPP-- merging), adding notes for what is allowed but worth knowing.</summary>
    /// <exception cref="DataFormatException">A requirement is not met; the message names the file, record and variable.</exception>
    public static void Check(RawStudy raw, string path, StudyLoadOptions options, List<LoadNote> notes)
    {
        // Whether a USUBJID dictionary holds a blank value, by dictionary: the datasets listing DM's subjects in DM's order
        // share DM's dictionary (a million entries at a million subjects), looked at once rather than once a dataset.
        var hasBlank = new Dictionary<IReadOnlyList<string>, bool>(ReferenceEqualityComparer.Instance);
        foreach (var table in raw.Tables)
        {
            var source = raw.Sources.FirstOrDefault(s => string.Equals(s.Dataset, table.Name, StringComparison.OrdinalIgnoreCase));
            var file = source?.File ?? table.Name;
            var format = source?.Format ?? DataFileFormat.Json;
            var schema = SchemaOf(raw.Model, table);
            bool subjectLevel = schema is not null
                ? schema.FindVariable("USUBJID")?.Core == VariableCore.Required
                : table.GetColumn("USUBJID") is not null;
            if (!subjectLevel) continue;

            var ids = table.GetColumn("USUBJID") as TextColumn
                ?? throw new DataFormatException(file, $"{table.Name} has no USUBJID {(table.GetColumn("USUBJID") is null ? "column" : "text column")}: its records belong to no subject, so every subject would read all of them",
                    $"a USUBJID variable on every record of a subject-level dataset{RequiredList(schema, table.Name)}", record: HeaderRecord(format), variable: "USUBJID");
            if (!hasBlank.TryGetValue(ids.Dictionary, out bool anyBlank)) hasBlank[ids.Dictionary] = anyBlank = ids.Dictionary.Any(string.IsNullOrWhiteSpace);
            // The rows are read only when some are missing or some distinct value is blank.
            if (anyBlank || ids.CountMissing() > 0)
            {
                var blank = ids.Dictionary.Select(string.IsNullOrWhiteSpace).ToArray();
                for (int r = 0; r < table.RowCount; r++)
                    if (ids.CodeAt(r) is int code && (code < 0 || blank[code]))
                        throw new DataFormatException(file, $"USUBJID is empty in {table.Name}: the record belongs to no subject",
                            "a USUBJID on every record of a subject-level dataset", record: Record(format, r), variable: "USUBJID");
            }

            if (schema is null) continue;
            if (Topic(schema) is { } topic && table.GetColumn(topic.Name) is null)
                throw new DataFormatException(file, $"{table.Name} has no {topic.Name} column, the variable that says what each record is ({topic.Label})",
                    $"the key variables SDTMIG requires{RequiredList(schema, table.Name)}", record: HeaderRecord(format), variable: topic.Name);
            var absent = schema.Variables.Where(v => v.Core == VariableCore.Required && table.GetColumn(v.Name) is null).Select(v => v.Name).ToList();
            if (absent.Count > 0)
                notes.Add(new(table.Name, $"{table.Name} lacks {string.Join(", ", absent)}, which SDTMIG requires; rules that read {(absent.Count == 1 ? "it" : "them")} see missing values (Unknown)."));
            if (table.RowCount == 0 && !IsSubjectList(table.Name))
                notes.Add(new(table.Name, $"{table.Name} has no records: every subject reads as having none."));
        }
        CheckSubjects(raw, path, options, notes);
    }

    private static void CheckSubjects(RawStudy raw, string path, StudyLoadOptions options, List<LoadNote> notes)
    {
        var list = raw.Tables.FirstOrDefault(t => t.Name == "DM") ?? raw.Tables.FirstOrDefault(t => t.Name == "ADSL");
        if (list is null)
        {
            const string problem = "the study has no DM dataset, so it has no list of subjects";
            const string expected = "a DM dataset (dm.xpt, dm.json, dm.ndjson or dm.csv) with one record per subject, or ADSL for ADaM data";
            if (options.RequireSubjects) throw new DataFormatException(path, problem, expected);
            notes.Add(new(null, $"The study has no DM dataset: {problem}; screening and checks need one."));
            return;
        }
        var source = raw.Sources.FirstOrDefault(s => s.Dataset == list.Name);
        var file = source?.File ?? list.Name;
        var format = source?.Format ?? DataFileFormat.Json;
        if (list.RowCount == 0)
        {
            if (options.RequireSubjects)
                throw new DataFormatException(file, $"{list.Name} has no records, so the study has no subjects", $"one {list.Name} record per subject", record: HeaderRecord(format));
            notes.Add(new(list.Name, $"{list.Name} has no records: the study has no subjects."));
            return;
        }
        if (list.GetColumn("USUBJID") is not TextColumn ids) return; // reported above as a missing USUBJID
        // Every record has a USUBJID (checked above): as many distinct values as records means no subject is there twice.
        if (ids.Dictionary.Count != list.RowCount)
        {
            var firstRow = new Dictionary<string, int>(list.RowCount, StringComparer.Ordinal);
            for (int r = 0; r < list.RowCount; r++)
            {
                var id = ids.GetString(r)!;
                if (!firstRow.TryAdd(id, r))
                    throw new DataFormatException(file, $"USUBJID {id} is also on record {Record(format, firstRow[id])}: {list.Name} has one record per subject, and a second would be silently ignored",
                        $"unique USUBJID values in {list.Name}", record: Record(format, r), variable: "USUBJID");
            }
        }
        // The other datasets' subjects are found by walking DM's in order (a dataset grouped by subject lists them so),
        // not by hashing every distinct USUBJID of every dataset.
        var subjects = new SubjectDirectory(ids.Dictionary);

        // SUPP-- records that match no parent record are reported by the merge.
        foreach (var table in raw.Tables.Where(t => !t.Name.StartsWith("SUPP", StringComparison.Ordinal)))
        {
            if (ReferenceEquals(table, list) || table.GetColumn("USUBJID") is not TextColumn other) continue;
            // A dictionary that is DM's own list (a dataset holding every subject in DM's order) holds no other subject.
            if (other.Dictionary is string[] shared && subjects.IsSameList(shared)) continue;
            // Each distinct USUBJID is looked up once, not once per record.
            int cursor = 0;
            var unknown = new bool[other.Dictionary.Count];
            for (int c = 0; c < unknown.Length; c++) unknown[c] = subjects.Find(other.Dictionary[c], ref cursor) < 0;
            if (Array.IndexOf(unknown, true) < 0) continue;
            int orphans = 0, first = -1;
            var orphanSubjects = new HashSet<int>();
            for (int r = 0; r < table.RowCount; r++)
                if (other.CodeAt(r) is int code and >= 0 && unknown[code])
                {
                    orphans++;
                    orphanSubjects.Add(code);
                    if (first < 0) first = r;
                }
            if (orphans > 0)
            {
                var otherSource = raw.Sources.FirstOrDefault(s => s.Dataset == table.Name);
                notes.Add(new(table.Name, $"{table.Name}: {orphans:N0} record(s) of {orphanSubjects.Count:N0} subject(s) not in {list.Name} are not read " +
                    $"(first at record {Record(otherSource?.Format ?? DataFileFormat.Json, first)}: USUBJID {other.GetString(first)})."));
            }
        }
    }

    private static bool IsSubjectList(string name) => name is "DM" or "ADSL";

    // Split datasets (QSPH with DOMAIN = QS) follow their domain's schema.
    private static DomainSchema? SchemaOf(SdtmModel model, DomainTable table) =>
        model.FindDomain(table.Name) ?? (SplitDatasetMerger.SplitOf(table) is { } domain ? model.FindDomain(domain) : null);

    // The topic variable: the first required variable after the identifiers and the sequence number (AETERM, LBTESTCD, CMTRT, VISITNUM, QNAM).
    private static VariableSchema? Topic(DomainSchema schema) => schema.Structure == DomainStructure.OnePerSubject ? null
        : schema.Variables.FirstOrDefault(v => v.Core == VariableCore.Required && !Identifiers.Contains(v.Name) && !v.Name.EndsWith("SEQ", StringComparison.Ordinal));

    private static string RequiredList(DomainSchema? schema, string name)
    {
        var required = schema?.Variables.Where(v => v.Core == VariableCore.Required).Select(v => v.Name).ToList();
        return required is { Count: > 0 } ? $"; {name} requires {string.Join(", ", required)}" : "";
    }

    // Records as the loader numbers them: text formats count lines (the header or metadata line is line 1).
    private static long Record(DataFileFormat format, int row) => format is DataFileFormat.Csv or DataFileFormat.Ndjson ? row + 2 : row + 1;

    private static long? HeaderRecord(DataFileFormat format) => format is DataFileFormat.Csv or DataFileFormat.Ndjson ? 1 : null;
}
