namespace ProtocolEngine.Verification;

/// <summary>A criterion implied by others: whenever they pass, it passes, so it never changes an outcome.</summary>
/// <param name="Criterion">The redundant criterion.</param>
/// <param name="ImpliedBy">The criteria that imply it (a smallest set the solver found).</param>
public sealed record Redundancy(CriterionRef Criterion, IReadOnlyList<string> ImpliedBy);
