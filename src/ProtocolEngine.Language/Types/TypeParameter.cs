namespace ProtocolEngine.Language.Types;

/// <summary>A type variable (T) in a builtin's signature, replaced by a concrete type when a call is bound.</summary>
public sealed class TypeParameter(string name) : ProtocolType
{
    /// <summary>The T of generic builtin signatures.</summary>
    public static readonly TypeParameter T = new("T");

    /// <inheritdoc />
    public override string Name { get; } = name;

    /// <inheritdoc />
    public override bool Equals(ProtocolType? other) => ReferenceEquals(this, other);

    /// <inheritdoc />
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}
