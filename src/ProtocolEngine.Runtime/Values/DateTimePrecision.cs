namespace ProtocolEngine.Runtime.Values;

/// <summary>
/// The precision of a date, date-time or time value, from coarsest to finest, as CQL 1.5 defines it.
/// A value such as the SDTM partial date <c>2014-03</c> has <see cref="Month"/> precision.
/// </summary>
public enum DateTimePrecision
{
    /// <summary>Only the year is known.</summary>
    Year = 0,
    /// <summary>Known to the month.</summary>
    Month = 1,
    /// <summary>Known to the day.</summary>
    Day = 2,
    /// <summary>Known to the hour.</summary>
    Hour = 3,
    /// <summary>Known to the minute.</summary>
    Minute = 4,
    /// <summary>Known to the second.</summary>
    Second = 5,
    /// <summary>Known to the millisecond.</summary>
    Millisecond = 6,
}
