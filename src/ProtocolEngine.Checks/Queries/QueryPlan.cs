using ProtocolEngine.Checks.Results;

namespace ProtocolEngine.Checks.Queries;

/// <summary>A data query already open, as the store holds it.</summary>
/// <param name="QueryId">The query's id in the store.</param>
/// <param name="CheckId">The check whose finding opened it.</param>
/// <param name="Dataset">The finding's dataset (null for subject and study checks).</param>
/// <param name="SubjectId">The finding's USUBJID.</param>
/// <param name="RecordKey">The finding's record key.</param>
/// <param name="Answered">True when the role it went to has answered it (it waits for the data to be re-checked).</param>
public sealed record OpenQuery(string QueryId, string CheckId, string? Dataset, string? SubjectId, string RecordKey, bool Answered)
{
    /// <summary>The finding key it follows (the same as <see cref="Finding.Key"/>).</summary>
    public string FindingKey => $"{CheckId}|{Dataset}|{SubjectId}|{RecordKey}";
}

/// <summary>A query that a re-run leaves as it is, and why.</summary>
/// <param name="Query">The query.</param>
/// <param name="Reason">Why it neither closes nor changes (the check did not run, the record cannot be evaluated, ...).</param>
public sealed record UnchangedQuery(OpenQuery Query, string Reason);

/// <summary>An open query whose finding is still there.</summary>
/// <param name="Query">The query.</param>
/// <param name="Finding">Today's finding.</param>
internal sealed record PersistingQuery(OpenQuery Query, Finding Finding);

/// <summary>An open query whose finding no longer holds, with the evidence of the fix.</summary>
/// <param name="Query">The query.</param>
/// <param name="Fix">What the check says now and the values it read.</param>
internal sealed record ResolvedQuery(OpenQuery Query, RecheckResult Fix);

/// <summary>What a run of the checks means for data queries: which to open, which persist, which close with evidence, which stay as they are.</summary>
/// <param name="ToOpen">Findings of checks routed with <c>query to</c> that have no open query (one per finding key).</param>
/// <param name="Persisting">Open queries whose finding is still there (an answered one goes back to its role).</param>
/// <param name="ToClose">Open queries whose finding no longer holds.</param>
/// <param name="Unchanged">Open queries the run cannot decide (their check did not run to the end, the record cannot be evaluated).</param>
internal sealed record QueryPlan(
    IReadOnlyList<Finding> ToOpen,
    IReadOnlyList<PersistingQuery> Persisting,
    IReadOnlyList<ResolvedQuery> ToClose,
    IReadOnlyList<UnchangedQuery> Unchanged);
