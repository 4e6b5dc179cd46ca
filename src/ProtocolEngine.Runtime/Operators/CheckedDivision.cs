using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>
/// The division operators as rules call them: the result is CQL's (null for a zero divisor), and a zero
/// divisor is also noted on the context, so that a host which must tell a defective rule from missing data
/// (data checks report it as an execution error) can.
/// </summary>
public static class CheckedDivision
{
    /// <summary>a / b, noting a zero divisor.</summary>
    public static decimal? Divide(EvaluationContext ctx, decimal? a, decimal? b)
    {
        if (b == 0m) ctx.NoteDivisionByZero();
        return Arithmetic.Divide(a, b);
    }

    /// <summary>a / b of quantities, noting a zero divisor.</summary>
    public static CqlQuantity? Divide(EvaluationContext ctx, CqlQuantity? a, CqlQuantity? b)
    {
        if (b is { Value: 0m }) ctx.NoteDivisionByZero();
        return Arithmetic.Divide(a, b);
    }

    /// <summary>a div b, noting a zero divisor.</summary>
    public static int? TruncatedDivide(EvaluationContext ctx, int? a, int? b)
    {
        if (b == 0) ctx.NoteDivisionByZero();
        return Arithmetic.TruncatedDivide(a, b);
    }

    /// <summary>a div b, noting a zero divisor.</summary>
    public static long? TruncatedDivide(EvaluationContext ctx, long? a, long? b)
    {
        if (b == 0L) ctx.NoteDivisionByZero();
        return Arithmetic.TruncatedDivide(a, b);
    }

    /// <summary>a div b, noting a zero divisor.</summary>
    public static decimal? TruncatedDivide(EvaluationContext ctx, decimal? a, decimal? b)
    {
        if (b == 0m) ctx.NoteDivisionByZero();
        return Arithmetic.TruncatedDivide(a, b);
    }

    /// <summary>a div b of quantities, noting a zero divisor.</summary>
    public static CqlQuantity? TruncatedDivide(EvaluationContext ctx, CqlQuantity? a, CqlQuantity? b)
    {
        if (b is { Value: 0m }) ctx.NoteDivisionByZero();
        return Arithmetic.TruncatedDivide(a, b);
    }

    /// <summary>a mod b, noting a zero divisor.</summary>
    public static int? Modulo(EvaluationContext ctx, int? a, int? b)
    {
        if (b == 0) ctx.NoteDivisionByZero();
        return Arithmetic.Modulo(a, b);
    }

    /// <summary>a mod b, noting a zero divisor.</summary>
    public static long? Modulo(EvaluationContext ctx, long? a, long? b)
    {
        if (b == 0L) ctx.NoteDivisionByZero();
        return Arithmetic.Modulo(a, b);
    }

    /// <summary>a mod b, noting a zero divisor.</summary>
    public static decimal? Modulo(EvaluationContext ctx, decimal? a, decimal? b)
    {
        if (b == 0m) ctx.NoteDivisionByZero();
        return Arithmetic.Modulo(a, b);
    }

    /// <summary>a mod b of quantities, noting a zero divisor.</summary>
    public static CqlQuantity? Modulo(EvaluationContext ctx, CqlQuantity? a, CqlQuantity? b)
    {
        if (b is { Value: 0m }) ctx.NoteDivisionByZero();
        return Arithmetic.Modulo(a, b);
    }
}
