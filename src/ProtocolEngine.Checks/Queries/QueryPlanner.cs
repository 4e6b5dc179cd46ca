using ProtocolEngine.Checks.Results;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Checks.Queries;

/// <summary>
/// Decides what a run of the checks means for data queries. A finding of a check routed with <c>query to Role</c>
/// opens a query unless one is open for the same finding key; an open query closes only when the check ran to
/// the end and, evaluated again for the query's record, passes, no longer applies, or the record is gone; the
/// evidence of that evaluation goes with the closing. A query whose check did not run (skipped, execution error)
/// or whose record cannot be evaluated stays open: a data query is never closed on data nobody verified.
/// </summary>
internal static class QueryPlanner
{
    /// <summary>Plans the queries for a run.</summary>
    /// <param name="protocol">The compiled protocol the run used.</param>
    /// <param name="study">The study the run read.</param>
    /// <param name="report">The run's report (with every failure listed: run it without a detail limit).</param>
    /// <param name="open">The queries open before the run.</param>
    /// <param name="options">"Now" and limits for evaluating records again.</param>
    public static QueryPlan Plan(CompiledProtocol protocol, StudyData study, ValidationReport report, IEnumerable<OpenQuery> open, CheckRunOptions? options = null)
    {
        var checks = report.Checks.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var failures = report.Checks
            .Where(c => c.QueryTo is not null && c.Status is CheckStatus.Success or CheckStatus.IssueReported)
            .SelectMany(c => c.Failures)
            .GroupBy(f => f.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var openByKey = new Dictionary<string, OpenQuery>(StringComparer.Ordinal);
        var persisting = new List<PersistingQuery>();
        var toClose = new List<ResolvedQuery>();
        var unchanged = new List<UnchangedQuery>();
        foreach (var query in open)
        {
            openByKey.TryAdd(query.FindingKey, query);
            if (!checks.TryGetValue(query.CheckId, out var check))
            {
                unchanged.Add(new UnchangedQuery(query, $"Check {query.CheckId} did not run."));
                continue;
            }
            if (check.Status is CheckStatus.ExecutionError or CheckStatus.Skipped)
            {
                unchanged.Add(new UnchangedQuery(query, $"Check {check.Id} did not run to the end ({check.StatusText}): {check.Error?.Message ?? check.SkipReason}"));
                continue;
            }
            if (failures.TryGetValue(query.FindingKey, out var finding))
            {
                persisting.Add(new PersistingQuery(query, finding));
                continue;
            }
            if (check.Failures.Count < check.Failed)
            {
                unchanged.Add(new UnchangedQuery(query, $"Only {check.Failures.Count} of {check.Failed} findings of {check.Id} were listed; run without a detail limit to reconcile queries."));
                continue;
            }
            var fix = Rechecker.Recheck(protocol, study, query.CheckId, query.Dataset, query.SubjectId, query.RecordKey, options);
            if (fix.Resolved) toClose.Add(new ResolvedQuery(query, fix));
            else unchanged.Add(new UnchangedQuery(query, fix.Explanation));
        }
        var toOpen = failures.Values.Where(f => !openByKey.ContainsKey(f.Key)).ToList();
        return new QueryPlan(toOpen, persisting, toClose, unchanged);
    }
}
