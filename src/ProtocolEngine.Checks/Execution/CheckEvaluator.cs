using System.Globalization;
using System.Text;
using ProtocolEngine.Checks.Results;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Operators;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks.Execution;

/// <summary>
/// Evaluates checks record by record on one thread, with its own evaluation context. The hot path runs the
/// compiled where and expect delegates without recording evidence; a record that fails (or cannot be
/// evaluated) is evaluated a second time with evidence on, to say which values decided it.
/// </summary>
internal sealed class CheckEvaluator
{
    private readonly EvaluationContext _ctx;
    private readonly EvidenceRecorder _recorder = new() { Capacity = 100 };
    private readonly int _detailLimit;
    private readonly ResultMerger? _merger;

    public CheckEvaluator(ExecutableProtocol protocol, StudyData study, CqlDateTime now, EvaluationLimits limits, int detailLimit, ResultMerger? merger)
    {
        _ctx = protocol.CreateContext(study, now, limits);
        _detailLimit = detailLimit;
        _merger = merger;
    }

    public EvaluationContext Context => _ctx;

    /// <summary>Evaluates one check for one record (null for subject and study checks) of the context's current subject.</summary>
    public void Evaluate(CheckPlan plan, CheckTally tally, DomainRecord? record)
    {
        if (tally.Error is not null) return;
        var ctx = _ctx;
        var check = plan.Executable;
        bool? outcome;
        ctx.BeginRule();
        try
        {
            if (check.Where is { } where)
            {
                var selected = where(ctx, record);
                if (ctx.MissingDomainsRead.Count != 0 || ctx.DivisionsByZero != 0)
                {
                    tally.Error = Fault(plan, record);
                    return;
                }
                if (selected != true)
                {
                    tally.Excluded++;
                    return;
                }
            }
            outcome = check.Expect(ctx, record);
            if (ctx.MissingDomainsRead.Count != 0 || ctx.DivisionsByZero != 0)
            {
                tally.Error = Fault(plan, record);
                return;
            }
        }
        catch (EvaluationLimitException e)
        {
            var span = plan.Check.Syntax.Span;
            var d = e.Limit switch
            {
                "steps" => DiagnosticCatalog.StepLimitExceeded(span, plan.Check.Id, ctx.Limits.MaxSteps),
                "time" => DiagnosticCatalog.TimeLimitExceeded(span, plan.Check.Id, ctx.Limits.MaxTime),
                _ => DiagnosticCatalog.ListSizeLimitExceeded(span, plan.Check.Id, ctx.Limits.MaxListSize),
            };
            tally.Error = At(plan, d, record);
            return;
        }
        catch (Exception e) when (IsRuleFailure(e))
        {
            tally.Error = At(plan, DiagnosticCatalog.RuntimeError(plan.Check.Syntax.Span, plan.Check.Id, e.Message), record);
            return;
        }

        tally.Evaluated++;
        if (outcome == true)
        {
            tally.Passed++;
            return;
        }
        if (outcome == false)
        {
            tally.Failed++;
            if (_detailLimit == 0 || ((tally.Failures?.Count ?? 0) < _detailLimit && _merger?.FailuresFull(plan.Index) != true))
                (tally.Failures ??= []).Add(Describe(plan, record, FindingOutcome.Failed));
        }
        else
        {
            tally.NotEvaluable++;
            if (_detailLimit == 0 || ((tally.NotEvaluated?.Count ?? 0) < _detailLimit && _merger?.NotEvaluatedFull(plan.Index) != true))
                (tally.NotEvaluated ??= []).Add(Describe(plan, record, FindingOutcome.NotEvaluable));
        }
    }

    // The same exceptions RuleRunner turns into diagnostics: failures of the rule, never of the engine.
    private static bool IsRuleFailure(Exception e) =>
        e is CqlRuntimeException or ArithmeticException or FormatException or InvalidCastException or ArgumentException
            or System.Text.RegularExpressions.RegexMatchTimeoutException;

