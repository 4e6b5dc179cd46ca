using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>
/// Interval semantics of CQL 1.5. An open bound is turned into the closed bound next to it (successor or
/// predecessor at the point type's step); a null open bound is unbounded (the type's minimum or maximum);
/// a null closed bound is unknown, which makes comparisons that depend on it null.
/// </summary>
internal static class Intervals
{
    /// <summary>The first point of the interval (null when unknown).</summary>
    public static object? ClosedLow(CqlInterval i)
    {
        if (i.LowClosed) return i.Low;
        if (i.Low is null) return Points.MinValueLike(i.High);
        return Points.Successor(i.Low);
    }

    /// <summary>The last point of the interval (null when unknown).</summary>
    public static object? ClosedHigh(CqlInterval i)
    {
        if (i.HighClosed) return i.High;
        if (i.High is null) return Points.MaxValueLike(i.Low);
        return Points.Predecessor(i.High);
    }

    /// <summary>CQL <c>start of</c>.</summary>
    public static object? Start(CqlInterval? i) => i is null ? null : ClosedLow(i);

    /// <summary>CQL <c>end of</c>.</summary>
    public static object? End(CqlInterval? i) => i is null ? null : ClosedHigh(i);

    private static bool? And(bool? a, bool? b) => a == false || b == false ? false : a is null || b is null ? null : true;

    private static bool? Or(bool? a, bool? b) => a == true || b == true ? true : a is null || b is null ? null : false;

    private static bool? Le(object? a, object? b, DateTimePrecision? p) => Cql.Compare(a, b, p) is int c ? c <= 0 : null;

    private static bool? Lt(object? a, object? b, DateTimePrecision? p) => Cql.Compare(a, b, p) is int c ? c < 0 : null;

    private static bool? Eq(object? a, object? b, DateTimePrecision? p) => Cql.Compare(a, b, p) is int c ? c == 0 : null;

    /// <summary>The low bound for comparisons: a null low is below everything (an open null is unbounded; a closed null is taken likewise, as the reference engines do).</summary>
    private static (object? Value, bool Unbounded) LowOf(CqlInterval i) => i.Low is null ? (null, true) : (ClosedLow(i), false);

    /// <summary>The high bound for comparisons: a null high is above everything.</summary>
    private static (object? Value, bool Unbounded) HighOf(CqlInterval i) => i.High is null ? (null, true) : (ClosedHigh(i), false);

    /// <summary><c>point in interval</c> (and <c>interval contains point</c>).</summary>
    public static bool? In(object? point, CqlInterval? interval, string? precision)
    {
        if (interval is null) return false;
        if (point is null) return null;
        // An interval of two unknown bounds holds nothing that can be named.
        if (interval.Low is null && interval.High is null) return false;
        var p = Temporal.ParsePrecision(precision);
        var (low, lowUnbounded) = LowOf(interval);
        var (high, highUnbounded) = HighOf(interval);
        bool? aboveLow = lowUnbounded ? true : Le(low, point, p);
        bool? belowHigh = highUnbounded ? true : Le(point, high, p);
        return And(aboveLow, belowHigh);
    }

    /// <summary><c>point properly in interval</c>: in, and not equal to either bound.</summary>
    public static bool? ProperIn(object? point, CqlInterval? interval, string? precision)
    {
        if (point is null || interval is null) return null;
        var p = Temporal.ParsePrecision(precision);
        var (low, lowUnbounded) = LowOf(interval);
        var (high, highUnbounded) = HighOf(interval);
        return And(lowUnbounded ? true : Lt(low, point, p), highUnbounded ? true : Lt(point, high, p));
    }

    /// <summary><c>a includes b</c>.</summary>
    public static bool? Includes(CqlInterval? a, CqlInterval? b, string? precision)
    {
        if (a is null || b is null) return null;
        var p = Temporal.ParsePrecision(precision);
        var (al, alu) = LowOf(a);
        var (ah, ahu) = HighOf(a);
        var (bl, blu) = LowOf(b);
        var (bh, bhu) = HighOf(b);
        bool? lowOk = alu ? true : blu ? false : Le(al, bl, p);
        bool? highOk = ahu ? true : bhu ? false : Le(bh, ah, p);
        return And(lowOk, highOk);
    }

