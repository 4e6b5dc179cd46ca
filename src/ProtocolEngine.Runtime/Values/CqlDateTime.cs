using System.Globalization;
using System.Text;

namespace ProtocolEngine.Runtime.Values;

/// <summary>
/// A CQL DateTime: a point in time known to some precision (year through millisecond), with an optional
/// time-zone offset. SDTM --DTC values such as <c>2014-03</c> become DateTimes of month precision.
/// Immutable. Comparisons follow CQL 1.5: when two values are equal down to the coarser precision and one
/// of them stops there, the answer is unknown (<c>null</c>).
/// </summary>
public sealed class CqlDateTime : IEquatable<CqlDateTime>, ICqlTemporal
{
    /// <summary>The year, 1 to 9999.</summary>
    public int Year { get; }
    /// <summary>The month (1-12); 1 when the precision is coarser than month.</summary>
    public int Month { get; }
    /// <summary>The day of the month; 1 when the precision is coarser than day.</summary>
    public int Day { get; }
    /// <summary>The hour (0-23); 0 when not known.</summary>
    public int Hour { get; }
    /// <summary>The minute (0-59); 0 when not known.</summary>
    public int Minute { get; }
    /// <summary>The second (0-59); 0 when not known.</summary>
    public int Second { get; }
    /// <summary>The millisecond (0-999); 0 when not known.</summary>
    public int Millisecond { get; }
    /// <summary>How much of the value is known.</summary>
    public DateTimePrecision Precision { get; }
    /// <summary>The time-zone offset in minutes east of UTC, or null when the value carries none.</summary>
    public int? OffsetMinutes { get; }

    /// <summary>Creates a value; components finer than <paramref name="precision"/> are ignored.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A component is out of its calendar range.</exception>
    public CqlDateTime(int year, int month, int day, int hour, int minute, int second, int millisecond,
        DateTimePrecision precision, int? offsetMinutes)
    {
        TemporalMath.Validate(year, month, day, hour, minute, second, millisecond, precision);
        Year = year;
        Month = precision >= DateTimePrecision.Month ? month : 1;
        Day = precision >= DateTimePrecision.Day ? day : 1;
        Hour = precision >= DateTimePrecision.Hour ? hour : 0;
        Minute = precision >= DateTimePrecision.Minute ? minute : 0;
        Second = precision >= DateTimePrecision.Second ? second : 0;
        Millisecond = precision >= DateTimePrecision.Millisecond ? millisecond : 0;
        Precision = precision;
        OffsetMinutes = offsetMinutes;
    }

    /// <summary>The offset in hours, as CQL's <c>timezoneoffset from</c> returns it.</summary>
    public decimal? OffsetHours => OffsetMinutes is int m ? m / 60m : null;

    /// <summary>The date part of this value (day precision at most).</summary>
    public CqlDate Date => new(Year, Month, Day, Precision < DateTimePrecision.Day ? Precision : DateTimePrecision.Day);

    /// <summary>True when the value is known to the millisecond.</summary>
    public bool IsFullyPrecise => Precision == DateTimePrecision.Millisecond;

    /// <summary>Reads a component by precision; null when the value is not that precise.</summary>
    public int? Component(DateTimePrecision precision) => precision > Precision ? null : precision switch
    {
        DateTimePrecision.Year => Year,
        DateTimePrecision.Month => Month,
        DateTimePrecision.Day => Day,
        DateTimePrecision.Hour => Hour,
        DateTimePrecision.Minute => Minute,
        DateTimePrecision.Second => Second,
        _ => Millisecond,
    };

    int ICqlTemporal.GetComponent(int index) => index switch
    {
        0 => Year, 1 => Month, 2 => Day, 3 => Hour, 4 => Minute, 5 => Second, _ => Millisecond,
    };

    int ICqlTemporal.FirstComponent => 0;
    int ICqlTemporal.LastComponent => (int)Precision;

    /// <summary>The same instant expressed at another offset (only meaningful at hour precision or finer).</summary>
    public CqlDateTime WithOffset(int targetOffsetMinutes)
    {
        if (OffsetMinutes is not int current || current == targetOffsetMinutes || Precision < DateTimePrecision.Hour)
            return new CqlDateTime(Year, Month, Day, Hour, Minute, Second, Millisecond, Precision, targetOffsetMinutes);
        var shifted = ToDateTime().AddMinutes(targetOffsetMinutes - current);
        return FromDateTime(shifted, Precision, targetOffsetMinutes);
    }

    /// <summary>The value as a .NET DateTime with unknown components at their lowest value (offset ignored).</summary>
    public DateTime ToDateTime() => new(Year, Month, Day, Hour, Minute, Second, Millisecond, DateTimeKind.Unspecified);

