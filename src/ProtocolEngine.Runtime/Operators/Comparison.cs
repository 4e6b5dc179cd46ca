using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>
/// Comparison operators: typed fast forms for the common scalar types (no boxing on the hot path) and
/// general forms over any value.
/// </summary>
internal static class Comparison
{
    /// <summary>Boolean equality.</summary>
    public static bool? Equal(bool? a, bool? b) => a is null || b is null ? null : a.Value == b.Value;
    /// <summary>Integer equality.</summary>
    public static bool? Equal(int? a, int? b) => a is null || b is null ? null : a.Value == b.Value;
    /// <summary>Long equality.</summary>
    public static bool? Equal(long? a, long? b) => a is null || b is null ? null : a.Value == b.Value;
    /// <summary>Decimal equality (numeric: 1.0 = 1.00).</summary>
    public static bool? Equal(decimal? a, decimal? b) => a is null || b is null ? null : a.Value == b.Value;
    /// <summary>String equality (ordinal, case-sensitive).</summary>
    public static bool? Equal(string? a, string? b) => a is null || b is null ? null : string.Equals(a, b, StringComparison.Ordinal);
    /// <summary>General equality.</summary>
    public static bool? Equal(object? a, object? b) => Cql.Equal(a, b);

    /// <summary>Boolean inequality.</summary>
    public static bool? NotEqual(bool? a, bool? b) => a is null || b is null ? null : a.Value != b.Value;
    /// <summary>Integer inequality.</summary>
    public static bool? NotEqual(int? a, int? b) => a is null || b is null ? null : a.Value != b.Value;
    /// <summary>Long inequality.</summary>
    public static bool? NotEqual(long? a, long? b) => a is null || b is null ? null : a.Value != b.Value;
    /// <summary>Decimal inequality.</summary>
    public static bool? NotEqual(decimal? a, decimal? b) => a is null || b is null ? null : a.Value != b.Value;
    /// <summary>String inequality.</summary>
    public static bool? NotEqual(string? a, string? b) => a is null || b is null ? null : !string.Equals(a, b, StringComparison.Ordinal);
    /// <summary>General inequality.</summary>
    public static bool? NotEqual(object? a, object? b) => Cql.Equal(a, b) is bool e ? !e : null;

    /// <summary>Equivalence (never null).</summary>
    public static bool? Equivalent(object? a, object? b) => Cql.Equivalent(a, b);
    /// <summary>Non-equivalence (never null).</summary>
    public static bool? NotEquivalent(object? a, object? b) => !Cql.Equivalent(a, b);

    /// <summary>a &lt; b.</summary>
    public static bool? Less(int? a, int? b) => a is null || b is null ? null : a.Value < b.Value;
    /// <summary>a &lt; b.</summary>
    public static bool? Less(long? a, long? b) => a is null || b is null ? null : a.Value < b.Value;
    /// <summary>a &lt; b.</summary>
    public static bool? Less(decimal? a, decimal? b) => a is null || b is null ? null : a.Value < b.Value;
    /// <summary>a &lt; b (ordinal).</summary>
    public static bool? Less(string? a, string? b) => a is null || b is null ? null : string.CompareOrdinal(a, b) < 0;
    /// <summary>a &lt; b for quantities, dates and times (null when uncertain).</summary>
    public static bool? Less(object? a, object? b) => Cql.Compare(a, b) is int c ? c < 0 : null;

    /// <summary>a &lt;= b.</summary>
    public static bool? LessOrEqual(int? a, int? b) => a is null || b is null ? null : a.Value <= b.Value;
    /// <summary>a &lt;= b.</summary>
    public static bool? LessOrEqual(long? a, long? b) => a is null || b is null ? null : a.Value <= b.Value;
    /// <summary>a &lt;= b.</summary>
    public static bool? LessOrEqual(decimal? a, decimal? b) => a is null || b is null ? null : a.Value <= b.Value;
    /// <summary>a &lt;= b (ordinal).</summary>
    public static bool? LessOrEqual(string? a, string? b) => a is null || b is null ? null : string.CompareOrdinal(a, b) <= 0;
    /// <summary>a &lt;= b for quantities, dates and times.</summary>
    public static bool? LessOrEqual(object? a, object? b) => Cql.Compare(a, b) is int c ? c <= 0 : null;

