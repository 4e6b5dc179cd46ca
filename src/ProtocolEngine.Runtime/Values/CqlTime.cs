using System.Text;

namespace ProtocolEngine.Runtime.Values;

/// <summary>A CQL Time of day known to hour, minute, second or millisecond precision, without offset. Immutable.</summary>
public sealed class CqlTime : IEquatable<CqlTime>, ICqlTemporal
{
    /// <summary>The hour, 0-23.</summary>
    public int Hour { get; }
    /// <summary>The minute; 0 when not known.</summary>
    public int Minute { get; }
    /// <summary>The second; 0 when not known.</summary>
    public int Second { get; }
    /// <summary>The millisecond; 0 when not known.</summary>
    public int Millisecond { get; }
    /// <summary>Hour through Millisecond.</summary>
    public DateTimePrecision Precision { get; }

    /// <summary>Creates a time; components finer than <paramref name="precision"/> are ignored.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A component is out of range or the precision is coarser than an hour.</exception>
    public CqlTime(int hour, int minute, int second, int millisecond, DateTimePrecision precision)
    {
        if (precision < DateTimePrecision.Hour)
            throw new ArgumentOutOfRangeException(nameof(precision), "A Time is at least hour-precise.");
        TemporalMath.Validate(2000, 1, 1, hour, minute, second, millisecond, precision);
        Hour = hour;
        Minute = precision >= DateTimePrecision.Minute ? minute : 0;
        Second = precision >= DateTimePrecision.Second ? second : 0;
        Millisecond = precision >= DateTimePrecision.Millisecond ? millisecond : 0;
        Precision = precision;
    }

    /// <summary>Reads a component by precision; null when the value is not that precise or it is a date component.</summary>
    public int? Component(DateTimePrecision precision) => precision > Precision || precision < DateTimePrecision.Hour ? null : precision switch
    {
        DateTimePrecision.Hour => Hour,
        DateTimePrecision.Minute => Minute,
        DateTimePrecision.Second => Second,
        _ => Millisecond,
    };

    int ICqlTemporal.FirstComponent => 3;
    int ICqlTemporal.LastComponent => (int)Precision;
    int ICqlTemporal.GetComponent(int index) => index switch { 3 => Hour, 4 => Minute, 5 => Second, _ => Millisecond };

    /// <summary>Milliseconds since midnight, with unknown components at zero.</summary>
    public long TotalMilliseconds => ((Hour * 60L + Minute) * 60 + Second) * 1000 + Millisecond;

    /// <summary>Parses <c>hh</c>, <c>hh:mm</c>, <c>hh:mm:ss</c> or <c>hh:mm:ss.fff</c>.</summary>
    public static bool TryParseIso(ReadOnlySpan<char> text, out CqlTime? value)
    {
        value = null;
        text = text.Trim();
        if (!TemporalMath.TryParseTimePart(text, allowSdtmGaps: false, out int h, out int m, out int s, out int ms, out var p, out int used)
            || used != text.Length)
            return false;
        try
        {
            value = new CqlTime(h, m, s, ms, p);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>The ISO 8601 form to the time's precision.</summary>
    public string ToIsoString()
    {
        var sb = new StringBuilder(12);
        TemporalMath.AppendTime(sb, Hour, Minute, Second, Millisecond, Precision);
        return sb.ToString();
    }

    /// <summary>The CQL literal form, for example <c>@T10:30:00.000</c>.</summary>
    public override string ToString() => "@T" + ToIsoString();

    /// <summary>Structural equality (same components and precision).</summary>
    public bool Equals(CqlTime? other) =>
        other is not null && Hour == other.Hour && Minute == other.Minute && Second == other.Second &&
        Millisecond == other.Millisecond && Precision == other.Precision;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CqlTime);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Hour, Minute, Second, Millisecond, Precision);
}
