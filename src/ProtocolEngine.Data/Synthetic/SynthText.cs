using System.Globalization;

namespace ProtocolEngine.Data.Synthetic;

/// <summary>
/// Shared, allocation-free text for dates (every day 1900-2040, as full and partial ISO 8601) and per-worker
/// caches of formatted numbers, so writing a hundred million rows does not allocate a hundred million strings.
/// </summary>
internal sealed class SynthText
{
    private static readonly DateOnly _first = new(1900, 1, 1);
    private static readonly Lazy<string[]> _days = new(() =>
    {
        int n = new DateOnly(2041, 1, 1).DayNumber - _first.DayNumber;
        var days = new string[n];
        for (int i = 0; i < n; i++) days[i] = _first.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return days;
    });
    private static readonly Lazy<string[]> _months = new(() =>
        [.. Enumerable.Range(0, 141 * 12).Select(i => $"{1900 + i / 12:D4}-{i % 12 + 1:D2}")]);
    private static readonly Lazy<string[]> _years = new(() => [.. Enumerable.Range(1900, 141).Select(y => y.ToString("D4", CultureInfo.InvariantCulture))]);
    private static readonly string[] _integers = [.. Enumerable.Range(-400, 2401).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private readonly Dictionary<(double, int), string> _numbers = [];

    public static string Date(DateOnly d) => _days.Value[d.DayNumber - _first.DayNumber];

    public static string YearMonth(DateOnly d) => _months.Value[(d.Year - 1900) * 12 + d.Month - 1];

    public static string Year(DateOnly d) => _years.Value[d.Year - 1900];

    /// <summary>A number rounded to <paramref name="decimals"/> places as text ("38", "8.5", "8.31").</summary>
    public string Number(double value, int decimals)
    {
        if (decimals == 0 && value >= -400 && value <= 2000 && value == Math.Floor(value)) return _integers[(int)value + 400];
        if (!_numbers.TryGetValue((value, decimals), out var s))
        {
            s = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (_numbers.Count < 200_000) _numbers[(value, decimals)] = s;
        }
        return s;
    }
}
