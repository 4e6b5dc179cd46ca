namespace ProtocolEngine.Runtime.Values;

/// <summary>A tuple: named elements in order. Immutable.</summary>
public sealed class CqlTuple : IEquatable<CqlTuple>
{
    private readonly string[] _names;
    private readonly object?[] _values;

    /// <summary>Creates a tuple from names and values of the same length.</summary>
    public CqlTuple(string[] names, object?[] values)
    {
        if (names.Length != values.Length) throw new ArgumentException("A tuple needs one value per name.", nameof(values));
        _names = names;
        _values = values;
    }

    /// <summary>The element names in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The element values in order.</summary>
    public IReadOnlyList<object?> Values => _values;

    /// <summary>True when the tuple has an element of that name.</summary>
    public bool Has(string name) => Array.IndexOf(_names, name) >= 0;

    /// <summary>An element's value, or null when the tuple has no such element.</summary>
    public object? Get(string name)
    {
        int i = Array.IndexOf(_names, name);
        return i < 0 ? null : _values[i];
    }

    /// <summary>Structural equality (same names, structurally equal values, order-insensitive).</summary>
    public bool Equals(CqlTuple? other)
    {
        if (other is null || other._names.Length != _names.Length) return false;
        for (int i = 0; i < _names.Length; i++)
        {
            int j = Array.IndexOf(other._names, _names[i]);
            if (j < 0 || !Equals(_values[i], other._values[j])) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CqlTuple);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_names.Length, _names.Length > 0 ? _names[0] : null);

    /// <inheritdoc />
    public override string ToString() => "Tuple { " + string.Join(", ", _names.Select((n, i) => $"{n}: {CqlFormatter.Format(_values[i])}")) + " }";
}