    private CheckError Fault(CheckPlan plan, DomainRecord? record)
    {
        var span = plan.Check.Syntax.Span;
        var d = _ctx.MissingDomainsRead.Count != 0
            ? DiagnosticCatalog.MissingDomain(span, plan.Check.Id, _ctx.MissingDomainsRead.Order(StringComparer.Ordinal).First())
            : DiagnosticCatalog.DivisionByZero(span, plan.Check.Id, Where(record));
        return At(plan, d, record);
    }

    private CheckError At(CheckPlan plan, Diagnostic d, DomainRecord? record) =>
        new(d with { Source = plan.Check.Source }, record?.Domain, record?.SubjectId ?? _ctx.SubjectId, record is null ? null : RecordKeys.Of(record));

    private string Where(DomainRecord? record) =>
        record is null
            ? _ctx.SubjectId is { } s ? "subject " + s : "study"
            : string.Join(" ", new[] { record.Domain, record.SubjectId, RecordKeys.Of(record) }.Where(p => !string.IsNullOrEmpty(p)));

    /// <summary>Builds a finding: evaluates the check again with evidence on, then fills the message.</summary>
    private Finding Describe(CheckPlan plan, DomainRecord? record, FindingOutcome outcome)
    {
        var (message, values, evidence) = Capture(plan, record);
        return new Finding(
            plan.Check.Id,
            plan.Check.Severity,
            outcome,
            message,
            record?.Domain,
            record?.SubjectId ?? _ctx.SubjectId,
            record?.Sequence,
            record is null ? null : record.Row + 1,
            record is null ? "" : RecordKeys.Of(record),
            values,
            evidence,
            plan.Check.Hash);
    }

    /// <summary>Evaluates a check for a record with evidence on: the message, the values read and everything read.</summary>
    public (string Message, IReadOnlyList<FindingValue> Values, IReadOnlyList<EvidenceItem> Evidence) Capture(CheckPlan plan, DomainRecord? record)
    {
        var ctx = _ctx;
        var check = plan.Executable;
        // Start the subject afresh so cached definitions are recomputed with their evidence.
        ctx.BeginSubject(ctx.SubjectIndex);
        _recorder.Reset();
        ctx.Evidence = _recorder;
        string message;
        try
        {
            try
            {
                ctx.BeginRule();
                check.Where?.Invoke(ctx, record);
                check.Expect(ctx, record);
            }
            catch (Exception e) when (e is EvaluationLimitException || IsRuleFailure(e))
            {
                // It ran without error a moment ago; the evidence gathered up to here stands.
            }
            // The message's placeholders are what the check's author chose to explain a finding: their reads are evidence too.
            message = Message(plan, record);
        }
        finally
        {
            ctx.Evidence = null;
        }
        var evidence = _recorder.Items.ToArray();
        var values = new List<FindingValue>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in evidence)
        {
            string name, value;
            switch (item.Kind)
            {
                case EvidenceKind.Value when item.Variable is not null:
                    bool own = record is not null && item.Row == record.Row && string.Equals(item.Domain, record.Domain, StringComparison.Ordinal);
                    name = own ? item.Variable : item.Domain + "." + item.Variable;
                    value = DisplayText.Shorten(CqlFormatter.Display(item.Value));
                    break;
                case EvidenceKind.Searched:
                    name = item.Domain + " (records searched)";
                    value = CqlFormatter.Display(item.Value);
                    break;
                default:
                    continue;
            }
            if (seen.Add(name)) values.Add(new FindingValue(name, value));
        }
        return (message, values, evidence);
    }

    private string Message(CheckPlan plan, DomainRecord? record)
    {
        var parts = plan.Check.Message;
        if (parts.IsDefaultOrEmpty) return plan.Check.Title;
        var sb = new StringBuilder();
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Text is { } text)
            {
                sb.Append(text);
                continue;
            }
            var value = plan.Executable.MessageParts[i];
            if (value is null) continue;
            try
            {
                _ctx.BeginRule();
                sb.Append(DisplayText.Shorten(Display(value(_ctx, record))));
            }
            catch (Exception e) when (e is EvaluationLimitException || IsRuleFailure(e))
            {
                sb.Append("(error: ").Append(e.Message).Append(')');
            }
        }
        return sb.ToString();
    }

    private static string Display(object? value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DomainRecord r => r.ToString(),
        _ => CqlFormatter.Display(value),
    };
}
