namespace ProtocolEngine.Verification;

/// <summary>Something verification did not prove, named: a construct the lowering does not cover, or a query that timed out.</summary>
/// <param name="Rule">The criterion, workflow or query it concerns.</param>
/// <param name="Reason">What was not covered, and where (file(line,col)).</param>
public sealed record NotVerifiedItem(string Rule, string Reason);
