using System.Globalization;

namespace ProtocolEngine.Data;

/// <summary>
/// SAS numeric dates (days since 1960-01-01), datetimes (seconds since 1960-01-01T00:00) and times (seconds
/// since midnight), and their ISO 8601 text, as Dataset-JSON exchanges them (dataType date/datetime/time with
/// targetDataType integer).
/// </summary>
internal static class SasDates
{
    private static readonly DateTime _epoch = new(1960, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>Parses ISO text into the SAS number for a data type; false when the text does not fit.</summary>
    public static bool TryToSas(ReadOnlySpan<char> text, string dataType, out double value)
    {
        value = double.NaN;
        switch (dataType)
        {
            case "date":
                if (!DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return false;
                value = (d - _epoch).TotalDays;
                return true;
            case "datetime":
                if (!DateTime.TryParseExact(text, ["yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt)) return false;
                value = (dt - _epoch).TotalSeconds;
                return true;
            case "time":
                if (!TimeSpan.TryParseExact(text, [@"hh\:mm\:ss", @"hh\:mm", @"hh\:mm\:ss\.FFFFFFF"], CultureInfo.InvariantCulture, out var t)) return false;
                value = t.TotalSeconds;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The ISO text of a SAS number for a data type, or null when it cannot be one.</summary>
    public static string? FromSas(double value, string dataType)
    {
        if (double.IsNaN(value)) return null;
        try
        {
            return dataType switch
            {
                "date" => _epoch.AddDays(Math.Floor(value)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                "datetime" => FormatDateTime(_epoch.AddSeconds(value)),
                "time" => FormatTime(TimeSpan.FromSeconds(value)),
                _ => null,
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static string FormatDateTime(DateTime dt) =>
        dt.Millisecond == 0 && dt.Microsecond == 0
            ? dt.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)
            : dt.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static string FormatTime(TimeSpan t) =>
        t.Milliseconds == 0 ? t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"hh\:mm\:ss\.FFFFFFF", CultureInfo.InvariantCulture);
}
