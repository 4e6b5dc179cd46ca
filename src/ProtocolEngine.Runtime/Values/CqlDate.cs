using System.Globalization;

namespace ProtocolEngine.Runtime.Values;

/// <summary>A CQL Date: a calendar date known to year, month or day precision, without time or offset. Immutable.</summary>
public sealed class CqlDate : IEquatable<CqlDate>, ICqlTemporal
{
    /// <summary>The year, 1 to 9999.</summary>
    public int Year { get; }
    /// <summary>The month; 1 when not known.</summary>
    public int Month { get; }
    /// <summary>The day; 1 when not known.</summary>
    public int Day { get; }
    /// <summary>Year, Month or Day.</summary>
    public DateTimePrecision Precision { get; }

    /// <summary>Creates a date; components finer than <paramref name="precision"/> are ignored.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A component is out of range or the precision is finer than a day.</exception>
    public CqlDate(int year, int month, int day, DateTimePrecision precision)
    {
        if (precision > DateTimePrecision.Day)
            throw new ArgumentOutOfRangeException(nameof(precision), "A Date is at most day-precise.");
        TemporalMath.Validate(year, month, day, 0, 0, 0, 0, precision);
        Year = year;
        Month = precision >= DateTimePrecision.Month ? month : 1;
        Day = precision >= DateTimePrecision.Day ? day : 1;
        Precision = precision;
    }

    /// <summary>This date as a DateTime of the same precision, without offset.</summary>
    public CqlDateTime ToDateTime(int? offsetMinutes = null) => new(Year, Month, Day, 0, 0, 0, 0, Precision, offsetMinutes);

    /// <summary>Reads a component by precision; null when the value is not that precise.</summary>
    public int? Component(DateTimePrecision precision) => precision > Precision ? null : precision switch
    {
        DateTimePrecision.Year => Year,
        DateTimePrecision.Month => Month,
        DateTimePrecision.Day => Day,
        _ => null,
    };

    int ICqlTemporal.FirstComponent => 0;
    int ICqlTemporal.LastComponent => (int)Precision;
    int ICqlTemporal.GetComponent(int index) => index switch { 0 => Year, 1 => Month, _ => Day };

    /// <summary>Parses <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>.</summary>
    public static bool TryParseIso(ReadOnlySpan<char> text, out CqlDate? value)
    {
        value = null;
        if (!TemporalMath.TryParseDatePart(text.Trim(), allowSdtmGaps: false, out int y, out int m, out int d, out var p, out int used)
            || used != text.Trim().Length)
            return false;
        try
        {
            value = new CqlDate(y, m, d, p);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>The ISO 8601 form to the date's precision.</summary>
    public string ToIsoString() => Precision switch
    {
        DateTimePrecision.Year => Year.ToString("D4", CultureInfo.InvariantCulture),
        DateTimePrecision.Month => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}-{Day:D2}"),
    };

    /// <summary>The CQL literal form, for example <c>@2014-03</c>.</summary>
    public override string ToString() => "@" + ToIsoString();

    /// <summary>Structural equality (same components and precision).</summary>
    public bool Equals(CqlDate? other) =>
        other is not null && Year == other.Year && Month == other.Month && Day == other.Day && Precision == other.Precision;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CqlDate);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Year, Month, Day, Precision);
}
