using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Eligibility;

/// <summary>
/// A person's recorded finding about one criterion of one subject: an SDTM IE record. IE holds the criteria a
/// subject did not meet, so IEORRES 'N' on an inclusion means the inclusion is NotMet and 'Y' on an exclusion
/// means the exclusion is Met.
/// </summary>
/// <param name="SubjectId">USUBJID.</param>
/// <param name="CriterionId">IETESTCD: the criterion's id.</param>
/// <param name="Outcome">The outcome the record determines (Met or NotMet).</param>
/// <param name="Sequence">IESEQ.</param>
/// <param name="Date">IEDTC, as recorded.</param>
/// <param name="Result">IESTRESC (or IEORRES when the standard result is missing).</param>
/// <param name="Category">IECAT, as recorded.</param>
public sealed record RecordedDetermination(string SubjectId, string CriterionId, CriterionOutcome Outcome, double? Sequence, string? Date, string Result, string? Category);

/// <summary>The recorded determinations of a study, by subject and criterion, with what could not be used.</summary>
public sealed class RecordedDeterminations
{
    private readonly Dictionary<(string Subject, string Criterion), RecordedDetermination> _byKey;

    private RecordedDeterminations(Dictionary<(string, string), RecordedDetermination> byKey, IReadOnlyList<string> notes)
    {
        _byKey = byKey;
        Notes = notes;
    }

    /// <summary>No recorded determinations.</summary>
    public static RecordedDeterminations None { get; } = new([], []);

    /// <summary>How many determinations apply to the protocol's criteria.</summary>
    public int Count => _byKey.Count;

    /// <summary>IE records that could not be used, each saying why (unknown criterion, unreadable result).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The determination recorded for a subject's criterion, or null.</summary>
    public RecordedDetermination? Find(string subjectId, string criterionId) =>
        _byKey.TryGetValue((subjectId, criterionId), out var d) ? d : null;

    /// <summary>
    /// Reads the study's IE domain against the protocol's criteria (id to kind). A record naming a criterion the
    /// protocol lacks, or a result other than Y or N, is noted and not used; when a subject has several records
    /// for one criterion the latest (by IEDTC, then IESEQ) counts.
    /// </summary>
    public static RecordedDeterminations FromStudy(StudyData study, IReadOnlyDictionary<string, CriterionKind> criteria)
    {
        var ie = study.GetDomain("IE");
        if (ie is null || ie.RowCount == 0) return None;
        var subject = ie.GetColumn("USUBJID") as TextColumn;
        var testCode = ie.GetColumn("IETESTCD") as TextColumn;
        if (subject is null || testCode is null) return new([], ["IE lacks USUBJID or IETESTCD; its records were not used."]);
        var standard = ie.GetColumn("IESTRESC") as TextColumn;
        var original = ie.GetColumn("IEORRES") as TextColumn;
        var category = ie.GetColumn("IECAT") as TextColumn;
        var date = ie.GetColumn("IEDTC");
        var sequence = ie.GetColumn("IESEQ") as NumberColumn;

        var byKey = new Dictionary<(string, string), RecordedDetermination>();
        var notes = new List<string>();
        for (int row = 0; row < ie.RowCount; row++)
        {
            var usubjid = subject.GetString(row);
            var code = testCode.GetString(row);
            double? seq = sequence?.GetDouble(row);
            string where = $"IE record {row + 1} (USUBJID {usubjid}, IESEQ {seq?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"})";
            if (string.IsNullOrEmpty(usubjid) || string.IsNullOrEmpty(code))
            {
                notes.Add($"{where}: USUBJID or IETESTCD is missing; not used.");
                continue;
            }
            if (!criteria.TryGetValue(code, out var kind))
            {
                notes.Add($"{where}: IETESTCD {code} is not a criterion of this protocol; not used.");
                continue;
            }
            var result = (standard?.GetString(row) is { Length: > 0 } s ? s : original?.GetString(row))?.Trim().ToUpperInvariant();
            if (result is not ("Y" or "N"))
            {
                notes.Add($"{where}: result '{result}' for {code} is neither Y nor N; not used.");
                continue;
            }
            var outcome = result == "Y" ? CriterionOutcome.Met : CriterionOutcome.NotMet;
            var cat = category?.GetString(row);
            var expectedCategory = kind == CriterionKind.Inclusion ? "INCLUSION" : "EXCLUSION";
            if (cat is { Length: > 0 } && !cat.StartsWith(expectedCategory, StringComparison.OrdinalIgnoreCase))
                notes.Add($"{where}: IECAT '{cat}' but {code} is an {expectedCategory.ToLowerInvariant()} criterion in the protocol; the protocol's kind is used.");
            var determination = new RecordedDetermination(usubjid, code, outcome, seq, (date as TextColumn)?.GetString(row) ?? date?.GetObject(row)?.ToString(), result, cat);
            if (byKey.TryGetValue((usubjid, code), out var earlier) && IsLater(earlier, determination))
                continue;
            byKey[(usubjid, code)] = determination;
        }
        return new(byKey, notes);
    }

    private static bool IsLater(RecordedDetermination a, RecordedDetermination b)
    {
        int byDate = string.CompareOrdinal(a.Date, b.Date);
        return byDate != 0 ? byDate > 0 : (a.Sequence ?? 0) > (b.Sequence ?? 0);
    }
}
