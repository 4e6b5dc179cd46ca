namespace ProtocolEngine.Language.Binding;

/// <summary>Walks guard trees.</summary>
public static class BoundGuards
{
    /// <summary>The data conditions of a guard, left to right (none for a null guard).</summary>
    public static IEnumerable<BoundExpressionGuard> Conditions(BoundGuard? guard) => guard switch
    {
        BoundExpressionGuard e => [e],
        BoundBinaryGuard b => Conditions(b.Left).Concat(Conditions(b.Right)),
        _ => [],
    };

    /// <summary>The criteria guards of a guard, left to right.</summary>
    public static IEnumerable<BoundCriteriaGuard> Criteria(BoundGuard? guard) => guard switch
    {
        BoundCriteriaGuard c => [c],
        BoundBinaryGuard b => Criteria(b.Left).Concat(Criteria(b.Right)),
        _ => [],
    };
}
