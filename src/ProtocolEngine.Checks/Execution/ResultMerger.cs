using ProtocolEngine.Checks.Results;

namespace ProtocolEngine.Checks.Execution;

/// <summary>
/// Merges block results in subject order as blocks finish (a block that finishes early waits for those before
/// it), so the report is the same for any number of threads, and memory holds only the findings that will be
/// listed. Once the merged blocks have listed as many findings of a check as the detail limit allows, later
/// blocks are told so and skip describing that check's findings (they still count them).
/// </summary>
internal sealed class ResultMerger
{
    private readonly int _limit;
    private readonly Accumulator[] _checks;
    private readonly BlockResult?[] _pending;
    private readonly bool[] _failuresFull;
    private readonly bool[] _notEvaluatedFull;
    private readonly object _gate = new();
    private int _next;

    public ResultMerger(int checks, int blocks, int limit)
    {
        _limit = limit;
        _checks = [.. Enumerable.Range(0, checks).Select(_ => new Accumulator())];
        _pending = new BlockResult?[blocks];
        _failuresFull = new bool[checks];
        _notEvaluatedFull = new bool[checks];
    }

    public long RecordsVisited { get; private set; }

    /// <summary>True when no further failure of the check will be listed.</summary>
    public bool FailuresFull(int check) => Volatile.Read(ref _failuresFull[check]);

    /// <summary>True when no further record of the check that cannot be evaluated will be listed.</summary>
    public bool NotEvaluatedFull(int check) => Volatile.Read(ref _notEvaluatedFull[check]);

    /// <summary>Hands over a finished block of subjects.</summary>
    public void Complete(int block, BlockResult result)
    {
        lock (_gate)
        {
            _pending[block] = result;
            while (_next < _pending.Length && _pending[_next] is { } ready)
            {
                Add(ready);
                _pending[_next] = null;
                _next++;
            }
        }
    }

    /// <summary>Adds the records outside any block of subjects; call after every block completed.</summary>
    public void CompleteRest(BlockResult result)
    {
        lock (_gate)
        {
            if (_next != _pending.Length) throw new InvalidOperationException("The records outside the subject blocks are merged last.");
            Add(result);
        }
    }

    private void Add(BlockResult block)
    {
        RecordsVisited += block.RecordsVisited;
        for (int i = 0; i < _checks.Length; i++)
        {
            if (block.Tallies[i] is not { } t) continue;
            var a = _checks[i];
            // The first error in subject order decides; later blocks of an errored check do not count.
            if (a.Error is not null) continue;
            if (t.Error is not null)
            {
                a.Error = t.Error;
                continue;
            }
            a.Evaluated += t.Evaluated;
            a.Passed += t.Passed;
            a.Failed += t.Failed;
            a.NotEvaluable += t.NotEvaluable;
            a.Excluded += t.Excluded;
            Append(a.Failures, t.Failures, ref _failuresFull[i]);
            Append(a.NotEvaluated, t.NotEvaluated, ref _notEvaluatedFull[i]);
        }
    }

    private void Append(List<Finding> into, List<Finding>? from, ref bool full)
    {
        if (from is null) return;
        foreach (var f in from)
        {
            if (_limit > 0 && into.Count >= _limit) break;
            into.Add(f);
        }
        if (_limit > 0 && into.Count >= _limit) Volatile.Write(ref full, true);
    }

    /// <summary>Writes the merged outcomes into the results of the checks that ran.</summary>
    public void Fill(CheckPlan plan, CheckResult result)
    {
        var a = _checks[plan.Index];
        if (a.Error is not null)
        {
            result.Status = CheckStatus.ExecutionError;
            result.Error = a.Error;
            return;
        }
        result.Evaluated = a.Evaluated;
        result.Passed = a.Passed;
        result.Failed = a.Failed;
        result.NotEvaluable = a.NotEvaluable;
        result.Excluded = a.Excluded;
        result.Failures = a.Failures;
        result.NotEvaluated = a.NotEvaluated;
        result.Status = a.Failed > 0 ? CheckStatus.IssueReported : CheckStatus.Success;
    }

    private sealed class Accumulator
    {
        public long Evaluated, Passed, Failed, NotEvaluable, Excluded;
        public CheckError? Error;
        public List<Finding> Failures { get; } = [];
        public List<Finding> NotEvaluated { get; } = [];
    }
}
