using System.Diagnostics;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Operators;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Evaluation;

/// <summary>Bounds on one rule's evaluation, so no rule can hang or exhaust memory (jint's untrusted-code limits, as options).</summary>
public sealed record EvaluationLimits
{
    /// <summary>The most evaluation steps (loop iterations and calls) one rule may take.</summary>
    public long MaxSteps { get; init; } = 50_000_000;

    /// <summary>The largest list a rule may build.</summary>
    public int MaxListSize { get; init; } = 5_000_000;

    /// <summary>The longest one rule may run.</summary>
    public TimeSpan MaxTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>No limits beyond the defaults.</summary>
    public static EvaluationLimits Default { get; } = new();
}

/// <summary>Thrown when a rule exceeds one of its <see cref="EvaluationLimits"/>.</summary>
public sealed class EvaluationLimitException(string limit, string message) : Exception(message)
{
    /// <summary>Which limit: steps, time or list size.</summary>
    public string Limit { get; } = limit;
}

/// <summary>
/// The state of evaluating rules for one subject: the study and subject, "now", cached definitions,
/// evidence being recorded and the step counter. One context per thread; reuse it across subjects with
/// <see cref="BeginSubject"/> so evaluation allocates as little as possible.
/// </summary>
public sealed class EvaluationContext
{
    private readonly object?[] _defineValues;
    private readonly byte[] _defineState;
    // A definition's evidence for the current subject: the recorder that recorded it (null: recorded none) and its
    // entries, copied into one arena the next subject reuses (the recorder of objects keeps a list instead).
    private readonly EvidenceRecorder?[] _defineEvidenceBy;
    private readonly List<EvidenceItem>?[] _defineEvidenceItems;
    private readonly int[] _defineEvidenceStart;
    private readonly int[] _defineEvidenceCount;
    private EvidenceEntry[] _evidenceArena = [];
    private int _evidenceArenaCount;
    private readonly List<object?> _evidenceArenaValues = [];
    private readonly IReadOnlyList<object?>?[] _subjectRecords;
    private readonly bool[] _recordsReady;
    private readonly ulong[] _defineDomains;
    private readonly RecordList?[] _recordLists;
    private readonly (string Domain, string Variable)[]?[] _defineMissingVariables;
    private readonly List<(string Domain, string Variable)> _missingVariables = [];
    private int _missingVariablesScope;
    private ulong _domainsRead;
    private readonly ulong _missingDomains;
    private long _deadline;

    internal EvaluationContext(ExecutableProtocol protocol, StudyBinding? binding, CqlDateTime now, EvaluationLimits limits)
    {
        Protocol = protocol;
        Binding = binding;
        Now = now;
        Limits = limits;
        _defineValues = new object?[protocol.DefineCount];
        _defineState = new byte[protocol.DefineCount];
        _defineEvidenceBy = new EvidenceRecorder?[protocol.DefineCount];
        _defineEvidenceItems = new List<EvidenceItem>?[protocol.DefineCount];
        _defineEvidenceStart = new int[protocol.DefineCount];
        _defineEvidenceCount = new int[protocol.DefineCount];
        int domains = protocol.DomainSlotCount;
        _subjectRecords = new IReadOnlyList<object?>?[domains];
        _recordsReady = new bool[domains];
        _defineDomains = new ulong[protocol.DefineCount];
        // The domain slots the study lacks (all of them without a study), so cached definitions re-report them cheaply.
        for (int slot = 0; slot < domains; slot++)
            if (binding?.Domains[slot] is null) _missingDomains |= 1UL << Math.Min(slot, 63);
        _recordLists = new RecordList?[domains];
        _defineMissingVariables = new (string, string)[]?[protocol.DefineCount];
        LookupBatches = new Native.ColumnLookup.Batch?[protocol.LookupCount];
    }

    /// <summary>This context's batches of the protocol's column lookups (each computed for a run of subjects at once), by lookup number.</summary>
    internal Native.ColumnLookup.Batch?[] LookupBatches { get; }

    private EvaluationContext? _lookupScratch;

    /// <summary>A second context over the same study, for the column lookups to evaluate filters in without touching this one's state.</summary>
    internal EvaluationContext LookupScratch() =>
        _lookupScratch ??= new EvaluationContext(Protocol, Binding, Now, Limits) { MissingDataIsUnknown = MissingDataIsUnknown };

    /// <summary>A new context over the same study and settings, for batch criteria to compute a subject's definitions in without touching this one's state.</summary>
    internal EvaluationContext SubjectScratch() =>
        new(Protocol, Binding, Now, Limits) { MissingDataIsUnknown = MissingDataIsUnknown, ReuseRecords = ReuseRecords };

