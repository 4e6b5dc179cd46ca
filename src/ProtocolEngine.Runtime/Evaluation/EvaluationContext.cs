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
    private readonly List<EvidenceItem>?[] _defineEvidence;
    private readonly IReadOnlyList<object?>?[] _subjectRecords;
    private readonly DomainRecord?[] _singleRecords;
    private readonly bool[] _recordsReady;
    private long _deadline;

    internal EvaluationContext(ExecutableProtocol protocol, StudyBinding? binding, CqlDateTime now, EvaluationLimits limits)
    {
        Protocol = protocol;
        Binding = binding;
        Now = now;
        Limits = limits;
        _defineValues = new object?[protocol.DefineCount];
        _defineState = new byte[protocol.DefineCount];
        _defineEvidence = new List<EvidenceItem>?[protocol.DefineCount];
        int domains = protocol.DomainSlotCount;
        _subjectRecords = new IReadOnlyList<object?>?[domains];
        _singleRecords = new DomainRecord?[domains];
        _recordsReady = new bool[domains];
    }

    /// <summary>The protocol whose rules run.</summary>
    public ExecutableProtocol Protocol { get; }

    /// <summary>The study data bound to the protocol's columns (null when evaluating without data).</summary>
    public StudyBinding? Binding { get; }

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

    /// <summary>Messages raised by Message(...) with a non-error severity.</summary>
    public List<string> Messages { get; } = [];

    /// <summary>Moves to another subject: clears cached definitions and record lists.</summary>
    public void BeginSubject(int subjectIndex)
    {
        SubjectIndex = subjectIndex;
        Array.Clear(_defineState);
        Array.Clear(_defineValues);
        Array.Clear(_defineEvidence);
        Array.Clear(_subjectRecords);
        Array.Clear(_singleRecords);
        Array.Clear(_recordsReady);
        Messages.Clear();
    }

    /// <summary>Starts the step and time budget of one rule.</summary>
    public void BeginRule()
    {
        Steps = 0;
        _deadline = Stopwatch.GetTimestamp() + (long)(Limits.MaxTime.TotalSeconds * Stopwatch.Frequency);
        MissingDomainsRead.Clear();
        DivisionsByZero = 0;
    }

    /// <summary>Counts one step; throws when the rule exceeds its step or time budget.</summary>
    public void Step()
    {
        long steps = ++Steps;
        if (steps > Limits.MaxSteps)
            throw new EvaluationLimitException("steps", $"more than {Limits.MaxSteps:N0} evaluation steps");
        if ((steps & 4095) == 0 && _deadline != 0 && Stopwatch.GetTimestamp() > _deadline)
            throw new EvaluationLimitException("time", $"longer than {Limits.MaxTime.TotalMilliseconds:N0} ms");
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
                if (Evidence is { } recorder && _defineEvidence[slot] is { } items) recorder.Replay(items);
                return _defineValues[slot];
            case 1:
                throw new CqlRuntimeException($"Definition {Protocol.DefineName(slot)} refers to itself.");
        }
        _defineState[slot] = 1;
        var recorder2 = Evidence;
        int mark = recorder2?.Mark() ?? 0;
        try
        {
            var value = Protocol.Defines[slot](this);
            _defineValues[slot] = value;
            if (recorder2 is not null) _defineEvidence[slot] = recorder2.Since(mark);
            _defineState[slot] = 2;
            return value;
        }
        catch
        {
            _defineState[slot] = 0;
            throw;
        }
    }

    // ---------------------------------------------------------------- records

    /// <summary>The current subject's records of a domain (empty when the subject has none; the domain is noted when the study lacks it).</summary>
    public IReadOnlyList<object?> SubjectRecords(int domainSlot)
    {
        if (_recordsReady[domainSlot]) return _subjectRecords[domainSlot]!;
        var table = Binding?.Domains[domainSlot];
        IReadOnlyList<object?> records;
        if (table is null)
        {
            MissingDomainsRead.Add(Protocol.DomainName(domainSlot));
            Evidence?.MissingDomain(Protocol.DomainName(domainSlot));
            records = [];
        }
        else if (!table.IsSubjectIndexed)
        {
            records = new RecordList(table, 0, table.RowCount);
        }
        else
        {
            var (start, count) = SubjectIndex >= 0 ? table.RowsOf(SubjectIndex) : (0, 0);
            records = new RecordList(table, start, count);
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

    /// <summary>A subject's rows of a domain as a list of records, created on first access of each element.</summary>
    private sealed class RecordList(DomainTable table, int start, int count) : IReadOnlyList<object?>
    {
        private readonly DomainRecord?[] _cache = new DomainRecord?[count];

        public int Count => count;

        public object? this[int index] => _cache[index] ??= new DomainRecord(table, start + index);

        public IEnumerator<object?> GetEnumerator()
        {
            for (int i = 0; i < count; i++) yield return this[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
