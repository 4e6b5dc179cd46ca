namespace ProtocolEngine.Verification.Lowering;

internal sealed partial class SmtLowering
{
    private readonly Dictionary<string, Civil> _civil = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _shifts = new(StringComparer.Ordinal);

    /// <summary>The first day of the calendar window in which the calendar is exact: 1900-03-01.</summary>
    internal static readonly int WindowStart = new DateOnly(1900, 3, 1).DayNumber;

    /// <summary>The last day of the window: 2100-02-28 (from 1900-03-01 every fourth year, counted from March, ends with a 29 February).</summary>
    internal static readonly int WindowEnd = new DateOnly(2100, 2, 28).DayNumber;

    // Days from 1 March to the first of each month of a year counted from March (March 0, ..., February 337).
    private static readonly int[] DaysBeforeMonth = [306, 337, 0, 31, 61, 92, 122, 153, 184, 214, 245, 275];

    /// <summary>A day number's calendar date, and the position of its March-based year in the four-year leap cycle.</summary>
    private sealed record Civil(string Y, string M, string D, string Cycle);

    /// <summary>
    /// The calendar date (year, month, day) of a day number, exactly within 1900-03-01 .. 2100-02-28, in linear arithmetic
    /// only: in that window every fourth year counted from March ends with a leap day (2000 is a leap year, 1900 and 2100
    /// fall outside), so the day number is 1461 days per four years, 365 per year and a constant per month, with no
    /// division or remainder (z3 4.8 did not answer the pilot's Amendment 1 with the proleptic Gregorian formula's div
    /// and mod in minutes). Outside the window the date is left free (any year, month and day): a sound over-approximation,
    /// so a contradiction is still a contradiction, and a witness is screened by the engine anyway.
    /// </summary>
    private Civil CivilOf(string day)
    {
        if (_civil.TryGetValue(day, out var known)) return known;
        var civil = new Civil(Fresh("Int", "year"), Fresh("Int", "month"), Fresh("Int", "day"), Fresh("Int", "cycle"));
        var quads = Fresh("Int", "quads");
        _axioms.Add(CivilFacts(day, civil, quads));
        _civil[day] = civil;
        return civil;
    }

    private static string MonthLength(Civil c) =>
        $"(ite (= {c.M} 2) (ite (= {c.Cycle} 3) 29 28) (ite (or (= {c.M} 4) (= {c.M} 6) (= {c.M} 9) (= {c.M} 11)) 30 31))";

    private static string CivilFacts(string day, Civil c, string quads)
    {
        // The year counted from March 1900 (January and February belong to the year before), as four-year cycles and a position.
        string marchYear = $"(- {c.Y} 1900 (ite (<= {c.M} 2) 1 0))";
        string before = "0";
        for (int m = 12; m >= 1; m--) before = m == 12 ? $"{DaysBeforeMonth[11]}" : $"(ite (= {c.M} {m}) {DaysBeforeMonth[m - 1]} {before})";
        string number = $"(+ {WindowStart} (* 1461 {quads}) (* 365 {c.Cycle}) {before} (- {c.D} 1))";
        // Exact when the day number or the calendar date is in the window: else the solver could keep the date and move the
        // number out of the window (or the reverse) to escape the calendar.
        string inWindow = $"(or (and (<= {WindowStart} {day}) (<= {day} {WindowEnd})) (and (<= 0 {marchYear}) (<= {marchYear} 199)))";
        string exact = $"(and (= {marchYear} (+ (* 4 {quads}) {c.Cycle})) (<= 0 {c.Cycle}) (<= {c.Cycle} 3) (<= {c.D} {MonthLength(c)}) (= {day} {number}))";
        return $"(and (<= 1 {c.M}) (<= {c.M} 12) (<= 1 {c.D}) (<= {c.D} 31) (=> {inWindow} {exact}))";
    }

    /// <summary>Whole years or months from a to b (b on or after a; negative the other way), as the engine counts them.</summary>
    private string WholePeriods(string a, string b, bool years)
    {
        var (ya, ma, da) = (CivilOf(a).Y, CivilOf(a).M, CivilOf(a).D);
        var (yb, mb, db) = (CivilOf(b).Y, CivilOf(b).M, CivilOf(b).D);
        // Forward, the last month is complete when a's day, clamped to the length of b's month (as AddMonths clamps), is
        // reached: 2000-02-29 to 2001-02-28 is one whole year.
        string incomplete = $"(and (< {db} {da}) (< {db} {MonthLength(CivilOf(b))}))";
        string forward = years
            ? $"(- (- {yb} {ya}) (ite (or (< {mb} {ma}) (and (= {mb} {ma}) {incomplete})) 1 0))"
            : $"(- (- (+ (* 12 {yb}) {mb}) (+ (* 12 {ya}) {ma})) (ite {incomplete} 1 0))";
        string backward = years
            ? $"(- (- (- {ya} {yb}) (ite (or (< {ma} {mb}) (and (= {ma} {mb}) (< {da} {db}))) 1 0)))"
            : $"(- (- (- (+ (* 12 {ya}) {ma}) (+ (* 12 {yb}) {mb})) (ite (< {da} {db}) 1 0)))";
        return $"(ite (>= {b} {a}) {forward} {backward})";
    }

    /// <summary>A date as a number that orders by year (or by month), for comparisons at that precision.</summary>
    private string Period(string day, string precision)
    {
        var c = CivilOf(day);
        return precision == "year" ? c.Y : $"(+ (* 12 {c.Y}) {c.M})";
    }

    /// <summary>A date moved by whole months (or years, 12 months each), the day clamped to the month's length.</summary>
    private string ShiftMonths(string day, long months)
    {
        var key = day + "|" + months.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_shifts.TryGetValue(key, out var shifted)) return shifted;
        var from = CivilOf(day);
        var moved = Fresh("Int", "shift");
        var to = CivilOf(moved);
        _axioms.Add($"(= (+ (* 12 {to.Y}) (- {to.M} 1)) (+ (* 12 {from.Y}) (- {from.M} 1) {Smt.Int(months)}))");
        string length = MonthLength(to);
        _axioms.Add($"(= {to.D} (ite (<= {from.D} {length}) {from.D} {length}))");
        _shifts[key] = moved;
        return moved;
    }
}
