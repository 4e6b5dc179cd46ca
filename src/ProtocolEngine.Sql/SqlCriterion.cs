using ProtocolEngine.Language.Binding;

namespace ProtocolEngine.Sql;

/// <summary>One criterion as the SQL query decides it.</summary>
/// <param name="Criterion">The criterion.</param>
/// <param name="Index">Its position among the criteria screened.</param>
/// <param name="IsPushedDown">True when the query decides it (attested criteria too: their rule outcome is Attested).</param>
/// <param name="Reason">Why it is not pushed down, when it is not.</param>
public sealed record SqlCriterion(BoundCriterion Criterion, int Index, bool IsPushedDown, string? Reason);