    /// <summary><c>a properly includes b</c>: includes and is larger.</summary>
    public static bool? ProperIncludes(CqlInterval? a, CqlInterval? b, string? precision)
    {
        var includes = Includes(a, b, precision);
        if (includes != true) return includes;
        var same = And(Eq(Start(a), Start(b), Temporal.ParsePrecision(precision)), Eq(End(a), End(b), Temporal.ParsePrecision(precision)));
        return same is null ? null : !same.Value;
    }

    /// <summary><c>a before b</c>: a ends before b starts.</summary>
    public static bool? Before(CqlInterval? a, CqlInterval? b, string? precision)
    {
        if (a is null || b is null) return null;
        var (ah, ahu) = HighOf(a);
        var (bl, blu) = LowOf(b);
        if (ahu || blu) return false;
        return Lt(ah, bl, Temporal.ParsePrecision(precision));
    }

    /// <summary><c>a after b</c>: a starts after b ends.</summary>
    public static bool? After(CqlInterval? a, CqlInterval? b, string? precision) => Before(b, a, precision);

    /// <summary><c>a meets before b</c>: the point after a's end is b's start.</summary>
    public static bool? MeetsBefore(CqlInterval? a, CqlInterval? b, string? precision)
    {
        if (a is null || b is null) return null;
        var end = End(a);
        var start = Start(b);
        if (end is null || start is null) return null;
        var p = Temporal.ParsePrecision(precision);
        if (p is not null && end is CqlDateTime ed && start is CqlDateTime sd)
            return Eq(Temporal.Successor(ed.Truncate(p.Value)), sd.Truncate(p.Value), p);
        return Eq(Points.Successor(end), start, p);
    }

    /// <summary><c>a meets after b</c>.</summary>
    public static bool? MeetsAfter(CqlInterval? a, CqlInterval? b, string? precision) => MeetsBefore(b, a, precision);

    /// <summary><c>a meets b</c>: in either order.</summary>
    public static bool? Meets(CqlInterval? a, CqlInterval? b, string? precision) => Or(MeetsBefore(a, b, precision), MeetsAfter(a, b, precision));

    /// <summary><c>a overlaps b</c>: they share at least one point.</summary>
    public static bool? Overlaps(CqlInterval? a, CqlInterval? b, string? precision)
    {
        if (a is null || b is null) return null;
        var p = Temporal.ParsePrecision(precision);
        var (al, alu) = LowOf(a);
        var (ah, ahu) = HighOf(a);
        var (bl, blu) = LowOf(b);
        var (bh, bhu) = HighOf(b);
        bool? first = alu || bhu ? true : Le(al, bh, p);
        bool? second = blu || ahu ? true : Le(bl, ah, p);
        return And(first, second);
    }

    /// <summary><c>a overlaps before b</c>: overlaps, and a starts first.</summary>
    public static bool? OverlapsBefore(CqlInterval? a, CqlInterval? b, string? precision)
    {
        if (a is null || b is null) return null;
        var p = Temporal.ParsePrecision(precision);
        return And(Overlaps(a, b, precision), LowOf(a).Unbounded ? !LowOf(b).Unbounded : Lt(Start(a), Start(b), p));
    }

    /// <summary><c>a overlaps after b</c>: overlaps, and a ends last.</summary>
    public static bool? OverlapsAfter(CqlInterval? a, CqlInterval? b, string? precision)
    {
        if (a is null || b is null) return null;
        var p = Temporal.ParsePrecision(precision);
        return And(Overlaps(a, b, precision), HighOf(a).Unbounded ? !HighOf(b).Unbounded : Lt(End(b), End(a), p));
    }

    /// <summary><c>a starts b</c>: same start, and a ends within b.</summary>
    public static bool? Starts(CqlInterval? a, CqlInterval? b, string? precision)
    {
        if (a is null || b is null) return null;
        var p = Temporal.ParsePrecision(precision);
        return And(Eq(Start(a), Start(b), p), Le(End(a), End(b), p));
    }

    /// <summary><c>a ends b</c>: same end, and a starts within b.</summary>
    public static bool? Ends(CqlInterval? a, CqlInterval? b, string? precision)
    {
        if (a is null || b is null) return null;
        var p = Temporal.ParsePrecision(precision);
        return And(Le(Start(b), Start(a), p), Eq(End(a), End(b), p));
    }

