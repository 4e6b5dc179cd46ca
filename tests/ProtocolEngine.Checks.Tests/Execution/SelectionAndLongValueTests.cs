using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks.Tests.Execution;

/// <summary>
/// `validate --check NOSUCH` ran 0 checks and reported success; an unknown check id is now an error naming the
/// closest and the valid ones. A very long value in a finding is shown cut, saying how much is left.
/// </summary>
public sealed class SelectionAndLongValueTests
{
    private const string Protocol = "protocol T version \"1\"\n  data SDTM \"3.4\"\n\n" + """
        check SEX_KNOWN "Sex is recorded" for each DM D expect D.SEX is not null
        check TERM_SHORT "Terms are short" for each AE A expect Length(A.AETERM) < 50 message "AETERM is {A.AETERM}"
        """;

    [Fact]
    public void AnUnknownCheckId_IsAnError_NamingTheClosestAndTheValidOnes()
    {
        var protocol = Protocols.Text(Protocol);
        var ex = Assert.Throws<ArgumentException>(() => CheckRunner.Run(protocol, RecordText.Study("DM USUBJID=S1 SEX=F"), new CheckRunOptions { Only = ["SEX_KNOW"] }));
        Assert.Contains("No check 'SEX_KNOW'", ex.Message);
        Assert.Contains("did you mean SEX_KNOWN?", ex.Message);
        Assert.Contains("Valid checks: SEX_KNOWN, TERM_SHORT", ex.Message);
        Assert.Throws<ArgumentException>(() => CheckRunner.RequireChecks(protocol, ["NOSUCH"]));
        CheckRunner.RequireChecks(protocol, ["TERM_SHORT"]);
    }

    [Fact]
    public void AVeryLongValue_IsCutInTheFinding_AndItsMessage()
    {
        var term = new string('X', 50_000);
        var report = CheckRunner.Run(Protocols.Text(Protocol), RecordText.Study($"DM USUBJID=S1 SEX=F\nAE USUBJID=S1 AESEQ=1 AETERM={term}"),
            new CheckRunOptions { Only = ["TERM_SHORT"] });
        var finding = Assert.Single(Assert.Single(report.Checks).Failures);
        var value = Assert.Single(finding.Values, v => v.Variable == "AETERM").Value;
        Assert.Equal(DisplayText.Limit + "... (49,700 more characters)".Length, value.Length);
        Assert.EndsWith("... (49,700 more characters)", value);
        Assert.EndsWith("... (49,700 more characters)", finding.Message);
        Assert.True(finding.Message.Length < 400);
    }
}
