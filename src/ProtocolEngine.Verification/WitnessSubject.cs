using System.Globalization;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Verification;

/// <summary>One record of a witness subject: its domain and the values the protocol's rules read (null: missing).</summary>
/// <param name="Domain">The domain, for example LB.</param>
/// <param name="Values">Variable to value as SDTM holds it: numbers in invariant culture, dates as YYYY-MM-DD, text.</param>
public sealed record WitnessRecord(string Domain, IReadOnlyDictionary<string, string?> Values);

/// <summary>A person's determination the witness assumes for a criterion only a person decides (an SDTM IE record).</summary>
/// <param name="CriterionId">The criterion (IETESTCD).</param>
/// <param name="Kind">Inclusion or exclusion.</param>
/// <param name="Passes">True: the inclusion is met or the exclusion does not apply (IEORRES Y for an inclusion, N for an exclusion).</param>
public sealed record WitnessAttestation(string CriterionId, CriterionKind Kind, bool Passes);

/// <summary>
/// A subject the solver found: the values that make every criterion decide as asked (all met, for a satisfiable protocol),
/// and the determinations assumed for attested criteria. It is written as a synthetic SDTM study, one subject, so
/// <c>protocol screen</c> can check the solver's answer with the engine that screens real subjects.
/// </summary>
public sealed class WitnessSubject
{
    /// <summary>The subject's USUBJID in the witness study.</summary>
    public const string SubjectId = "WITNESS-001";

    internal WitnessSubject(string studyId, IReadOnlyList<WitnessRecord> records, IReadOnlyList<WitnessAttestation> attestations, IDataModel model)
    {
        StudyId = studyId;
        Records = records;
        Attestations = attestations;
        Model = model;
    }

    /// <summary>STUDYID of the witness study (the protocol's name).</summary>
    public string StudyId { get; }

    /// <summary>The subject's records, DM first.</summary>
    public IReadOnlyList<WitnessRecord> Records { get; }

    /// <summary>The determinations assumed for attested criteria (written as IE records).</summary>
    public IReadOnlyList<WitnessAttestation> Attestations { get; }

    /// <summary>The data model the records are typed by.</summary>
    public IDataModel Model { get; }

    /// <summary>The witness as datasets: one per domain, with the identifiers and required variables SDTM asks for.</summary>
    public IReadOnlyList<DomainTable> Tables()
    {
        var tables = new List<DomainTable>();
        var byDomain = Records.GroupBy(r => r.Domain, StringComparer.Ordinal).ToList();
        if (!byDomain.Any(g => g.Key == "DM")) byDomain.Insert(0, new[] { new WitnessRecord("DM", new Dictionary<string, string?>()) }.GroupBy(r => r.Domain).Single());
        foreach (var group in byDomain)
        {
            var schema = Model.FindDomain(group.Key);
            var columns = new List<string> { "STUDYID", "DOMAIN", "USUBJID" };
            bool singular = schema?.Structure == DomainStructure.OnePerSubject;
            string? seq = singular ? null : group.Key + "SEQ";
            if (seq is not null && schema?.FindVariable(seq) is not null) columns.Add(seq);
            foreach (var v in schema?.Variables.Where(v => v.Core == VariableCore.Required) ?? []) if (!columns.Contains(v.Name)) columns.Add(v.Name);
            foreach (var r in group) foreach (var name in r.Values.Keys) if (!columns.Contains(name)) columns.Add(name);
            var builder = new TableBuilder(group.Key, Model, null, [.. columns]);
            int n = 0;
            foreach (var record in group)
            {
                n++;
                foreach (var column in columns)
                {
                    if (record.Values.TryGetValue(column, out var value)) builder.Set(column, value);
                    else builder.Set(column, Placeholder(schema, group.Key, column, n));
                }
                builder.EndRow();
            }
            tables.Add(builder.Build(schema?.Label));
        }
        if (Attestations.Count > 0)
        {
            var ie = new TableBuilder("IE", Model, null, "STUDYID", "DOMAIN", "USUBJID", "IESEQ", "IETESTCD", "IETEST", "IECAT", "IEORRES", "IESTRESC");
            int n = 0;
            foreach (var a in Attestations)
            {
                n++;
                var result = (a.Kind == CriterionKind.Inclusion) == a.Passes ? "Y" : "N";
                ie.Set("STUDYID", StudyId);
                ie.Set("DOMAIN", "IE");
                ie.Set("USUBJID", SubjectId);
                ie.Set("IESEQ", n);
                ie.Set("IETESTCD", a.CriterionId);
                ie.Set("IETEST", a.CriterionId);
                ie.Set("IECAT", a.Kind == CriterionKind.Inclusion ? "INCLUSION" : "EXCLUSION");
                ie.Set("IEORRES", result);
                ie.Set("IESTRESC", result);
                ie.EndRow();
            }
            tables.Add(ie.Build("Inclusion/Exclusion Criteria Not Met"));
        }
        return tables;
    }

    private string? Placeholder(DomainSchema? schema, string domain, string column, int n) => column switch
    {
        "STUDYID" => StudyId,
        "DOMAIN" => domain,
        "USUBJID" => SubjectId,
        _ when column == domain + "SEQ" => n.ToString(CultureInfo.InvariantCulture),
        _ => schema?.FindVariable(column)?.Type switch
        {
            VariableType.Num or VariableType.Integer => "1",
            VariableType.DateTime => null,
            null => null,
            _ => "WITNESS",
        },
    };

    /// <summary>The witness as a study the evaluator can screen directly.</summary>
    public StudyData ToStudy()
    {
        var builder = new StudyDataBuilder { Source = "witness" };
        foreach (var table in Tables()) builder.Add(table);
        return builder.Build();
    }

    /// <summary>Writes the witness study into a folder, one file per dataset; nothing is left half-written on failure.</summary>
    /// <returns>The files written.</returns>
    public IReadOnlyList<string> Write(string folder, DataFileFormat format)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        using var files = new AtomicFileSet();
        foreach (var table in Tables())
        {
            var path = Path.Combine(folder, StudyConverter.FileName(table, format));
            using (var stream = files.Create(path)) DatasetWriter.Write(table, stream, format, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            written.Add(path);
        }
        files.Commit();
        return written;
    }

    /// <summary>The witness in words: one line per record, with the values the rules read.</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var r in Records)
            yield return $"{r.Domain}: {string.Join(", ", r.Values.Where(v => v.Value is not null).Select(v => $"{v.Key}={v.Value}"))}";
        foreach (var a in Attestations)
            yield return $"{a.CriterionId}: attested ({(a.Passes ? (a.Kind == CriterionKind.Inclusion ? "met" : "does not apply") : (a.Kind == CriterionKind.Inclusion ? "not met" : "applies"))})";
    }
}
