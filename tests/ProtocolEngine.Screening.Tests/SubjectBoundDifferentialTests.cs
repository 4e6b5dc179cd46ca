using System.Globalization;
using ProtocolEngine.Runtime.Native;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// The day of a subject's date shifted by a quantity as the exists kernels compute it on day numbers
/// (<see cref="CodedExistsNode.SubjectBound.DayFor"/>) against the compiled operator on the date
/// (<see cref="CodedExistsNode.SubjectBound.Value"/>): every day of years around leap days and century years and at the
/// ends of the plain range, shifted by whole and fractional years, months, weeks and days, added and subtracted, some
/// past the range of dates. The screening-level comparison over hostile rows (partial, timed, malformed and missing
/// dates on and across the bounds, 29 February, subjects without a consent date) is <see cref="CodedExistsDifferentialTests"/>.
/// </summary>
public class SubjectBoundDifferentialTests
{
    [Fact]
    public void DayFor_IsTheCompiledShiftsPlainDay_AndIsTakenForWholeYearsAndMonths()
    {
        var days = new List<int>();
        foreach (var (from, to) in new[] { (2, 4), (1899, 1901), (1999, 2001), (2023, 2025), (2099, 2101), (9996, 9998) })
            for (var d = new DateOnly(from, 1, 1); d <= new DateOnly(to, 12, 31); d = d.AddDays(1)) days.Add(d.DayNumber);
        var quantities = new List<CqlQuantity>();
        foreach (var unit in new[] { "year", "a", "month", "mo", "day", "d", "week", "wk" })
            foreach (var value in new[] { 0m, 1m, 2m, 3m, 4m, 5m, 11m, 12m, 13m, 25m, 100m, 1.5m, 0.5m, 9997m, 10_000m, 119_988m, 100_001m })
                quantities.Add(new CqlQuantity(value, unit));
        int checkedDays = 0, fast = 0;
        var wrong = new List<string>();
        foreach (var key in new[] { "Add(DateTime,Quantity)", "Subtract(DateTime,Quantity)" })
        {
            var shift = (Func<CqlDateTime?, CqlQuantity?, CqlDateTime?>)BuiltinTable.Find(key)!;
            foreach (var quantity in quantities)
            {
                var bound = CodedExistsNode.SubjectBound.Shifted(shift, quantity, key[0] == 'S' ? -1 : 1);
                // Amounts past 100,000 are left to the operator, as for days.
                bool calendar = quantity.Unit is "year" or "a" or "month" or "mo" && quantity.Value == decimal.Truncate(quantity.Value) && quantity.Value <= 100_000;
                foreach (int day in days)
                {
                    var value = bound.Value(day, out bool failed);
                    int? expected = failed ? null : CodedExistsNode.PlainDay(value);
                    int? got = bound.DayFor(day);
                    checkedDays++;
                    if (got is not null) fast++;
                    // A day the fast path gives must be the compiled operator's; a whole calendar shift the operator gives a plain day for must take the fast path.
                    if ((got is not null && got != expected) || (calendar && expected is not null && got is null))
                        wrong.Add($"{DateOnly.FromDayNumber(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} {key} {quantity.Value} {quantity.Unit}: fast {Show(got)}, compiled {Show(expected)}");
                }
            }
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {checkedDays} differ, e.g.\n{string.Join("\n", wrong.Take(10))}");
        // Most shifts of most days are taken on day numbers (the test compares something).
        Assert.True(fast > checkedDays / 2, $"{fast} of {checkedDays} on day numbers");
    }

    private static string Show(int? day) => day is int d ? DateOnly.FromDayNumber(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "none";
}