    /// <summary>Same start and end at the precision.</summary>
    public static bool? SameAs(CqlInterval? a, CqlInterval? b, string? precision)
    {
        if (a is null || b is null) return null;
        var p = Temporal.ParsePrecision(precision);
        return And(Eq(Start(a), Start(b), p), Eq(End(a), End(b), p));
    }

    /// <summary>a ends on or before b starts.</summary>
    public static bool? SameOrBefore(CqlInterval? a, CqlInterval? b, string? precision) =>
        a is null || b is null ? null : Le(End(a), Start(b), Temporal.ParsePrecision(precision));

    /// <summary>a starts on or after b ends.</summary>
    public static bool? SameOrAfter(CqlInterval? a, CqlInterval? b, string? precision) =>
        a is null || b is null ? null : Le(End(b), Start(a), Temporal.ParsePrecision(precision));

    /// <summary>An interval holding exactly one point.</summary>
    public static CqlInterval? Unit(object? point) => point is null ? null : new CqlInterval(point, true, point, true);

    // ---------------------------------------------------------------- set operations

    /// <summary><c>a union b</c>: one interval when they overlap or meet, else null.</summary>
    public static CqlInterval? Union(CqlInterval? a, CqlInterval? b)
    {
        if (a is null || b is null) return null;
        var touch = Or(Overlaps(a, b, null), Meets(a, b, null));
        if (touch != true) return null;
        var low = LowOf(a).Unbounded || LowOf(b).Unbounded ? null : Min(Start(a), Start(b));
        var high = HighOf(a).Unbounded || HighOf(b).Unbounded ? null : Max(End(a), End(b));
        return new CqlInterval(low, low is not null || LowOf(a).Unbounded is false && LowOf(b).Unbounded is false, high,
            high is not null || HighOf(a).Unbounded is false && HighOf(b).Unbounded is false);
    }

    /// <summary><c>a intersect b</c>: the shared part, or null.</summary>
    public static CqlInterval? Intersect(CqlInterval? a, CqlInterval? b)
    {
        if (a is null || b is null) return null;
        var overlap = Overlaps(a, b, null);
        if (overlap != true) return null;
        var low = LowOf(a).Unbounded ? Start(b) : LowOf(b).Unbounded ? Start(a) : Max(Start(a), Start(b));
        var high = HighOf(a).Unbounded ? End(b) : HighOf(b).Unbounded ? End(a) : Min(End(a), End(b));
        return new CqlInterval(low, true, high, true);
    }

    /// <summary><c>a except b</c>: a without b, when that is one interval; else null.</summary>
    public static CqlInterval? Except(CqlInterval? a, CqlInterval? b)
    {
        if (a is null || b is null) return null;
        if (Overlaps(a, b, null) == false) return a;
        var startA = Start(a);
        var endA = End(a);
        var startB = Start(b);
        var endB = End(b);
        bool? coversStart = Le(startB, startA, null);
        bool? coversEnd = Le(endA, endB, null);
        if (coversStart == true && coversEnd == true) return null;
        if (coversStart == true) return new CqlInterval(Points.Successor(endB), true, endA, true);
        if (coversEnd == true) return new CqlInterval(startA, true, Points.Predecessor(startB), true);
        return null;
    }

    private static object? Min(object? a, object? b) => Cql.Compare(a, b) is int c ? (c <= 0 ? a : b) : null;

    private static object? Max(object? a, object? b) => Cql.Compare(a, b) is int c ? (c >= 0 ? a : b) : null;

    /// <summary><c>width of i</c>: end minus start.</summary>
    public static object? Width(CqlInterval? i)
    {
        if (i is null) return null;
        if (i.Low is ICqlTemporal || i.High is ICqlTemporal) throw new CqlRuntimeException("width is defined for numeric and quantity intervals only.");
        return Points.Difference(End(i), Start(i));
    }

    /// <summary>The number of points: end minus start plus one step.</summary>
    public static object? Size(CqlInterval? i) => i is null ? null : Points.Successor(Points.Difference(End(i), Start(i)));

    /// <summary><c>point from i</c>: the single point of a unit interval.</summary>
    public static object? PointFrom(CqlInterval? i)
    {
        if (i is null || i.Low is null && i.High is null) return null;
        var start = Start(i);
        if (Cql.Equal(start, End(i)) != true) throw new CqlRuntimeException($"point from {i} needs an interval of exactly one point.");
        return start;
    }

