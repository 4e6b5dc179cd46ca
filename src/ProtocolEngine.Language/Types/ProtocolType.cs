using System.Collections.Immutable;
using ProtocolEngine.Language.DataModel;

namespace ProtocolEngine.Language.Types;

/// <summary>
/// The static type of an expression. Types compare by structure (two <c>List&lt;Integer&gt;</c> are equal).
/// The CQL system types are the <see cref="PrimitiveType"/> instances on this class.
/// </summary>
public abstract class ProtocolType : IEquatable<ProtocolType>
{
    /// <summary>The supertype of every type; also the type of <c>null</c>.</summary>
    public static readonly PrimitiveType Any = new("Any");
    /// <summary>Three-valued Boolean.</summary>
    public static readonly PrimitiveType Boolean = new("Boolean");
    /// <summary>32-bit integer.</summary>
    public static readonly PrimitiveType Integer = new("Integer");
    /// <summary>64-bit integer.</summary>
    public static readonly PrimitiveType Long = new("Long");
    /// <summary>Decimal with 28 significant digits and up to 8 decimal places.</summary>
    public static readonly PrimitiveType Decimal = new("Decimal");
    /// <summary>Text.</summary>
    public static readonly PrimitiveType String = new("String");
    /// <summary>A calendar date with precision.</summary>
    public static readonly PrimitiveType Date = new("Date");
    /// <summary>A point in time with precision and offset.</summary>
    public static readonly PrimitiveType DateTime = new("DateTime");
    /// <summary>A time of day with precision.</summary>
    public static readonly PrimitiveType Time = new("Time");
    /// <summary>A number with a UCUM unit or a calendar duration.</summary>
    public static readonly PrimitiveType Quantity = new("Quantity");
    /// <summary>A ratio of two quantities.</summary>
    public static readonly PrimitiveType Ratio = new("Ratio");
    /// <summary>A terminology code.</summary>
    public static readonly PrimitiveType Code = new("Code");
    /// <summary>A concept: one or more codes meaning the same thing.</summary>
    public static readonly PrimitiveType Concept = new("Concept");
    /// <summary>A code list declared by the protocol (membership with <c>in</c>).</summary>
    public static readonly PrimitiveType CodeList = new("CodeList");

    /// <summary>Every primitive type by its CQL name (also under the System. prefix).</summary>
    public static readonly ImmutableDictionary<string, PrimitiveType> Primitives =
        new[] { Any, Boolean, Integer, Long, Decimal, String, Date, DateTime, Time, Quantity, Ratio, Code, Concept }
            .SelectMany(t => new[] { (t.Name, t), ("System." + t.Name, t) })
            .ToImmutableDictionary(p => p.Item1, p => p.t, StringComparer.Ordinal);

    /// <summary>The type as the language writes it.</summary>
    public abstract string Name { get; }

    /// <summary>True for Any.</summary>
    public bool IsAny => ReferenceEquals(this, Any);

    /// <summary>True for types whose values are ordered (usable as interval points and with &lt;).</summary>
    public bool IsOrdered => this is PrimitiveType p && (p == Integer || p == Long || p == Decimal || p == String || p == Date ||
                                                         p == DateTime || p == Time || p == Quantity);

    /// <summary>True for the numeric types.</summary>
    public bool IsNumeric => ReferenceEquals(this, Integer) || ReferenceEquals(this, Long) || ReferenceEquals(this, Decimal);

    /// <summary>True for Date, DateTime and Time.</summary>
    public bool IsTemporal => ReferenceEquals(this, Date) || ReferenceEquals(this, DateTime) || ReferenceEquals(this, Time);

    /// <inheritdoc />
    public abstract bool Equals(ProtocolType? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ProtocolType);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Structural equality.</summary>
    public static bool operator ==(ProtocolType? left, ProtocolType? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(ProtocolType? left, ProtocolType? right) => !(left == right);
}

/// <summary>A CQL system type (Integer, String, DateTime, ...). Compared by reference: each exists once.</summary>
public sealed class PrimitiveType : ProtocolType
{
    internal PrimitiveType(string name) => Name = name;

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override bool Equals(ProtocolType? other) => ReferenceEquals(this, other);

    /// <inheritdoc />
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}

/// <summary><c>List&lt;T&gt;</c>.</summary>
public sealed class ListType(ProtocolType elementType) : ProtocolType
{
    /// <summary>The element type.</summary>
    public ProtocolType ElementType { get; } = elementType;

    /// <inheritdoc />
    public override string Name => $"List<{ElementType.Name}>";

    /// <inheritdoc />
    public override bool Equals(ProtocolType? other) => other is ListType l && l.ElementType.Equals(ElementType);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(1, ElementType);
}

/// <summary><c>Interval&lt;T&gt;</c>.</summary>
public sealed class IntervalType(ProtocolType pointType) : ProtocolType
{
    /// <summary>The point type.</summary>
    public ProtocolType PointType { get; } = pointType;

    /// <inheritdoc />
    public override string Name => $"Interval<{PointType.Name}>";

    /// <inheritdoc />
    public override bool Equals(ProtocolType? other) => other is IntervalType i && i.PointType.Equals(PointType);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(2, PointType);
}

/// <summary>One named element of a tuple type.</summary>
/// <param name="Name">The element name.</param>
/// <param name="Type">The element type.</param>
public sealed record TupleElement(string Name, ProtocolType Type);

/// <summary><c>Tuple { name Type, ... }</c>.</summary>
public sealed class TupleType(ImmutableArray<TupleElement> elements) : ProtocolType
{
    /// <summary>The elements in declaration order.</summary>
    public ImmutableArray<TupleElement> Elements { get; } = elements;

    /// <summary>An element by name, or null.</summary>
    public TupleElement? Find(string name) => Elements.FirstOrDefault(e => e.Name == name);

    /// <inheritdoc />
    public override string Name => "Tuple { " + string.Join(", ", Elements.Select(e => $"{e.Name} {e.Type.Name}")) + " }";

    /// <inheritdoc />
    public override bool Equals(ProtocolType? other) =>
        other is TupleType t && t.Elements.Length == Elements.Length &&
        Elements.All(e => t.Find(e.Name) is { } o && o.Type.Equals(e.Type));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var e in Elements.OrderBy(e => e.Name, StringComparer.Ordinal)) h.Add(e.Name);
        return h.ToHashCode();
    }
}

/// <summary><c>Choice&lt;A, B&gt;</c>: a value of one of several types.</summary>
public sealed class ChoiceType(ImmutableArray<ProtocolType> options) : ProtocolType
{
    /// <summary>The possible types.</summary>
    public ImmutableArray<ProtocolType> Options { get; } = options;

    /// <inheritdoc />
    public override string Name => $"Choice<{string.Join(", ", Options.Select(o => o.Name))}>";

    /// <inheritdoc />
    public override bool Equals(ProtocolType? other) =>
        other is ChoiceType c && c.Options.Length == Options.Length && Options.All(o => c.Options.Contains(o));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(3, Options.Length);
}

/// <summary>A record of an SDTM domain, such as an AE record; its members are the domain's variables.</summary>
public sealed class RecordType(DomainSchema domain) : ProtocolType
{
    /// <summary>The domain.</summary>
    public DomainSchema Domain { get; } = domain;

    /// <inheritdoc />
    public override string Name => Domain.Name;

    /// <inheritdoc />
    public override bool Equals(ProtocolType? other) => other is RecordType r && r.Domain.Name == Domain.Name;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(4, Domain.Name);
}
