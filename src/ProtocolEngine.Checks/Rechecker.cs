using ProtocolEngine.Checks.Execution;
using ProtocolEngine.Checks.Results;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks;

/// <summary>
/// Evaluates one check again for the record a finding named (found by its record key, not its row, since rows
/// move when data are reloaded), with evidence: what closes a data query, with the values that show the fix.
/// </summary>
internal static class Rechecker
{
    /// <summary>Evaluates check <paramref name="checkId"/> for the record (or subject, or study) a finding named.</summary>
    /// <param name="protocol">The compiled protocol (without errors).</param>
    /// <param name="study">The study as it is now.</param>
    /// <param name="checkId">The check.</param>
    /// <param name="dataset">The finding's dataset (null for subject and study checks).</param>
    /// <param name="subjectId">The finding's USUBJID (null for study checks and trial-level data).</param>
    /// <param name="recordKey">The finding's record key (empty for subject and study checks).</param>
    /// <param name="options">"Now" and limits.</param>
    /// <exception cref="ArgumentException">The protocol has errors.</exception>
    public static RecheckResult Recheck(CompiledProtocol protocol, StudyData study, string checkId, string? dataset, string? subjectId, string recordKey, CheckRunOptions? options = null)
    {
        options ??= new CheckRunOptions();
        var executable = ExecutableProtocol.For(protocol);
        var check = executable.Checks.FirstOrDefault(c => c.Check.Id == checkId);
        if (check is null) return NotChecked($"The protocol has no check {checkId} any more.");
        var plan = new CheckPlan(0, check);
        var (domains, _) = CheckAnalysis.Reads(check.Check);
        if (domains.FirstOrDefault(d => study.GetDomain(d) is null) is { } missing) return NotChecked($"The study has no {missing} dataset, which check {checkId} reads.");
        var now = options.AsOf ?? CqlDateTime.FromDateTime(DateTime.UtcNow, DateTimePrecision.Millisecond, 0);
        var evaluator = new CheckEvaluator(executable, study, now, options.Limits, 0, null);
        int subject = subjectId is null ? -1 : study.IndexOfSubject(subjectId);

        if (check.Check.ScopeKind != CheckScopeKind.Record)
        {
            if (check.Check.ScopeKind == CheckScopeKind.Subject && subject < 0) return Gone($"Subject {subjectId} is not in the study any more.");
            evaluator.Context.BeginSubject(subject);
            return Evaluate(evaluator, plan, null);
        }

        plan.Table = study.GetDomain(check.Check.Domain!.Name);
        if (plan.Table is null) return NotChecked($"The study has no {check.Check.Domain.Name} dataset.");
        var records = Candidates(plan.Table, subject, subjectId).Where(r => RecordKeys.Of(r) == recordKey).ToList();
        if (records.Count == 0) return Gone($"{plan.Table.Name} has no record {recordKey}{(subjectId is null ? "" : " of " + subjectId)} any more.");
        evaluator.Context.BeginSubject(subject);
        // A key shared by several records (a duplicated --SEQ) is resolved only when every one of them is.
        var results = records.Select(r => Evaluate(evaluator, plan, r)).ToList();
        return results.FirstOrDefault(r => r.Outcome == RecheckOutcome.NotChecked)
            ?? results.FirstOrDefault(r => r.Outcome == RecheckOutcome.Fails)
            ?? results.FirstOrDefault(r => r.Outcome == RecheckOutcome.NotEvaluable)
            ?? results[0];
    }

    private static IEnumerable<DomainRecord> Candidates(DomainTable table, int subject, string? subjectId)
    {
        if (!table.IsSubjectIndexed)
        {
            for (int row = 0; row < table.RowCount; row++) yield return table.Record(row);
            yield break;
        }
        var (start, count) = subject >= 0 ? table.RowsOf(subject) : table.OrphanRows;
        for (int row = start; row < start + count; row++)
        {
            var record = table.Record(row);
            if (subject >= 0 || record.SubjectId == subjectId) yield return record;
        }
    }

    private static RecheckResult Evaluate(CheckEvaluator evaluator, CheckPlan plan, DomainRecord? record)
    {
        var tally = new CheckTally();
        evaluator.Evaluate(plan, tally, record);
        if (tally.Error is { } error) return NotChecked($"Check {plan.Check.Id} stopped: {error.Message}");
        var (message, values, evidence) = evaluator.Capture(plan, record);
        var (outcome, why) = tally switch
        {
            { Excluded: > 0 } => (RecheckOutcome.OutOfScope, $"Check {plan.Check.Id} no longer applies to the record: its where condition does not select it."),
            { Passed: > 0 } => (RecheckOutcome.Passes, $"Check {plan.Check.Id} passes."),
            { Failed: > 0 } => (RecheckOutcome.Fails, $"Check {plan.Check.Id} still fails: {message}"),
            _ => (RecheckOutcome.NotEvaluable, $"Check {plan.Check.Id} cannot be evaluated: {message}"),
        };
        return new RecheckResult(outcome, why, message, values, evidence);
    }

    private static RecheckResult NotChecked(string why) => new(RecheckOutcome.NotChecked, why, null, [], []);

    private static RecheckResult Gone(string why) => new(RecheckOutcome.RecordGone, why, null, [], []);
}
