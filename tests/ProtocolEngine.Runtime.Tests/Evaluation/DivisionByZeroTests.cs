using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Tests.Evaluation;

/// <summary>Division by zero stays CQL's null, and the context notes it so data checks can report it as an error.</summary>
public sealed class DivisionByZeroTests
{
    private static (object? Value, int Noted) Evaluate(string expression)
    {
        var compiled = ProtocolCompiler.CompileExpression(new SourceText(expression, "t"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var (protocol, run) = ExecutableProtocol.ForExpression(compiled);
        var ctx = protocol.CreateContext(null, CqlDateTime.ParseIso("2014-01-01"));
        ctx.BeginRule();
        var value = run(ctx);
        return (value, ctx.DivisionsByZero);
    }

    [Theory]
    [InlineData("1.0 / 0")]
    [InlineData("5 div 0")]
    [InlineData("5L mod 0L")]
    [InlineData("2.5 mod 0.0")]
    [InlineData("5 'mg' / 0 'mg'")]
    [InlineData("5 'mg' div 0 'mg'")]
    public void A_zero_divisor_gives_null_and_is_noted(string expression)
    {
        var (value, noted) = Evaluate(expression);
        Assert.Null(value);
        Assert.Equal(1, noted);
    }

    [Theory]
    [InlineData("1.0 / 4", "0.25")]
    [InlineData("7 div 2", "3")]
    [InlineData("null / 0", null)]
    public void A_nonzero_divisor_is_not_noted(string expression, string? expected)
    {
        var (value, noted) = Evaluate(expression);
        if (expected is null) Assert.Null(value);
        else Assert.Equal(expected, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected is null ? 1 : 0, noted);
    }

    [Fact]
    public void Beginning_a_rule_clears_the_note()
    {
        var compiled = ProtocolCompiler.CompileExpression(new SourceText("1.0 / 0", "t"));
        var (protocol, run) = ExecutableProtocol.ForExpression(compiled);
        var ctx = protocol.CreateContext(null, CqlDateTime.ParseIso("2014-01-01"));
        ctx.BeginRule();
        run(ctx);
        Assert.Equal(1, ctx.DivisionsByZero);
        ctx.BeginRule();
        Assert.Equal(0, ctx.DivisionsByZero);
    }
}
