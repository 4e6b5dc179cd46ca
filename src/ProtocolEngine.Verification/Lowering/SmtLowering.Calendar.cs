namespace ProtocolEngine.Verification.Lowering;

internal sealed partial class SmtLowering
{
    private readonly Dictionary<string, (string Y, string M, string D)> _civil = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _shifts = new(StringComparer.Ordinal);

    /// <summary>
    /// The calendar date (year, month, day) of a day number, exactly: the proleptic Gregorian day count of (y, m, d), with
    /// integer division by constants only (linear arithmetic), and the day within its month's length, so the triple is
    /// unique. Whole years and months between dates, comparisons at year or month precision and shifts by months or years
    /// are then exact, as the engine computes them.
    /// </summary>
    private (string Y, string M, string D) Civil(string day)
    {
        if (_civil.TryGetValue(day, out var known)) return known;
        var (y, m, d) = (Fresh("Int", "year"), Fresh("Int", "month"), Fresh("Int", "day"));
        _axioms.Add(CivilFacts(day, y, m, d));
        _civil[day] = (y, m, d);
        return (y, m, d);
    }

    private static string MonthLength(string y, string m)
    {
        string leap = $"(and (= (mod {y} 4) 0) (or (not (= (mod {y} 100) 0)) (= (mod {y} 400) 0)))";
        return $"(ite (= {m} 2) (ite {leap} 29 28) (ite (or (= {m} 4) (= {m} 6) (= {m} 9) (= {m} 11)) 30 31))";
    }

    /// <summary>day = DayNumber(y, m, d) (days since 0001-01-01, as DateOnly.DayNumber), with a valid (y, m, d).</summary>
    private static string CivilFacts(string day, string y, string m, string d)
    {
        string yy = $"(- {y} (ite (<= {m} 2) 1 0))";
        string era = $"(div {yy} 400)";
        string yoe = $"(- {yy} (* 400 {era}))";
        string mp = $"(ite (> {m} 2) (- {m} 3) (+ {m} 9))";
        string doy = $"(- (+ (div (+ (* 153 {mp}) 2) 5) {d}) 1)";
        string doe = $"(+ (* {yoe} 365) (div {yoe} 4) (- (div {yoe} 100)) {doy})";
        string number = $"(+ (* {era} 146097) {doe} (- 719468) 719162)";
        return $"(and (<= 1 {y}) (<= {y} 9999) (<= 1 {m}) (<= {m} 12) (<= 1 {d}) (<= {d} {MonthLength(y, m)}) (= {day} {number}))";
    }

    /// <summary>Whole years or months from a to b (b on or after a; negative the other way), as the engine counts them.</summary>
    private string WholePeriods(string a, string b, bool years)
    {
        var (ya, ma, da) = Civil(a);
        var (yb, mb, db) = Civil(b);
        string forward = years
            ? $"(- (- {yb} {ya}) (ite (or (< {mb} {ma}) (and (= {mb} {ma}) (< {db} {da}))) 1 0))"
            : $"(- (- (+ (* 12 {yb}) {mb}) (+ (* 12 {ya}) {ma})) (ite (< {db} {da}) 1 0))";
        string backward = years
            ? $"(- (- (- {ya} {yb}) (ite (or (< {ma} {mb}) (and (= {ma} {mb}) (< {da} {db}))) 1 0)))"
            : $"(- (- (- (+ (* 12 {ya}) {ma}) (+ (* 12 {yb}) {mb})) (ite (< {da} {db}) 1 0)))";
        return $"(ite (>= {b} {a}) {forward} {backward})";
    }

    /// <summary>A date as a number that orders by year (or by month), for comparisons at that precision.</summary>
    private string Period(string day, string precision)
    {
        var (y, m, _) = Civil(day);
        return precision == "year" ? y : $"(+ (* 12 {y}) {m})";
    }

    /// <summary>A date moved by whole months (or years, 12 months each), the day clamped to the month's length.</summary>
    private string ShiftMonths(string day, long months)
    {
        var key = day + "|" + months.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_shifts.TryGetValue(key, out var shifted)) return shifted;
        var (y, m, d) = Civil(day);
        var moved = Fresh("Int", "shift");
        var (y2, m2, d2) = Civil(moved);
        _axioms.Add($"(= (+ (* 12 {y2}) (- {m2} 1)) (+ (* 12 {y}) (- {m} 1) {Smt.Int(months)}))");
        string length = MonthLength(y2, m2);
        _axioms.Add($"(= {d2} (ite (<= {d} {length}) {d} {length}))");
        _shifts[key] = moved;
        return moved;
    }
}