    /// <summary>The protocol whose rules run.</summary>
    public ExecutableProtocol Protocol { get; }

    /// <summary>The study data bound to the protocol's columns (null when evaluating without data).</summary>
    internal StudyBinding? Binding { get; }

    /// <summary>The study (null without data).</summary>
    public StudyData? Study => Binding?.Study;

    /// <summary>The subject being evaluated (index into the study's subjects).</summary>
    public int SubjectIndex { get; private set; } = -1;

    /// <summary>The subject's USUBJID.</summary>
    public string? SubjectId => SubjectIndex >= 0 && Study is { } s ? s.SubjectIds[SubjectIndex] : null;

    /// <summary>"Now" for Now(), Today() and TimeOfDay(): fixed for a whole run (the as-of date) so results are reproducible.</summary>
    public CqlDateTime Now { get; }

    /// <summary>The limits per rule.</summary>
    public EvaluationLimits Limits { get; }

    /// <summary>Evidence being recorded for the current rule, or null when not recording.</summary>
    public EvidenceRecorder? Evidence { get; set; }

    /// <summary>Steps taken by the current rule.</summary>
    public long Steps { get; private set; }

    /// <summary>Domains the current rule read that the study does not contain.</summary>
    public HashSet<string> MissingDomainsRead { get; } = new(StringComparer.Ordinal);

    /// <summary>How many times the current rule divided by zero (CQL gives null; data checks report it as an error).</summary>
    public int DivisionsByZero { get; private set; }

    /// <summary>Notes a division by zero in the current rule.</summary>
    public void NoteDivisionByZero() => DivisionsByZero++;

    /// <summary>
    /// Variables (DOMAIN.VARIABLE) the current rule read, directly or through definitions, that the study's
    /// dataset does not have: their values are missing for every record, which screening reports as a data gap.
    /// </summary>
    public IEnumerable<string> MissingVariablesRead => _missingVariables.Select(v => v.Domain + "." + v.Variable).Distinct(StringComparer.Ordinal);

    /// <summary>True when the current rule read a variable the study lacks (cheaper than enumerating <see cref="MissingVariablesRead"/>).</summary>
    public bool HasMissingVariables => _missingVariables.Count > 0;

    /// <summary>Notes a read of a variable the record's dataset lacks.</summary>
    public void NoteMissingVariable(string domain, string variable)
    {
        // A handful at most per rule, so a list beats a set; nothing is allocated for a variable already noted. Only
        // the notes of the definition being evaluated count, so that its cached list is complete on its own.
        for (int i = _missingVariablesScope; i < _missingVariables.Count; i++)
            if (_missingVariables[i].Variable == variable && _missingVariables[i].Domain == domain) return;
        _missingVariables.Add((domain, variable));
    }

    /// <summary>
    /// When true (screening), exists and Count over records that may be missing for want of data (a domain in
    /// which the subject has no records, a domain the study lacks, a query filter that was null for a record)
    /// are null, so a decision resting on absent data is Unknown. Plain CQL semantics (false and a count) when false.
    /// </summary>
    public bool MissingDataIsUnknown { get; set; }

    /// <summary>
    /// When true, the record objects of one subject are reused for the next (no allocation per record read): a
    /// record value is then valid only until <see cref="BeginSubject"/>. Screening sets it; a host that keeps
    /// records across subjects must not.
    /// </summary>
    public bool ReuseRecords { get; set; }

    /// <summary>Messages raised by Message(...) with a non-error severity.</summary>
    public List<string> Messages { get; } = [];

    /// <summary>
    /// The domain slots the current rule read, directly or through definitions (cached ones included), as a bit
    /// set: screening needs to know which of the subject's domains a decision rests on, for instance one in
    /// which the subject has no records at all. Slots past 63 share the last bit.
    /// </summary>
    public ulong DomainsReadByRule => _domainsRead;

    /// <summary>The domain slot numbers set in a <see cref="DomainsReadByRule"/> bit set (slot 63 stands for itself and every later slot).</summary>
    public IEnumerable<int> DomainSlots(ulong set)
    {
        for (int slot = 0; slot < Math.Min(64, Protocol.DomainSlotCount); slot++)
            if ((set & (1UL << slot)) != 0)
            {
                if (slot == 63) for (int s = 63; s < Protocol.DomainSlotCount; s++) yield return s;
                else yield return slot;
            }
    }