    /// <summary>a &gt; b.</summary>
    public static bool? Greater(int? a, int? b) => a is null || b is null ? null : a.Value > b.Value;
    /// <summary>a &gt; b.</summary>
    public static bool? Greater(long? a, long? b) => a is null || b is null ? null : a.Value > b.Value;
    /// <summary>a &gt; b.</summary>
    public static bool? Greater(decimal? a, decimal? b) => a is null || b is null ? null : a.Value > b.Value;
    /// <summary>a &gt; b (ordinal).</summary>
    public static bool? Greater(string? a, string? b) => a is null || b is null ? null : string.CompareOrdinal(a, b) > 0;
    /// <summary>a &gt; b for quantities, dates and times.</summary>
    public static bool? Greater(object? a, object? b) => Cql.Compare(a, b) is int c ? c > 0 : null;

    /// <summary>a &gt;= b.</summary>
    public static bool? GreaterOrEqual(int? a, int? b) => a is null || b is null ? null : a.Value >= b.Value;
    /// <summary>a &gt;= b.</summary>
    public static bool? GreaterOrEqual(long? a, long? b) => a is null || b is null ? null : a.Value >= b.Value;
    /// <summary>a &gt;= b.</summary>
    public static bool? GreaterOrEqual(decimal? a, decimal? b) => a is null || b is null ? null : a.Value >= b.Value;
    /// <summary>a &gt;= b (ordinal).</summary>
    public static bool? GreaterOrEqual(string? a, string? b) => a is null || b is null ? null : string.CompareOrdinal(a, b) >= 0;
    /// <summary>a &gt;= b for quantities, dates and times.</summary>
    public static bool? GreaterOrEqual(object? a, object? b) => Cql.Compare(a, b) is int c ? c >= 0 : null;

    /// <summary>Precision-aware comparisons of dates and times (same as, before, after, ...).</summary>
    public static bool? SameAs(object? a, object? b, string? precision) => Cql.Compare(a, b, Temporal.ParsePrecision(precision)) is int c ? c == 0 : null;
    /// <summary>a same or before b at the precision.</summary>
    public static bool? SameOrBefore(object? a, object? b, string? precision) => Cql.Compare(a, b, Temporal.ParsePrecision(precision)) is int c ? c <= 0 : null;
    /// <summary>a same or after b at the precision.</summary>
    public static bool? SameOrAfter(object? a, object? b, string? precision) => Cql.Compare(a, b, Temporal.ParsePrecision(precision)) is int c ? c >= 0 : null;
    /// <summary>a before b at the precision.</summary>
    public static bool? Before(object? a, object? b, string? precision) => Cql.Compare(a, b, Temporal.ParsePrecision(precision)) is int c ? c < 0 : null;
    /// <summary>a after b at the precision.</summary>
    public static bool? After(object? a, object? b, string? precision) => Cql.Compare(a, b, Temporal.ParsePrecision(precision)) is int c ? c > 0 : null;

    // Points against intervals.

    /// <summary>point before interval: before its start.</summary>
    public static bool? Before(object? point, CqlInterval? i, string? p) => i is null ? null : Before(point, Intervals.Start(i), p);
    /// <summary>interval before point: its end before the point.</summary>
    public static bool? Before(CqlInterval? i, object? point, string? p) => i is null ? null : Before(Intervals.End(i), point, p);
    /// <summary>point after interval: after its end.</summary>
    public static bool? After(object? point, CqlInterval? i, string? p) => i is null ? null : After(point, Intervals.End(i), p);
    /// <summary>interval after point: its start after the point.</summary>
    public static bool? After(CqlInterval? i, object? point, string? p) => i is null ? null : After(Intervals.Start(i), point, p);
    /// <summary>point same or before interval: on or before its start.</summary>
    public static bool? SameOrBefore(object? point, CqlInterval? i, string? p) => i is null ? null : SameOrBefore(point, Intervals.Start(i), p);
    /// <summary>interval same or before point: its end on or before the point.</summary>
    public static bool? SameOrBefore(CqlInterval? i, object? point, string? p) => i is null ? null : SameOrBefore(Intervals.End(i), point, p);
    /// <summary>point same or after interval: on or after its end.</summary>
    public static bool? SameOrAfter(object? point, CqlInterval? i, string? p) => i is null ? null : SameOrAfter(point, Intervals.End(i), p);
    /// <summary>interval same or after point: its start on or after the point.</summary>
    public static bool? SameOrAfter(CqlInterval? i, object? point, string? p) => i is null ? null : SameOrAfter(Intervals.Start(i), point, p);
    /// <summary>point same as interval: the interval is that one point.</summary>
    public static bool? SameAs(object? point, CqlInterval? i, string? p) => Intervals.SameAs(Intervals.Unit(point), i, p);
    /// <summary>interval same as point.</summary>
    public static bool? SameAs(CqlInterval? i, object? point, string? p) => Intervals.SameAs(i, Intervals.Unit(point), p);
}
