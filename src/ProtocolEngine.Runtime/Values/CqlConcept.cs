namespace ProtocolEngine.Runtime.Values;

/// <summary>A concept: one or more codes that mean the same thing, with an optional display. Immutable.</summary>
public sealed class CqlConcept(IReadOnlyList<CqlCode> codes, string? display = null) : IEquatable<CqlConcept>
{
    /// <summary>The codes.</summary>
    public IReadOnlyList<CqlCode> Codes { get; } = codes;
    /// <summary>A human-readable display.</summary>
    public string? Display { get; } = display;

    /// <summary>Structural equality (same codes in order, same display).</summary>
    public bool Equals(CqlConcept? other) =>
        other is not null && Display == other.Display && Codes.Count == other.Codes.Count && Codes.Zip(other.Codes).All(p => p.First.Equals(p.Second));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CqlConcept);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Codes.Count, Display);

    /// <inheritdoc />
    public override string ToString() => "Concept { " + string.Join(", ", Codes) + " }" + (Display is null ? "" : $" display '{Display}'");
}
