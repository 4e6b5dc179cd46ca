using static ProtocolEngine.Language.Tests.Limits.LimitsTestSupport;

namespace ProtocolEngine.Language.Tests.Limits;

/// <summary>
/// Texts the fuzz test (tests/ProtocolEngine.Cli.Tests/Fuzz) found to end in an internal error, cut down to their cause:
/// each must compile to diagnostics, never throw.
/// </summary>
public sealed class FuzzRegressionTests
{
    [Theory]
    // A name where a code list expects a code: error recovery left the entry without its code token.
    [InlineData("codelist Tests \"Tests\" system \"S\"\n  \"ALT\", \"AST\", AETERM, \"NEUT\"\n")]
    // A quote opened before a code list's entries.
    [InlineData("codelist Drugs \"Drugs\" system \"ATC\"\n  ' \"L01FF01\" \"nivolumab\", \"L01FF02\" \"pembrolizumab\"\n")]
    // An entry of nothing but a comma.
    [InlineData("codelist Drugs \"Drugs\" system \"ATC\"\n  \"A\" \"a\", , \"B\"\n")]
    public void Fuzz_ACodeListEntryWithoutItsCode_IsASyntaxError(string codeList)
    {
        var compiled = Compile(Header + codeList + "\ncriteria\n  inclusion I1 \"x\"\n    DM.AGE > 1\n");
        Assert.Contains(compiled.Diagnostics, d => d.IsError && d.Code.StartsWith("PE0", StringComparison.Ordinal));
    }
}
