namespace ProtocolEngine.Runtime.Values;

/// <summary>A terminology code: a code in a code system (with an optional version and display). Immutable.</summary>
public sealed class CqlCode(string? code, string? system, string? version = null, string? display = null) : IEquatable<CqlCode>
{
    /// <summary>The code.</summary>
    public string? Code { get; } = code;
    /// <summary>The code system (URI or name).</summary>
    public string? System { get; } = system;
    /// <summary>The code system version.</summary>
    public string? Version { get; } = version;
    /// <summary>A human-readable display.</summary>
    public string? Display { get; } = display;

    /// <summary>Structural equality of all parts.</summary>
    public bool Equals(CqlCode? other) =>
        other is not null && Code == other.Code && System == other.System && Version == other.Version && Display == other.Display;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CqlCode);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Code, System, Version);

    /// <inheritdoc />
    public override string ToString() => $"Code '{Code}' from \"{System}\"" + (Display is null ? "" : $" display '{Display}'");
}
