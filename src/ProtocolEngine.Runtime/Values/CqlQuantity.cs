using System.Globalization;

namespace ProtocolEngine.Runtime.Values;

/// <summary>
/// A decimal value with a unit: a UCUM code (<c>'mg/dL'</c>) or a calendar duration (<c>days</c>). Calendar
/// units are stored singular (<c>day</c>, <c>month</c>). Immutable.
/// </summary>
public sealed class CqlQuantity : IEquatable<CqlQuantity>
{
    /// <summary>Creates a quantity; a null or empty unit means the dimensionless unit '1'.</summary>
    public CqlQuantity(decimal value, string? unit)
    {
        Value = value;
        Unit = Units.Normalize(unit);
    }

    /// <summary>The number.</summary>
    public decimal Value { get; }

    /// <summary>The unit ('1' when dimensionless).</summary>
    public string Unit { get; }

    /// <summary>True when the unit is a calendar duration keyword (year, month, week, day, hour, minute, second, millisecond).</summary>
    public bool IsCalendarDuration => Units.IsCalendar(Unit);

    /// <summary>Structural equality: same value (numerically) and same unit text.</summary>
    public bool Equals(CqlQuantity? other) => other is not null && Value == other.Value && Unit == other.Unit;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CqlQuantity);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Value / 1.000000000000000000000000000000000m, Unit);

    /// <summary>The CQL literal form: <c>1.5 'mg/dL'</c> or <c>3 days</c>.</summary>
    public override string ToString()
    {
        var number = Value.ToString(CultureInfo.InvariantCulture);
        if (IsCalendarDuration) return $"{number} {Unit}{(Value == 1 ? "" : "s")}";
        return $"{number} '{Unit}'";
    }
}
