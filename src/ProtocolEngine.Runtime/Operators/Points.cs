using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>Steps between interval points of each type: successor, predecessor, extremes, differences.</summary>
internal static class Points
{
    /// <summary>The smallest step of a Decimal or Quantity (CQL keeps 8 decimal places).</summary>
    public const decimal DecimalStep = 0.00000001m;

    /// <summary>The CQL minimum Decimal.</summary>
    public const decimal MinDecimal = -99999999999999999999.99999999m;

    /// <summary>The CQL maximum Decimal.</summary>
    public const decimal MaxDecimal = 99999999999999999999.99999999m;

    /// <summary>The next value (error past the maximum).</summary>
    public static object? Successor(object? value) => value switch
    {
        null => null,
        int i => i == int.MaxValue ? throw new CqlRuntimeException("The successor of the maximum Integer is undefined.") : i + 1,
        long l => l == long.MaxValue ? throw new CqlRuntimeException("The successor of the maximum Long is undefined.") : l + 1,
        decimal d => d >= MaxDecimal ? throw new CqlRuntimeException("The successor of the maximum Decimal is undefined.") : d + DecimalStep,
        CqlQuantity q => new CqlQuantity(q.Value + DecimalStep, q.Unit),
        CqlDateTime dt => Temporal.Successor(dt),
        CqlDate date => Temporal.Successor(date),
        CqlTime t => Temporal.Successor(t),
        _ => throw new CqlRuntimeException($"{CqlFormatter.Format(value)} has no successor."),
    };

    /// <summary>The previous value (error before the minimum).</summary>
    public static object? Predecessor(object? value) => value switch
    {
        null => null,
        int i => i == int.MinValue ? throw new CqlRuntimeException("The predecessor of the minimum Integer is undefined.") : i - 1,
        long l => l == long.MinValue ? throw new CqlRuntimeException("The predecessor of the minimum Long is undefined.") : l - 1,
        decimal d => d <= MinDecimal ? throw new CqlRuntimeException("The predecessor of the minimum Decimal is undefined.") : d - DecimalStep,
        CqlQuantity q => new CqlQuantity(q.Value - DecimalStep, q.Unit),
        CqlDateTime dt => Temporal.Successor(dt, -1),
        CqlDate date => Temporal.Successor(date, -1),
        CqlTime t => Temporal.Successor(t, -1),
        _ => throw new CqlRuntimeException($"{CqlFormatter.Format(value)} has no predecessor."),
    };

    /// <summary>The minimum value of the same type as <paramref name="example"/> (null when unknown).</summary>
    public static object? MinValueLike(object? example) => example switch
    {
        int => int.MinValue,
        long => long.MinValue,
        decimal => MinDecimal,
        CqlQuantity q => new CqlQuantity(MinDecimal, q.Unit),
        CqlDateTime => new CqlDateTime(1, 1, 1, 0, 0, 0, 0, DateTimePrecision.Millisecond, null),
        CqlDate => new CqlDate(1, 1, 1, DateTimePrecision.Day),
        CqlTime => new CqlTime(0, 0, 0, 0, DateTimePrecision.Millisecond),
        _ => null,
    };

    /// <summary>The maximum value of the same type as <paramref name="example"/> (null when unknown).</summary>
    public static object? MaxValueLike(object? example) => example switch
    {
        int => int.MaxValue,
        long => long.MaxValue,
        decimal => MaxDecimal,
        CqlQuantity q => new CqlQuantity(MaxDecimal, q.Unit),
        CqlDateTime => new CqlDateTime(9999, 12, 31, 23, 59, 59, 999, DateTimePrecision.Millisecond, null),
        CqlDate => new CqlDate(9999, 12, 31, DateTimePrecision.Day),
        CqlTime => new CqlTime(23, 59, 59, 999, DateTimePrecision.Millisecond),
        _ => null,
    };

    /// <summary>a - b for numbers and quantities (null for other types or nulls).</summary>
    public static object? Difference(object? a, object? b) => (a, b) switch
    {
        (int x, int y) => x - y,
        (long x, long y) => x - y,
        (decimal x, decimal y) => x - y,
        (CqlQuantity x, CqlQuantity y) => Units.Convert(y, x.Unit) is { } yc ? new CqlQuantity(x.Value - yc.Value, x.Unit) : null,
        _ => null,
    };

    /// <summary>A point plus a step (a number, or a quantity for dates and quantities).</summary>
    public static object? Add(object? point, CqlQuantity step) => point switch
    {
        null => null,
        int i => i + (int)step.Value,
        long l => l + (long)step.Value,
        decimal d => d + step.Value,
        CqlQuantity q => Units.Convert(step, q.Unit) is { } s ? new CqlQuantity(q.Value + s.Value, q.Unit) : null,
        CqlDateTime dt => Temporal.Add(dt, step),
        CqlDate date => Temporal.Add(date, step),
        CqlTime t => Temporal.Add(t, step),
        _ => null,
    };

    /// <summary>The natural step of a point type: 1 for numbers, one unit of precision for dates and times.</summary>
    public static CqlQuantity DefaultStep(object point) => point switch
    {
        decimal d => new CqlQuantity(1m, "1"),
        CqlQuantity q => new CqlQuantity(1m, q.Unit),
        CqlDateTime dt => new CqlQuantity(1, dt.Precision switch
        {
            DateTimePrecision.Year => "year", DateTimePrecision.Month => "month", DateTimePrecision.Day => "day", DateTimePrecision.Hour => "hour",
            DateTimePrecision.Minute => "minute", DateTimePrecision.Second => "second", _ => "millisecond",
        }),
        CqlDate date => new CqlQuantity(1, date.Precision switch { DateTimePrecision.Year => "year", DateTimePrecision.Month => "month", _ => "day" }),
        CqlTime t => new CqlQuantity(1, t.Precision switch
        {
            DateTimePrecision.Hour => "hour", DateTimePrecision.Minute => "minute", DateTimePrecision.Second => "second", _ => "millisecond",
        }),
        _ => new CqlQuantity(1m, "1"),
    };
}
