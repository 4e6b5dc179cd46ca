using System.Globalization;
using System.Text;

namespace ProtocolEngine.Runtime.Values;

/// <summary>Parsing, formatting and validation shared by <see cref="CqlDate"/>, <see cref="CqlDateTime"/> and <see cref="CqlTime"/>.</summary>
internal static class TemporalMath
{
    public static void Validate(int year, int month, int day, int hour, int minute, int second, int millisecond, DateTimePrecision precision)
    {
        if (year is < 1 or > 9999) throw new ArgumentOutOfRangeException(nameof(year), year, "Year must be 1 to 9999.");
        if (precision >= DateTimePrecision.Month && month is < 1 or > 12)
            throw new ArgumentOutOfRangeException(nameof(month), month, "Month must be 1 to 12.");
        if (precision >= DateTimePrecision.Day && (day < 1 || day > DateTime.DaysInMonth(year, month)))
            throw new ArgumentOutOfRangeException(nameof(day), day, "Day is not in the month.");
        if (precision >= DateTimePrecision.Hour && hour is < 0 or > 23)
            throw new ArgumentOutOfRangeException(nameof(hour), hour, "Hour must be 0 to 23.");
        if (precision >= DateTimePrecision.Minute && minute is < 0 or > 59)
            throw new ArgumentOutOfRangeException(nameof(minute), minute, "Minute must be 0 to 59.");
        if (precision >= DateTimePrecision.Second && second is < 0 or > 59)
            throw new ArgumentOutOfRangeException(nameof(second), second, "Second must be 0 to 59.");
        if (precision >= DateTimePrecision.Millisecond && millisecond is < 0 or > 999)
            throw new ArgumentOutOfRangeException(nameof(millisecond), millisecond, "Millisecond must be 0 to 999.");
    }

    /// <summary>
    /// Reads YYYY[-MM[-DD]]. With <paramref name="allowSdtmGaps"/>, SDTM's hyphen placeholders for unknown
    /// components (<c>2014---17</c>, <c>2014-03--</c>) stop the value at the last known component before the gap.
    /// </summary>
    public static bool TryParseDatePart(ReadOnlySpan<char> s, bool allowSdtmGaps, out int year, out int month, out int day,
        out DateTimePrecision precision, out int consumed)
    {
        year = 0; month = 1; day = 1; precision = DateTimePrecision.Year; consumed = 0;
        if (!TryDigits(s, 0, 4, out year)) return false;
        consumed = 4;
        if (s.Length == 4 || s[4] != '-') return true;
        if (TryDigits(s, 5, 2, out month))
        {
            precision = DateTimePrecision.Month;
            consumed = 7;
            if (s.Length == 7 || s[7] != '-') return true;
            if (TryDigits(s, 8, 2, out day))
            {
                precision = DateTimePrecision.Day;
                consumed = 10;
                return true;
            }
            if (!allowSdtmGaps) return false;
            consumed = SkipGap(s, 7);
            return true;
        }
        if (!allowSdtmGaps) return false;
        month = 1;
        consumed = SkipGap(s, 4);
        return true;
    }

    // Consumes an SDTM gap such as "---17" or "--": hyphens followed by the digits they stand before.
    private static int SkipGap(ReadOnlySpan<char> s, int start)
    {
        int i = start;
        while (i < s.Length && s[i] == '-') i++;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        return i;
    }

    public static bool IsSdtmGapTail(ReadOnlySpan<char> rest)
    {
        // After a gap, SDTM may still write a time ("2014---17T10:00"); the gap already made it imprecise.
        return rest.Length > 0 && rest[0] == 'T';
    }

    /// <summary>Reads hh[:mm[:ss[.fff]]]; SDTM's "-" for an unknown hour or minute stops the value there.</summary>
    public static bool TryParseTimePart(ReadOnlySpan<char> s, bool allowSdtmGaps, out int hour, out int minute, out int second,
        out int millisecond, out DateTimePrecision precision, out int consumed)
    {
        hour = minute = second = millisecond = 0;
        precision = DateTimePrecision.Hour;
        consumed = 0;
        if (!TryDigits(s, 0, 2, out hour)) return false;
        consumed = 2;
        if (s.Length == 2 || s[2] != ':') return true;
        if (!TryDigits(s, 3, 2, out minute))
        {
            if (!allowSdtmGaps || s[3] != '-') return false;
            consumed = s.Length;
            return true;
        }
        precision = DateTimePrecision.Minute;
        consumed = 5;
        if (s.Length == 5 || s[5] != ':') return true;
        if (!TryDigits(s, 6, 2, out second)) return false;
        precision = DateTimePrecision.Second;
        consumed = 8;
        if (s.Length == 8 || s[8] != '.') return true;
        int i = 9, digits = 0, value = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            // Fractions finer than a millisecond are truncated, as CQL keeps milliseconds only.
            if (digits < 3) value = value * 10 + (s[i] - '0');
            digits++;
            i++;
        }
        if (digits == 0) return false;
        for (int d = digits; d < 3; d++) value *= 10;
        millisecond = value;
        precision = DateTimePrecision.Millisecond;
        consumed = i;
        return true;
    }

    /// <summary>Reads Z or ±hh:mm (also ±hhmm and ±hh) into minutes east of UTC.</summary>
    public static bool TryParseOffset(ReadOnlySpan<char> s, out int minutes)
    {
        minutes = 0;
        if (s.Length == 1 && s[0] == 'Z') return true;
        if (s.Length < 3 || (s[0] != '+' && s[0] != '-')) return false;
        int sign = s[0] == '-' ? -1 : 1;
        if (!TryDigits(s, 1, 2, out int h)) return false;
        int m = 0;
        if (s.Length == 6 && s[3] == ':') { if (!TryDigits(s, 4, 2, out m)) return false; }
        else if (s.Length == 5) { if (!TryDigits(s, 3, 2, out m)) return false; }
        else if (s.Length != 3) return false;
        if (h > 14 || m > 59) return false;
        minutes = sign * (h * 60 + m);
        return true;
    }

    public static void AppendTime(StringBuilder sb, int hour, int minute, int second, int millisecond, DateTimePrecision precision)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.Append(hour.ToString("D2", inv));
        if (precision >= DateTimePrecision.Minute) sb.Append(':').Append(minute.ToString("D2", inv));
        if (precision >= DateTimePrecision.Second) sb.Append(':').Append(second.ToString("D2", inv));
        if (precision >= DateTimePrecision.Millisecond) sb.Append('.').Append(millisecond.ToString("D3", inv));
    }

    public static void AppendOffset(StringBuilder sb, int offsetMinutes)
    {
        if (offsetMinutes == 0)
        {
            sb.Append("+00:00");
            return;
        }
        var inv = CultureInfo.InvariantCulture;
        sb.Append(offsetMinutes < 0 ? '-' : '+');
        int abs = Math.Abs(offsetMinutes);
        sb.Append((abs / 60).ToString("D2", inv)).Append(':').Append((abs % 60).ToString("D2", inv));
    }

    private static bool TryDigits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (s.Length < start + count) return false;
        for (int i = start; i < start + count; i++)
        {
            char c = s[i];
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
