using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>
/// Arithmetic. Results that do not fit the type are null (CQL 1.5: overflow yields null), division by
/// zero is null, and quantities convert units where they must agree.
/// </summary>
internal static class Arithmetic
{
    // The operands are passed to a static lambda rather than captured by a closure: a closure and its delegate were
    // allocated at every evaluation (screening computes `3 * ULN` for every subject).
    private static T? Safe<TA, T>(TA x, Func<TA, T> f) where T : struct
    {
        try
        {
            return f(x);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static T? Safe<TA, TB, T>(TA x, TB y, Func<TA, TB, T> f) where T : struct
    {
        try
        {
            return f(x, y);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>Decimals outside CQL's range (20 digits before the point, 8 after) are null.</summary>
    private static decimal? Range(decimal? d) => d is null || d > Points.MaxDecimal || d < Points.MinDecimal ? null : d;

    /// <summary>a + b.</summary>
    public static int? Add(int? a, int? b) => a is null || b is null ? null : Safe(a.Value, b.Value, static (x, y) => checked(x + y));
    /// <summary>a + b.</summary>
    public static long? Add(long? a, long? b) => a is null || b is null ? null : Safe(a.Value, b.Value, static (x, y) => checked(x + y));
    /// <summary>a + b.</summary>
    public static decimal? Add(decimal? a, decimal? b) => a is null || b is null ? null : Range(Safe(a.Value, b.Value, static (x, y) => x + y));
    /// <summary>a + b for quantities of compatible units (in the first's unit).</summary>
    public static CqlQuantity? Add(CqlQuantity? a, CqlQuantity? b) => Combine(a, b, (x, y) => x + y);

    /// <summary>a - b.</summary>
    public static int? Subtract(int? a, int? b) => a is null || b is null ? null : Safe(a.Value, b.Value, static (x, y) => checked(x - y));
    /// <summary>a - b.</summary>
    public static long? Subtract(long? a, long? b) => a is null || b is null ? null : Safe(a.Value, b.Value, static (x, y) => checked(x - y));
    /// <summary>a - b.</summary>
    public static decimal? Subtract(decimal? a, decimal? b) => a is null || b is null ? null : Range(Safe(a.Value, b.Value, static (x, y) => x - y));
    /// <summary>a - b for quantities.</summary>
    public static CqlQuantity? Subtract(CqlQuantity? a, CqlQuantity? b) => Combine(a, b, (x, y) => x - y);

    private static CqlQuantity? Combine(CqlQuantity? a, CqlQuantity? b, Func<decimal, decimal, decimal> op)
    {
        if (a is null || b is null) return null;
        if (a.Unit == b.Unit) return new CqlQuantity(op(a.Value, b.Value), a.Unit);
        var converted = Units.Convert(b, a.Unit) ?? throw new CqlRuntimeException($"{a} and {b} have incompatible units.");
        return new CqlQuantity(op(a.Value, converted.Value), a.Unit);
    }

    /// <summary>a * b.</summary>
    public static int? Multiply(int? a, int? b) => a is null || b is null ? null : Safe(a.Value, b.Value, static (x, y) => checked(x * y));
    /// <summary>a * b.</summary>
    public static long? Multiply(long? a, long? b) => a is null || b is null ? null : Safe(a.Value, b.Value, static (x, y) => checked(x * y));
    /// <summary>a * b.</summary>
    public static decimal? Multiply(decimal? a, decimal? b) => a is null || b is null ? null : Range(Safe(a.Value, b.Value, static (x, y) => x * y));
    /// <summary>a * b with units multiplied ('cm' x 'cm' = 'cm2').</summary>
    public static CqlQuantity? Multiply(CqlQuantity? a, CqlQuantity? b) =>
        a is null || b is null ? null : new CqlQuantity(Eight(a.Value * b.Value), Units.Multiply(a.Unit, b.Unit));

    /// <summary>a / b; null when b is 0.</summary>
    public static decimal? Divide(decimal? a, decimal? b) => a is null || b is null || b.Value == 0 ? null : Range(Safe(a.Value, b.Value, static (x, y) => Eight(x / y)));

    /// <summary>CQL decimals keep 8 decimal places: results that do not terminate are rounded there.</summary>
    internal static decimal Eight(decimal d) => d.Scale > 8 ? decimal.Round(d, 8, MidpointRounding.AwayFromZero) : d;
    /// <summary>a / b with units divided ('g' / 'g' = '1').</summary>
    public static CqlQuantity? Divide(CqlQuantity? a, CqlQuantity? b)
    {
        if (a is null || b is null || b.Value == 0) return null;
        if (a.Unit != b.Unit && Units.Convert(b, a.Unit) is { } same) return same.Value == 0 ? null : new CqlQuantity(Eight(a.Value / same.Value), "1");
        return new CqlQuantity(Eight(a.Value / b.Value), Units.Divide(a.Unit, b.Unit));
    }

    /// <summary>Integer division truncated toward zero; null when b is 0.</summary>
    public static int? TruncatedDivide(int? a, int? b) => a is null || b is null || b.Value == 0 ? null : Safe(a.Value, b.Value, static (x, y) => checked(x / y));
    /// <summary>Integer division truncated toward zero.</summary>
    public static long? TruncatedDivide(long? a, long? b) => a is null || b is null || b.Value == 0 ? null : Safe(a.Value, b.Value, static (x, y) => checked(x / y));
    /// <summary>Division truncated toward zero.</summary>
    public static decimal? TruncatedDivide(decimal? a, decimal? b) => a is null || b is null || b.Value == 0 ? null : decimal.Truncate(a.Value / b.Value);
    /// <summary>Quantity division truncated toward zero.</summary>
    public static CqlQuantity? TruncatedDivide(CqlQuantity? a, CqlQuantity? b) =>
        a is null || b is null || b.Value == 0 ? null : Units.Convert(b, a.Unit) is { } bc && bc.Value != 0 ? new CqlQuantity(decimal.Truncate(a.Value / bc.Value), a.Unit) : null;

    /// <summary>Remainder with the sign of the dividend; null when b is 0.</summary>
    public static int? Modulo(int? a, int? b) => a is null || b is null || b.Value == 0 ? null : a.Value % b.Value;
    /// <summary>Remainder.</summary>
    public static long? Modulo(long? a, long? b) => a is null || b is null || b.Value == 0 ? null : a.Value % b.Value;
    /// <summary>Remainder.</summary>
    public static decimal? Modulo(decimal? a, decimal? b) => a is null || b is null || b.Value == 0 ? null : a.Value % b.Value;
    /// <summary>Remainder of quantities.</summary>
    public static CqlQuantity? Modulo(CqlQuantity? a, CqlQuantity? b) =>
        a is null || b is null || b.Value == 0 ? null : Units.Convert(b, a.Unit) is { } bc && bc.Value != 0 ? new CqlQuantity(a.Value % bc.Value, a.Unit) : null;

    /// <summary>a raised to b (null when not representable).</summary>
    public static int? Power(int? a, int? b)
    {
        if (a is null || b is null) return null;
        if (b < 0) return null;
        var r = Math.Pow(a.Value, b.Value);
        return r is > int.MaxValue or < int.MinValue ? null : (int)r;
    }

    /// <summary>a raised to b.</summary>
    public static long? Power(long? a, long? b)
    {
        if (a is null || b is null || b < 0) return null;
        try
        {
            long result = 1;
            for (long i = 0; i < b.Value; i++) result = checked(result * a.Value);
            return result;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>a raised to b.</summary>
    public static decimal? Power(decimal? a, decimal? b)
    {
        if (a is null || b is null) return null;
        if (b == decimal.Truncate(b.Value) && Math.Abs(b.Value) <= 64)
        {
            // Integral exponents stay exact in decimal.
            try
            {
                decimal result = 1;
                for (int i = 0; i < Math.Abs((int)b.Value); i++) result *= a.Value;
                return b < 0 ? (result == 0 ? null : 1 / result) : result;
            }
            catch (OverflowException)
            {
                return null;
            }
        }
        var r = Math.Pow((double)a.Value, (double)b.Value);
        return double.IsNaN(r) || double.IsInfinity(r) ? null : Range(Safe(r, static x => Eight((decimal)x)));
    }

    /// <summary>-a.</summary>
    public static int? Negate(int? a) => a is null ? null : Safe(a.Value, static x => checked(-x));
    /// <summary>-a.</summary>
    public static long? Negate(long? a) => a is null ? null : Safe(a.Value, static x => checked(-x));
    /// <summary>-a.</summary>
    public static decimal? Negate(decimal? a) => -a;
    /// <summary>-a.</summary>
    public static CqlQuantity? Negate(CqlQuantity? a) => a is null ? null : new CqlQuantity(-a.Value, a.Unit);

    /// <summary>|a|.</summary>
    public static int? Abs(int? a) => a is null ? null : Safe(a.Value, static x => Math.Abs(x));
    /// <summary>|a|.</summary>
    public static long? Abs(long? a) => a is null ? null : Safe(a.Value, static x => Math.Abs(x));
    /// <summary>|a|.</summary>
    public static decimal? Abs(decimal? a) => a is null ? null : Math.Abs(a.Value);
    /// <summary>|a|.</summary>
    public static CqlQuantity? Abs(CqlQuantity? a) => a is null ? null : new CqlQuantity(Math.Abs(a.Value), a.Unit);

    /// <summary>The smallest integer not below a (null outside the Integer range).</summary>
    public static int? Ceiling(decimal? a) => ToInt(a is null ? null : Math.Ceiling(a.Value));
    /// <summary>The largest integer not above a.</summary>
    public static int? Floor(decimal? a) => ToInt(a is null ? null : Math.Floor(a.Value));
    /// <summary>The integer part of a.</summary>
    public static int? Truncate(decimal? a) => ToInt(a is null ? null : decimal.Truncate(a.Value));

    private static int? ToInt(decimal? d) => d is null || d > int.MaxValue || d < int.MinValue ? null : (int)d.Value;

    /// <summary>Rounds to a whole number (halves away from zero: Round(-0.5) is -1.0).</summary>
    public static decimal? Round(decimal? a) => Round(a, 0);

    /// <summary>Rounds to the given number of decimal places, halves away from zero.</summary>
    public static decimal? Round(decimal? a, int? places)
    {
        if (a is null) return null;
        int p = Math.Clamp(places ?? 0, 0, 28);
        var rounded = decimal.Round(a.Value, p, MidpointRounding.AwayFromZero);
        // Keep at least one decimal place, as CQL writes Round results (Round(1) = 1.0).
        return p == 0 ? rounded + 0.0m : rounded;
    }

    /// <summary>e raised to a.</summary>
    public static decimal? Exp(decimal? a)
    {
        if (a is null) return null;
        var r = Math.Exp((double)a.Value);
        if (double.IsInfinity(r) || r > (double)Points.MaxDecimal) throw new CqlRuntimeException($"Exp({a}) is out of the range of Decimal.");
        return Eight((decimal)r);
    }

    /// <summary>Natural logarithm (error for a &lt;= 0).</summary>
    public static decimal? Ln(decimal? a)
    {
        if (a is null) return null;
        if (a <= 0) throw new CqlRuntimeException($"Ln({a}) is undefined.");
        return Eight((decimal)Math.Log((double)a.Value));
    }

    /// <summary>Logarithm of a in base b (null when undefined).</summary>
    public static decimal? Log(decimal? a, decimal? b)
    {
        if (a is null || b is null || a <= 0 || b <= 0 || b == 1) return null;
        var r = Math.Log((double)a.Value, (double)b.Value);
        return double.IsNaN(r) || double.IsInfinity(r) ? null : decimal.Round((decimal)r, 8);
    }

    /// <summary>The next value (error past the maximum).</summary>
    public static int? Successor(int? a) => a is null ? null : (int?)Points.Successor(a.Value);
    /// <summary>The next value.</summary>
    public static long? Successor(long? a) => a is null ? null : (long?)Points.Successor(a.Value);
    /// <summary>The next value (1e-8 later).</summary>
    public static decimal? Successor(decimal? a) => a is null ? null : (decimal?)Points.Successor(a.Value);
    /// <summary>The next value (1e-8 later).</summary>
    public static CqlQuantity? Successor(CqlQuantity? a) => (CqlQuantity?)Points.Successor(a);
    /// <summary>The previous value.</summary>
    public static int? Predecessor(int? a) => a is null ? null : (int?)Points.Predecessor(a.Value);
    /// <summary>The previous value.</summary>
    public static long? Predecessor(long? a) => a is null ? null : (long?)Points.Predecessor(a.Value);
    /// <summary>The previous value.</summary>
    public static decimal? Predecessor(decimal? a) => a is null ? null : (decimal?)Points.Predecessor(a.Value);
    /// <summary>The previous value.</summary>
    public static CqlQuantity? Predecessor(CqlQuantity? a) => (CqlQuantity?)Points.Predecessor(a);
    /// <summary>The next date at its precision.</summary>
    public static CqlDate? Successor(CqlDate? a) => (CqlDate?)Points.Successor(a);
    /// <summary>The previous date.</summary>
    public static CqlDate? Predecessor(CqlDate? a) => (CqlDate?)Points.Predecessor(a);
    /// <summary>The next date-time at its precision.</summary>
    public static CqlDateTime? Successor(CqlDateTime? a) => (CqlDateTime?)Points.Successor(a);
    /// <summary>The previous date-time.</summary>
    public static CqlDateTime? Predecessor(CqlDateTime? a) => (CqlDateTime?)Points.Predecessor(a);
    /// <summary>The next time at its precision.</summary>
    public static CqlTime? Successor(CqlTime? a) => (CqlTime?)Points.Successor(a);
    /// <summary>The previous time.</summary>
    public static CqlTime? Predecessor(CqlTime? a) => (CqlTime?)Points.Predecessor(a);

    /// <summary>The number of decimal places of a decimal.</summary>
    public static int? Precision(decimal? a) => a?.Scale;
    /// <summary>The precision digits of a date (4, 6 or 8).</summary>
    public static int? Precision(CqlDate? a) => a is null ? null : Temporal.PrecisionDigits(a);
    /// <summary>The precision digits of a date-time (4 to 17).</summary>
    public static int? Precision(CqlDateTime? a) => a is null ? null : Temporal.PrecisionDigits(a);
    /// <summary>The precision digits of a time (2 to 9).</summary>
    public static int? Precision(CqlTime? a) => a is null ? null : Temporal.PrecisionDigits(a);

    /// <summary>The least decimal the value could stand for at the given number of places.</summary>
    public static decimal? LowBoundary(decimal? a, int? places)
    {
        if (a is null) return null;
        int p = places ?? 8;
        if (p < 0 || p > 28) return null;
        var truncated = decimal.Round(a.Value, Math.Min(a.Value.Scale, p), MidpointRounding.ToZero);
        return decimal.Parse(truncated.ToString("F" + p, System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The greatest decimal the value could stand for at the given number of places.</summary>
    public static decimal? HighBoundary(decimal? a, int? places)
    {
        if (a is null) return null;
        int p = places ?? 8;
        if (p < 0 || p > 28 || p < a.Value.Scale) return null;
        var text = a.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!text.Contains('.')) text += ".";
        int have = a.Value.Scale;
        text += new string(a.Value >= 0 ? '9' : '9', p - have);
        return decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The earliest date the value could stand for at the precision digits.</summary>
    public static CqlDate? LowBoundary(CqlDate? a, int? digits) =>
        a is null || Temporal.FromDigits(digits ?? 8, false) is not { } p || p > DateTimePrecision.Day ? null : Temporal.Boundary(a, p, high: false);
    /// <summary>The latest date the value could stand for.</summary>
    public static CqlDate? HighBoundary(CqlDate? a, int? digits) =>
        a is null || Temporal.FromDigits(digits ?? 8, false) is not { } p || p > DateTimePrecision.Day ? null : Temporal.Boundary(a, p, high: true);
    /// <summary>The earliest date-time the value could stand for.</summary>
    public static CqlDateTime? LowBoundary(CqlDateTime? a, int? digits) =>
        a is null || Temporal.FromDigits(digits ?? 17, false) is not { } p ? null : Temporal.Boundary(a, p, high: false);
    /// <summary>The latest date-time the value could stand for.</summary>
    public static CqlDateTime? HighBoundary(CqlDateTime? a, int? digits) =>
        a is null || Temporal.FromDigits(digits ?? 17, false) is not { } p ? null : Temporal.Boundary(a, p, high: true);
    /// <summary>The earliest time the value could stand for.</summary>
    public static CqlTime? LowBoundary(CqlTime? a, int? digits) =>
        a is null || Temporal.FromDigits(digits ?? 9, true) is not { } p ? null : Temporal.Boundary(a, p, high: false);
    /// <summary>The latest time the value could stand for.</summary>
    public static CqlTime? HighBoundary(CqlTime? a, int? digits) =>
        a is null || Temporal.FromDigits(digits ?? 9, true) is not { } p ? null : Temporal.Boundary(a, p, high: true);

    /// <summary>A date plus a duration.</summary>
    public static CqlDate? Add(CqlDate? a, CqlQuantity? q) => Temporal.Add(a, q);
    /// <summary>A date-time plus a duration.</summary>
    public static CqlDateTime? Add(CqlDateTime? a, CqlQuantity? q) => Temporal.Add(a, q);
    /// <summary>A time plus a duration.</summary>
    public static CqlTime? Add(CqlTime? a, CqlQuantity? q) => Temporal.Add(a, q);
    /// <summary>A date minus a duration.</summary>
    public static CqlDate? Subtract(CqlDate? a, CqlQuantity? q) => Temporal.Add(a, q, -1);
    /// <summary>A date-time minus a duration.</summary>
    public static CqlDateTime? Subtract(CqlDateTime? a, CqlQuantity? q) => Temporal.Add(a, q, -1);
    /// <summary>A time minus a duration.</summary>
    public static CqlTime? Subtract(CqlTime? a, CqlQuantity? q) => Temporal.Add(a, q, -1);
}