    /// <summary>Moves to another subject: clears cached definitions and record lists.</summary>
    public void BeginSubject(int subjectIndex)
    {
        SubjectIndex = subjectIndex;
        _defineState.AsSpan().Clear();
        // A definition's domains, missing variables and evidence are all written when it is computed, and read only
        // once it has been (its state), so only the states and the values (not to hold the last subject's) are cleared.
        _defineValues.AsSpan().Clear();
        _subjectRecords.AsSpan().Clear();
        _recordsReady.AsSpan().Clear();
        _evidenceArenaCount = 0;
        if (_evidenceArenaValues.Count > 0) _evidenceArenaValues.Clear();
        if (Messages.Count > 0) Messages.Clear();
    }

    /// <summary>Starts the step and time budget of one rule.</summary>
    /// <remarks>
    /// The clock starts at the rule's first 4,096 steps, not at its start: reading the clock costs more than a whole
    /// small rule, and a rule of fewer steps cannot run away. The time limit is counted from there.
    /// </remarks>
    public void BeginRule()
    {
        Steps = 0;
        _deadline = 0;
        if (MissingDomainsRead.Count > 0) MissingDomainsRead.Clear();
        DivisionsByZero = 0;
        if (_missingVariables.Count > 0) _missingVariables.Clear();
        _domainsRead = 0;
    }

    /// <summary>Counts one step; throws when the rule exceeds its step or time budget.</summary>
    public void Step()
    {
        long steps = ++Steps;
        if (steps > Limits.MaxSteps)
            throw new EvaluationLimitException("steps", $"more than {Limits.MaxSteps:N0} evaluation steps");
        if ((steps & 4095) == 0)
        {
            long now = Stopwatch.GetTimestamp();
            if (_deadline == 0) _deadline = now + (long)(Limits.MaxTime.TotalSeconds * Stopwatch.Frequency);
            else if (now > _deadline) throw new EvaluationLimitException("time", $"longer than {Limits.MaxTime.TotalMilliseconds:N0} ms");
        }
    }

    /// <summary>Throws when a list grows past the list size limit.</summary>
    public void CheckListSize(int count)
    {
        if (count > Limits.MaxListSize)
            throw new EvaluationLimitException("list size", $"a list of more than {Limits.MaxListSize:N0} elements");
    }

    // ---------------------------------------------------------------- definitions

    /// <summary>A definition's value for the current subject, computed once (and its evidence replayed on later uses).</summary>
    public object? GetDefine(int slot)
    {
        switch (_defineState[slot])
        {
            case 2:
                if (Evidence is { } recorder && _defineEvidenceBy[slot] is { } by) ReplayDefineEvidence(slot, recorder, by);
                _domainsRead |= _defineDomains[slot];
                if (_defineMissingVariables[slot] is { } variables)
                    foreach (var (domain, variable) in variables) NoteMissingVariable(domain, variable);
                if ((_defineDomains[slot] & _missingDomains) != 0)
                    foreach (var missing in DomainSlots(_defineDomains[slot] & _missingDomains))
                        MissingDomainsRead.Add(Protocol.DomainName(missing));
                return _defineValues[slot];
            case 1:
                throw new CqlRuntimeException($"Definition {Protocol.DefineName(slot)} refers to itself.");
        }
        _defineState[slot] = 1;
        var recorder2 = Evidence;
        int mark = recorder2?.Mark() ?? 0;
        var readBefore = _domainsRead;
        _domainsRead = 0;
        int missingMark = _missingVariables.Count, scopeBefore = _missingVariablesScope;
        _missingVariablesScope = missingMark;
        try
        {
            var value = Protocol.Defines[slot](this);
            _defineValues[slot] = value;
            _defineDomains[slot] = _domainsRead;
            // What the definition read that the study lacks: the variables noted since it started (notes are scoped to
            // it, so one the rule noted earlier is noted again here and the cached list stands alone).
            _defineMissingVariables[slot] = _missingVariables.Count > missingMark ? [.. _missingVariables.Skip(missingMark)] : null;
            KeepDefineEvidence(slot, recorder2, mark);
            _defineState[slot] = 2;
            return value;
        }
        catch
        {
            _defineState[slot] = 0;
            throw;
        }
        finally
        {
            _domainsRead |= readBefore;
            _missingVariablesScope = scopeBefore;
        }
    }

