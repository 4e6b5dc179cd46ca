namespace ProtocolEngine.Runtime.Values;

/// <summary>A ratio of two quantities, such as 1 'mg' : 2 'mL'. Immutable.</summary>
public sealed class CqlRatio(CqlQuantity numerator, CqlQuantity denominator) : IEquatable<CqlRatio>
{
    /// <summary>The numerator.</summary>
    public CqlQuantity Numerator { get; } = numerator;
    /// <summary>The denominator.</summary>
    public CqlQuantity Denominator { get; } = denominator;

    /// <summary>Structural equality.</summary>
    public bool Equals(CqlRatio? other) => other is not null && Numerator.Equals(other.Numerator) && Denominator.Equals(other.Denominator);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CqlRatio);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    /// <inheritdoc />
    public override string ToString() => $"{Numerator}:{Denominator}";
}
