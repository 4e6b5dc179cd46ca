namespace ProtocolEngine.Data.Xpt;

/// <summary>
/// SAS display formats that mark a number as a date (days since 1960-01-01), a datetime (seconds since
/// 1960-01-01T00:00) or a time (seconds since midnight), as ADaM stores them.
/// </summary>
internal static class SasFormats
{
    private static readonly string[] _dateFormats = ["DATE", "E8601DA", "YYMMDD", "MMDDYY", "DDMMYY", "IS8601DA", "B8601DA", "WORDDATE", "WEEKDATE", "MONYY", "YYMM", "YYQ", "YEAR", "NLDATE", "MINGUO", "JULIAN", "DAY", "WEEKDATX", "DDMMYYD", "YYMMDDD", "YYMMDDN"];
    private static readonly string[] _datetimeFormats = ["DATETIME", "E8601DT", "IS8601DT", "B8601DT", "DATEAMPM", "NLDATM", "E8601DZ"];
    private static readonly string[] _timeFormats = ["TIME", "E8601TM", "IS8601TM", "B8601TM", "HHMM", "TOD", "HOUR", "MMSS", "TIMEAMPM"];

    /// <summary>The Dataset-JSON (dataType, targetDataType) a numeric variable with this format has.</summary>
    public static (string? DataType, string? TargetDataType) JsonTypeOf(string? format)
    {
        if (string.IsNullOrEmpty(format)) return (null, null);
        // Strip the width and decimals: DATE9. -> DATE, E8601DA10. -> E8601DA (the digits inside E8601 stay).
        var name = format.TrimEnd('.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9').ToUpperInvariant();
        if (_datetimeFormats.Contains(name)) return ("datetime", "integer");
        if (_dateFormats.Contains(name)) return ("date", "integer");
        if (_timeFormats.Contains(name)) return ("time", "integer");
        return (null, null);
    }

    public static readonly DateTime Epoch = new(1960, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
}