    private void KeepDefineEvidence(int slot, EvidenceRecorder? recorder, int mark)
    {
        _defineEvidenceBy[slot] = recorder;
        if (recorder is null) return;
        if (recorder.IsLegacy)
        {
            _defineEvidenceItems[slot] = recorder.Since(mark);
            return;
        }
        _defineEvidenceItems[slot] = null;
        var entries = recorder.Entries;
        var since = entries[Math.Min(mark, entries.Length)..];
        int start = _evidenceArenaCount;
        if (start + since.Length > _evidenceArena.Length) Array.Resize(ref _evidenceArena, Math.Max(start + since.Length, Math.Max(64, _evidenceArena.Length * 2)));
        for (int i = 0; i < since.Length; i++)
        {
            var entry = since[i];
            // A value kept beside its entry moves to the arena's own list (the recorder's is cleared rule by rule).
            if (recorder.Sites.CarriesValue(entry.Site))
            {
                _evidenceArenaValues.Add(recorder.Values[entry.Extra]);
                entry = entry with { Extra = _evidenceArenaValues.Count - 1 };
            }
            _evidenceArena[start + i] = entry;
        }
        _evidenceArenaCount = start + since.Length;
        _defineEvidenceStart[slot] = start;
        _defineEvidenceCount[slot] = since.Length;
    }

    private void ReplayDefineEvidence(int slot, EvidenceRecorder recorder, EvidenceRecorder by)
    {
        if (_defineEvidenceItems[slot] is { } items)
        {
            recorder.Replay(items);
            return;
        }
        var entries = _evidenceArena.AsSpan(_defineEvidenceStart[slot], _defineEvidenceCount[slot]);
        if (ReferenceEquals(recorder.Sites, by.Sites) && !recorder.IsLegacy) recorder.ReplayEntries(entries, _evidenceArenaValues);
        else recorder.Replay(by.Sites.Materialise(entries, _evidenceArenaValues));
    }

    // ---------------------------------------------------------------- records

    /// <summary>The current subject's records of a domain (empty when the subject has none; the domain is noted when the study lacks it).</summary>
    public IReadOnlyList<object?> SubjectRecords(int domainSlot)
    {
        _domainsRead |= 1UL << Math.Min(domainSlot, 63);
        if (_recordsReady[domainSlot])
        {
            if (Binding?.Domains[domainSlot] is null) MissingDomainsRead.Add(Protocol.DomainName(domainSlot));
            return _subjectRecords[domainSlot]!;
        }
        var table = Binding?.Domains[domainSlot];
        IReadOnlyList<object?> records;
        if (table is null)
        {
            MissingDomainsRead.Add(Protocol.DomainName(domainSlot));
            Evidence?.MissingDomain(Protocol.DomainName(domainSlot));
            records = new QueryResultList { Uncertain = true };
        }
        else
        {
            var (start, count) = !table.IsSubjectIndexed ? (0, table.RowCount) : SubjectIndex >= 0 ? table.RowsOf(SubjectIndex) : (0, 0);
            records = ReuseRecords
                ? (_recordLists[domainSlot] ??= new RecordList(table, 0, 0, pooled: true)).Reset(start, count)
                : new RecordList(table, start, count, pooled: false);
        }
        _subjectRecords[domainSlot] = records;
        _recordsReady[domainSlot] = true;
        return records;
    }

    /// <summary>The current subject's single record of a one-per-subject domain (DM), or null.</summary>
    public DomainRecord? SingleRecord(int domainSlot)
    {
        var records = SubjectRecords(domainSlot);
        return records.Count > 0 ? (DomainRecord?)records[0] : null;
    }

    /// <summary>
    /// A subject's rows of a domain as a list of records, created on first access of each element; a pooled list
    /// keeps its record objects for the next subject and points them at the new rows.
    /// </summary>
    private sealed class RecordList(DomainTable table, int start, int count, bool pooled) : IReadOnlyList<object?>, IUncertainList, IRecordRange
    {
        private DomainRecord?[] _cache = new DomainRecord?[count];
        private int _start = start;
        private int _count = count;

        public bool Uncertain => _count == 0;

        public DomainTable Table => table;

        public int Start => _start;

        public int Count => _count;

        public RecordList Reset(int newStart, int newCount)
        {
            _start = newStart;
            _count = newCount;
            if (_cache.Length < newCount) Array.Resize(ref _cache, Math.Max(newCount, _cache.Length * 2));
            return this;
        }

        public object? this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index));
                var record = _cache[index] ??= new DomainRecord(table, _start + index);
                if (pooled) record.Row = _start + index;
                return record;
            }
        }

        public IEnumerator<object?> GetEnumerator()
        {
            for (int i = 0; i < _count; i++) yield return this[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
