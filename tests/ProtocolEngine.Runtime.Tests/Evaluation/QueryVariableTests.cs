using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using static ProtocolEngine.Runtime.Tests.Evaluation.TestStudy;

namespace ProtocolEngine.Runtime.Tests.Evaluation;

/// <summary>
/// Each query starts from its own state. Found on the pilot (nsclc-recist EXCL03): the second query of
/// <c>exists A and exists B</c> inherited the first's uncertainty (the expression compiler reuses a variable's slot and
/// does not zero it), so "unknown and false" came out unknown instead of false.
/// </summary>
public sealed class QueryVariableTests
{
    [Theory]
    [InlineData("exists (MH M where M.MHENRTPT = 'ONGOING') and exists (CM C where C.CMSTDTC > @2020-01-01)", false)]
    [InlineData("exists (MH M where M.MHENRTPT = 'ONGOING') and false", false)]
    [InlineData("exists (MH M where M.MHENRTPT = 'ONGOING') and (1 > 2)", false)]
    [InlineData("exists (MH M where M.MHENRTPT = 'ONGOING') and exists (CM C where C.CMDECOD = 'X')", false)]
    [InlineData("exists (MH M where M.MHENRTPT = 'ONGOING')", null)]
    [InlineData("exists (CM C where C.CMSTDTC > @2020-01-01)", false)]
    [InlineData("(DM.AGE > 200) and exists (CM C where C.CMSTDTC > @2020-01-01)", false)]
    public void ASecondQuery_DoesNotInheritTheFirstsUncertainty(string rule, bool? expected)
    {
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText($"protocol Q version \"1\"\n  data SDTM \"3.4\"\ncriteria\n  inclusion A \"a\"\n    {rule}\n", "q.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var study = new TestStudy()
            .Table("DM", Row(("USUBJID", "S1"), ("AGE", null)))
            .Table("MH", Row(("USUBJID", "S1"), ("MHSEQ", 1), ("MHDECOD", "GOUT")))
            .Table("CM", Row(("USUBJID", "S1"), ("CMSEQ", 1), ("CMDECOD", "Y"), ("CMSTDTC", "2010-01-01")))
            .Build();
        var protocol = ExecutableProtocol.For(compiled);
        var ctx = protocol.CreateContext(study, CqlDateTime.ParseIso("2024-06-01"));
        ctx.MissingDataIsUnknown = true;
        ctx.BeginSubject(0);
        var r = RuleRunner.Run(ctx, protocol.Criteria[0].Rule!, "A", default, null);
        Assert.True(r.Succeeded, r.Error?.Message);
        Assert.Equal(expected, r.Value);
    }
}
