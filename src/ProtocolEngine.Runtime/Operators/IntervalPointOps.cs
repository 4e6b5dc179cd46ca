using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>Interval operators where one operand is a point: the point acts as the interval holding only itself.</summary>
internal static class IntervalPointOps
{
    /// <summary>expand of a list of intervals, bounded by the list size limit.</summary>
    public static IReadOnlyList<object?>? Expand(Evaluation.EvaluationContext ctx, IReadOnlyList<object?>? list, CqlQuantity? per) => Intervals.Expand(list, per, ctx.Limits.MaxListSize);

    /// <summary>expand of an interval, bounded by the list size limit.</summary>
    public static IReadOnlyList<object?>? Expand(Evaluation.EvaluationContext ctx, CqlInterval? interval, CqlQuantity? per) => Intervals.Expand(interval, per, ctx.Limits.MaxListSize);

    /// <summary>interval contains point.</summary>
    public static bool? Contains(CqlInterval? i, object? point, string? precision) => Intervals.In(point, i, precision);
    /// <summary>interval properly contains point.</summary>
    public static bool? ProperContains(CqlInterval? i, object? point, string? precision) => Intervals.ProperIn(point, i, precision);
    /// <summary>point meets interval.</summary>
    public static bool? Meets(object? p, CqlInterval? i, string? precision) => Intervals.Meets(Intervals.Unit(p), i, precision);
    /// <summary>interval meets point.</summary>
    public static bool? Meets(CqlInterval? i, object? p, string? precision) => Intervals.Meets(i, Intervals.Unit(p), precision);
    /// <summary>point meets before interval.</summary>
    public static bool? MeetsBefore(object? p, CqlInterval? i, string? precision) => Intervals.MeetsBefore(Intervals.Unit(p), i, precision);
    /// <summary>interval meets before point.</summary>
    public static bool? MeetsBefore(CqlInterval? i, object? p, string? precision) => Intervals.MeetsBefore(i, Intervals.Unit(p), precision);
    /// <summary>point meets after interval.</summary>
    public static bool? MeetsAfter(object? p, CqlInterval? i, string? precision) => Intervals.MeetsAfter(Intervals.Unit(p), i, precision);
    /// <summary>interval meets after point.</summary>
    public static bool? MeetsAfter(CqlInterval? i, object? p, string? precision) => Intervals.MeetsAfter(i, Intervals.Unit(p), precision);
    /// <summary>point overlaps interval.</summary>
    public static bool? Overlaps(object? p, CqlInterval? i, string? precision) => Intervals.Overlaps(Intervals.Unit(p), i, precision);
    /// <summary>interval overlaps point.</summary>
    public static bool? Overlaps(CqlInterval? i, object? p, string? precision) => Intervals.Overlaps(i, Intervals.Unit(p), precision);
    /// <summary>point overlaps before interval.</summary>
    public static bool? OverlapsBefore(object? p, CqlInterval? i, string? precision) => Intervals.OverlapsBefore(Intervals.Unit(p), i, precision);
    /// <summary>interval overlaps before point.</summary>
    public static bool? OverlapsBefore(CqlInterval? i, object? p, string? precision) => Intervals.OverlapsBefore(i, Intervals.Unit(p), precision);
    /// <summary>point overlaps after interval.</summary>
    public static bool? OverlapsAfter(object? p, CqlInterval? i, string? precision) => Intervals.OverlapsAfter(Intervals.Unit(p), i, precision);
    /// <summary>interval overlaps after point.</summary>
    public static bool? OverlapsAfter(CqlInterval? i, object? p, string? precision) => Intervals.OverlapsAfter(i, Intervals.Unit(p), precision);
}
