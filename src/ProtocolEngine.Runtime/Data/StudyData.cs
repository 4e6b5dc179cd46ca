namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// A whole study in memory: its subjects and every dataset, each indexed by subject. This is the view
/// compiled rules read: <c>DM.AGE</c> reads the subject's DM row, <c>LB</c> the subject's LB rows.
/// Immutable and safe to share across threads; build one with <see cref="StudyDataBuilder"/>.
/// </summary>
public sealed class StudyData
{
    private readonly Dictionary<string, DomainTable> _domains;
    private readonly Dictionary<string, int> _subjectIndex;

    internal StudyData(string? source, string[] subjectIds, IEnumerable<DomainTable> domains)
    {
        Source = source;
        SubjectIds = subjectIds;
        _subjectIndex = new Dictionary<string, int>(subjectIds.Length, StringComparer.Ordinal);
        for (int i = 0; i < subjectIds.Length; i++) _subjectIndex[subjectIds[i]] = i;
        _domains = domains.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Where the data came from (a folder, file or description), for reports.</summary>
    public string? Source { get; }

    /// <summary>Subject identifiers (USUBJID) in study order: DM order when DM is present.</summary>
    public IReadOnlyList<string> SubjectIds { get; }

    /// <summary>The number of subjects.</summary>
    public int SubjectCount => SubjectIds.Count;

    /// <summary>All datasets, ordered by name.</summary>
    public IEnumerable<DomainTable> Domains => _domains.Values.OrderBy(d => d.Name, StringComparer.Ordinal);

    /// <summary>A dataset by name, or null when the study has none of that name.</summary>
    public DomainTable? GetDomain(string name) => _domains.TryGetValue(name, out var d) ? d : null;

    /// <summary>True when the study holds the dataset.</summary>
    public bool HasDomain(string name) => _domains.ContainsKey(name);

    /// <summary>
    /// False when queries must scan subjects' records rather than read the tables' code indexes: only a copy made by
    /// <see cref="WithoutCodeIndexes"/> says so, for tests and benchmarks comparing both paths.
    /// </summary>
    internal bool UsesCodeIndexes { get; private init; } = true;

    /// <summary>The same study (sharing its tables) whose queries scan subjects' records instead of using code indexes.</summary>
    internal StudyData WithoutCodeIndexes() => new(Source, [.. SubjectIds], _domains.Values) { UsesCodeIndexes = false, UsesColumnLookups = UsesColumnLookups, UsesBatchCriteria = UsesBatchCriteria, UsesCompactEvidence = UsesCompactEvidence };

    /// <summary>
    /// False when compiled rules must find a constant test's record subject by subject rather than through the
    /// column lookups computed for a batch of subjects at once (<c>Native.ColumnLookup</c>): only a copy made by
    /// <see cref="WithoutColumnLookups"/> says so, for tests and benchmarks comparing both paths.
    /// </summary>
    internal bool UsesColumnLookups { get; private init; } = true;

    /// <summary>The same study (sharing its tables and code indexes) whose rules evaluate every lookup subject by subject.</summary>
    internal StudyData WithoutColumnLookups() => new(Source, [.. SubjectIds], _domains.Values) { UsesCodeIndexes = UsesCodeIndexes, UsesColumnLookups = false, UsesBatchCriteria = UsesBatchCriteria, UsesCompactEvidence = UsesCompactEvidence };

    /// <summary>
    /// False when screening must evaluate every criterion subject by subject rather than the criteria it can evaluate
    /// for a batch of subjects at once (<c>Native.BatchCriterion</c>): only a copy made by <see cref="WithoutBatchCriteria"/>
    /// says so, for tests and benchmarks comparing both paths.
    /// </summary>
    internal bool UsesBatchCriteria { get; private init; } = true;

    /// <summary>The same study (sharing its tables, code indexes and lookups) whose criteria are evaluated subject by subject only.</summary>
    internal StudyData WithoutBatchCriteria() => new(Source, [.. SubjectIds], _domains.Values) { UsesCodeIndexes = UsesCodeIndexes, UsesColumnLookups = UsesColumnLookups, UsesBatchCriteria = false, UsesCompactEvidence = UsesCompactEvidence };

    /// <summary>
    /// False when screening must keep evidence as objects built at each read (the path before compact evidence entries)
    /// rather than as entries materialised on demand: only a copy made by <see cref="WithObjectEvidence"/> says so, for
    /// tests and benchmarks comparing both paths.
    /// </summary>
    internal bool UsesCompactEvidence { get; private init; } = true;

    /// <summary>The same study (sharing its tables, code indexes and lookups) whose screening keeps evidence as objects built at each read.</summary>
    internal StudyData WithObjectEvidence() => new(Source, [.. SubjectIds], _domains.Values) { UsesCodeIndexes = UsesCodeIndexes, UsesColumnLookups = UsesColumnLookups, UsesBatchCriteria = UsesBatchCriteria, UsesCompactEvidence = false };

    /// <summary>Bytes held by the code indexes the tables have built so far.</summary>
    internal long CodeIndexBytes => _domains.Values.Sum(d => d.CodeIndexBytes);

    /// <summary>The index of a subject, or −1.</summary>
    public int IndexOfSubject(string usubjid) => _subjectIndex.TryGetValue(usubjid, out int i) ? i : -1;
}
