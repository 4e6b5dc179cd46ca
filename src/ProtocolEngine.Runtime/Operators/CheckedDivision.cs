using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>
/// The division operators as rules call them: the result is CQL's (null for a zero divisor, from
/// <see cref="Arithmetic"/>), and a zero divisor is also noted on the context, so that a host which must tell a
/// defective rule from missing data (data checks report it as an execution error) can. The native backend passes the
/// divisor of every division through <see cref="NotingZero{T}"/> (the table marks which builtins divide), so one
/// method serves every operator and type.
/// </summary>
internal static class CheckedDivision
{
    /// <summary>The divisor unchanged, after noting on the context when it is zero (of any number or quantity type).</summary>
    public static T NotingZero<T>(EvaluationContext ctx, T divisor)
    {
        if ((object?)divisor is 0 or 0L or 0m or CqlQuantity { Value: 0m }) ctx.NoteDivisionByZero();
        return divisor;
    }
}