    /// <summary><c>collapse</c>: merges overlapping and meeting intervals of a list (ordered by start).</summary>
    public static IReadOnlyList<object?>? Collapse(IReadOnlyList<object?>? list, CqlQuantity? per)
    {
        if (list is null) return null;
        var intervals = list.OfType<CqlInterval>().OrderBy(i => Start(i), PointComparer.Instance).ToList();
        var result = new List<object?>();
        CqlInterval? current = null;
        foreach (var i in intervals)
        {
            if (current is null)
            {
                current = i;
                continue;
            }
            var touch = Or(Overlaps(current, i, null), per is null ? Meets(current, i, null) : Within(current, i, per));
            if (touch == true) current = Union(current, i) ?? new CqlInterval(Start(current), true, Max(End(current), End(i)), true);
            else
            {
                result.Add(current);
                current = i;
            }
        }
        if (current is not null) result.Add(current);
        return result;
    }

    private static bool? Within(CqlInterval a, CqlInterval b, CqlQuantity per)
    {
        var gapStart = Points.Add(End(a), per);
        return gapStart is null ? null : Le(Start(b), gapStart, null);
    }

    /// <summary><c>expand</c>: each interval of the list as unit intervals of the given step.</summary>
    public static IReadOnlyList<object?>? Expand(IReadOnlyList<object?>? list, CqlQuantity? per) => Expand(list, per, 1_000_000);

    /// <summary><c>expand</c> with a bound on how many points it may produce.</summary>
    public static IReadOnlyList<object?>? Expand(IReadOnlyList<object?>? list, CqlQuantity? per, int maxPoints)
    {
        if (list is null) return null;
        var result = new List<object?>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in list.OfType<CqlInterval>())
        {
            foreach (var point in ExpandPoints(i, per, maxPoints))
            {
                var unit = per is null || IsUnitStep(point, per) ? new CqlInterval(point, true, point, true)
                    : new CqlInterval(point, true, Points.Predecessor(Points.Add(point, per)), true);
                if (seen.Add(CqlFormatter.Format(unit))) result.Add(unit);
            }
        }
        return result;
    }

    /// <summary><c>expand</c> of a single interval: its points at the given step.</summary>
    public static IReadOnlyList<object?>? Expand(CqlInterval? interval, CqlQuantity? per) => Expand(interval, per, 1_000_000);

    /// <summary><c>expand</c> of a single interval with a bound on the number of points.</summary>
    public static IReadOnlyList<object?>? Expand(CqlInterval? interval, CqlQuantity? per, int maxPoints) =>
        interval is null ? null : ExpandPoints(interval, per, maxPoints).ToList();

    private static bool IsUnitStep(object? point, CqlQuantity per) => per.Value == 1 && point is int or long && per.Unit == "1";

    private static IEnumerable<object?> ExpandPoints(CqlInterval i, CqlQuantity? per, int maxPoints)
    {
        var start = Start(i);
        var end = End(i);
        if (start is null || end is null) yield break;
        var step = per ?? Points.DefaultStep(start);
        // A value coarser than the step cannot be expanded (an hour-precise time per minute has no minutes).
        if (per is not null && Units.PrecisionOf(per.Unit) is { } stepPrecision && start is ICqlTemporal temporal && (int)stepPrecision > temporal.LastComponent) yield break;
        int guard = 0;
        for (var p = start; Cql.Compare(p, end) is <= 0; p = Points.Add(p, step))
        {
            if (++guard > maxPoints) throw new Evaluation.EvaluationLimitException("list size", $"expand producing more than {maxPoints:N0} points");
            // A unit must fit whole inside the interval.
            if (per is not null && Cql.Compare(Points.Predecessor(Points.Add(p, step)), end) > 0) yield break;
            yield return p;
        }
    }

    /// <summary>Orders points, nulls first.</summary>
    private sealed class PointComparer : IComparer<object?>
    {
        public static readonly PointComparer Instance = new();

        public int Compare(object? x, object? y) => x is null ? (y is null ? 0 : -1) : y is null ? 1 : Cql.Compare(x, y) ?? 0;
    }
}
