namespace ProtocolEngine.Runtime.Values;

/// <summary>
/// An interval of ordered points (integers, decimals, quantities, dates, date-times, times) with open or
/// closed bounds. A null bound means unknown (closed) or unbounded (open), as CQL defines. Immutable.
/// </summary>
public sealed class CqlInterval(object? low, bool lowClosed, object? high, bool highClosed) : IEquatable<CqlInterval>
{
    /// <summary>The low bound.</summary>
    public object? Low { get; } = low;
    /// <summary>True when the low bound is part of the interval.</summary>
    public bool LowClosed { get; } = lowClosed;
    /// <summary>The high bound.</summary>
    public object? High { get; } = high;
    /// <summary>True when the high bound is part of the interval.</summary>
    public bool HighClosed { get; } = highClosed;

    /// <summary>Structural equality.</summary>
    public bool Equals(CqlInterval? other) =>
        other is not null && LowClosed == other.LowClosed && HighClosed == other.HighClosed && Equals(Low, other.Low) && Equals(High, other.High);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CqlInterval);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Low, High, LowClosed, HighClosed);

    /// <inheritdoc />
    public override string ToString() =>
        $"Interval{(LowClosed ? "[" : "(")}{CqlFormatter.Format(Low)}, {CqlFormatter.Format(High)}{(HighClosed ? "]" : ")")}";
}
