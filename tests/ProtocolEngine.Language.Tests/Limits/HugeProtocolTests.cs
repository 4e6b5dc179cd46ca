using ProtocolEngine.Language.Compilation;
using static ProtocolEngine.Language.Tests.Limits.LimitsTestSupport;

namespace ProtocolEngine.Language.Tests.Limits;

/// <summary>Large files: a size limit reported as a diagnostic, a criteria limit, and work that grows linearly with the text.</summary>
public sealed class HugeProtocolTests
{
    [Fact]
    public void HugeProtocol_OverTheSizeLimit_IsOneDiagnosticAndIsNotParsed()
    {
        var text = Generated(20_000);
        var compiled = Compile(text, new CompilerLimits { MaxSourceLength = 10_000 });
        var diagnostic = Assert.Single(compiled.Diagnostics);
        Assert.Equal("PE0015", diagnostic.Code);
        Assert.Contains("more than 10,000 characters", diagnostic.Message, StringComparison.Ordinal);
        Assert.Empty(compiled.Syntax.Declarations);
    }

    [Fact]
    public void HugeProtocol_AtTheSizeLimit_Compiles()
    {
        var text = Generated(20_000);
        Assert.DoesNotContain(Compile(text, new CompilerLimits { MaxSourceLength = text.Length }).Diagnostics, d => d.Code == "PE0015");
    }

    [Fact]
    public void HugeProtocol_TooManyCriteria_IsReportedAtTheFirstOneOverTheLimit()
    {
        var compiled = Compile(Generated(20_000), new CompilerLimits { MaxCriteria = 10 });
        var diagnostic = Assert.Single(compiled.Diagnostics);
        Assert.Equal("PE1042", diagnostic.Code);
        Assert.Equal(compiled.Criteria[10].Syntax.Name.Span, diagnostic.Span);
    }

    [Fact]
    public void HugeProtocol_CompileWorkGrowsLinearlyWithTheText()
    {
        // Allocation measures the work without the noise of a shared machine's clock: four times the text must cost
        // about four times as much (a message placeholder once copied all the text before it: sixteen times).
        var limits = new CompilerLimits { MaxCriteria = int.MaxValue };
        long Allocated(string text)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var compiled = Compile(text, limits);
            Assert.False(compiled.HasErrors, string.Join("; ", compiled.Diagnostics.Take(3)));
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(Generated(50_000));
        long small = Allocated(Generated(250_000));
        long large = Allocated(Generated(1_000_000));
        double ratio = (double)large / small;
        Assert.True(ratio < 5.5, $"Compiling 4x the text allocated {ratio:F1}x as much ({small:N0} then {large:N0} bytes).");
    }
}