    /// <summary>Creates a value from a .NET DateTime, truncated to <paramref name="precision"/>.</summary>
    public static CqlDateTime FromDateTime(DateTime value, DateTimePrecision precision, int? offsetMinutes) =>
        new(value.Year, value.Month, value.Day, value.Hour, value.Minute, value.Second, value.Millisecond, precision, offsetMinutes);

    /// <summary>This value truncated to a coarser precision (or unchanged).</summary>
    public CqlDateTime Truncate(DateTimePrecision precision) =>
        precision >= Precision ? this : new(Year, Month, Day, Hour, Minute, Second, Millisecond, precision, OffsetMinutes);

    /// <summary>
    /// Parses an ISO 8601 date-time as SDTM --DTC variables hold it: <c>2014</c>, <c>2014-03</c>,
    /// <c>2014-03-17</c>, <c>2014-03-17T10:30</c>, <c>2014-03-17T10:30:15.250+01:00</c>. An SDTM partial value
    /// with missing inner components (<c>2014---17</c>, <c>2014-03-17T-:30</c>) keeps what is known up to
    /// the first gap. Returns false for anything else.
    /// </summary>
    public static bool TryParseIso(ReadOnlySpan<char> text, out CqlDateTime? value)
    {
        value = null;
        text = text.Trim();
        if (text.IsEmpty) return false;
        if (!TemporalMath.TryParseDatePart(text, allowSdtmGaps: true, out int year, out int month, out int day,
                out var precision, out int consumed))
            return false;
        int hour = 0, minute = 0, second = 0, ms = 0;
        int? offset = null;
        var rest = text[consumed..];
        if (!rest.IsEmpty)
        {
            if (rest[0] != 'T' || precision < DateTimePrecision.Day) return TemporalMath.IsSdtmGapTail(rest) && Make(out value);
            rest = rest[1..];
            if (rest.IsEmpty) return Make(out value);
            if (!TemporalMath.TryParseTimePart(rest, allowSdtmGaps: true, out hour, out minute, out second, out ms,
                    out var timePrecision, out int used))
                return false;
            precision = timePrecision;
            rest = rest[used..];
            if (!rest.IsEmpty)
            {
                if (!TemporalMath.TryParseOffset(rest, out int parsedOffset)) return false;
                offset = parsedOffset;
            }
        }
        return Make(out value);

        bool Make(out CqlDateTime? result)
        {
            try
            {
                result = new CqlDateTime(year, month, day, hour, minute, second, ms, precision, offset);
                return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                result = null;
                return false;
            }
        }
    }

    /// <summary>Parses ISO 8601 text or throws <see cref="FormatException"/> naming the text.</summary>
    public static CqlDateTime ParseIso(string text) =>
        TryParseIso(text, out var value) ? value! : throw new FormatException($"'{text}' is not an ISO 8601 date or date-time.");

    /// <summary>The ISO 8601 form, to the value's precision (as SDTM writes --DTC).</summary>
    public string ToIsoString()
    {
        var sb = new StringBuilder(29);
        sb.Append(Year.ToString("D4", CultureInfo.InvariantCulture));
        if (Precision >= DateTimePrecision.Month) sb.Append('-').Append(Month.ToString("D2", CultureInfo.InvariantCulture));
        if (Precision >= DateTimePrecision.Day) sb.Append('-').Append(Day.ToString("D2", CultureInfo.InvariantCulture));
        if (Precision >= DateTimePrecision.Hour)
        {
            sb.Append('T');
            TemporalMath.AppendTime(sb, Hour, Minute, Second, Millisecond, Precision);
            if (OffsetMinutes is int m) TemporalMath.AppendOffset(sb, m);
        }
        return sb.ToString();
    }

    /// <summary>The CQL literal form, for example <c>@2014-03-17T10:30:00.000+01:00</c> or <c>@2014-03T</c>.</summary>
    public override string ToString()
    {
        var iso = ToIsoString();
        return Precision < DateTimePrecision.Hour ? "@" + iso + "T" : "@" + iso;
    }

    /// <summary>Structural equality: same components, precision and offset (not CQL's three-valued equality).</summary>
    public bool Equals(CqlDateTime? other) =>
        other is not null && Year == other.Year && Month == other.Month && Day == other.Day && Hour == other.Hour &&
        Minute == other.Minute && Second == other.Second && Millisecond == other.Millisecond &&
        Precision == other.Precision && OffsetMinutes == other.OffsetMinutes;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CqlDateTime);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(Year, Month, Day, Hour, Minute, Second, Millisecond, HashCode.Combine(Precision, OffsetMinutes));
}
