using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Operators;

namespace ProtocolEngine.Runtime.Evaluation;

/// <summary>The value of one rule, or the runtime diagnostic that stopped it.</summary>
/// <typeparam name="T">The rule's result type.</typeparam>
/// <param name="Value">The value (default when the rule failed).</param>
/// <param name="Error">The PE9xxx diagnostic naming the rule and its span, when the rule failed.</param>
public readonly record struct RuleResult<T>(T? Value, Diagnostic? Error)
{
    /// <summary>True when the rule ran to the end.</summary>
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs one rule inside its limits and turns any failure into a runtime diagnostic, so an error in one
/// criterion or check never stops the others.
/// </summary>
public static class RuleRunner
{
    /// <summary>Runs <paramref name="rule"/> for the context's current subject.</summary>
    /// <param name="ctx">The evaluation context.</param>
    /// <param name="rule">The compiled rule.</param>
    /// <param name="ruleName">The rule's id, for the diagnostic.</param>
    /// <param name="span">The rule's span in <paramref name="source"/>.</param>
    /// <param name="source">The rule's file.</param>
    public static RuleResult<T> Run<T>(EvaluationContext ctx, Func<EvaluationContext, T> rule, string ruleName, TextSpan span, SourceText? source)
    {
        ctx.BeginRule();
        try
        {
            return new RuleResult<T>(rule(ctx), null);
        }
        catch (EvaluationLimitException e)
        {
            var d = e.Limit switch
            {
                "steps" => DiagnosticCatalog.StepLimitExceeded(span, ruleName, ctx.Limits.MaxSteps),
                "time" => DiagnosticCatalog.TimeLimitExceeded(span, ruleName, ctx.Limits.MaxTime),
                _ => DiagnosticCatalog.ListSizeLimitExceeded(span, ruleName, ctx.Limits.MaxListSize),
            };
            return new RuleResult<T>(default, d with { Source = source });
        }
        catch (Exception e) when (e is CqlRuntimeException or ArithmeticException or FormatException or InvalidCastException or ArgumentException or System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return new RuleResult<T>(default, DiagnosticCatalog.RuntimeError(span, ruleName, e.Message) with { Source = source });
        }
    }
}
