using ProtocolEngine.Data.Loading;
using ProtocolEngine.Verification.Fit;
using ProtocolEngine.Verification.Tests.Support;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Verification.Tests;

public sealed class DataFitTests
{
    [Fact]
    public void The_pilot_protocol_against_the_MSG_study_names_the_missing_codes_and_the_closest_held()
    {
        var protocol = Protocols.Load(Protocols.Shipped("cdiscpilot01.protocol"));
        var study = StudyLoader.Load(Path.Combine(RepoPaths.Root, "..", "shared", "data", "datasetjson", "msg", "sdtm")).Data;
        var findings = DataFit.Check(protocol, study);

        var mmse = Assert.Single(findings, f => f.Value == "MMSETOT");
        Assert.False(mmse.Held);
        Assert.Equal(("QS", "QSTESTCD"), (mmse.Domain, mmse.Variable));
        Assert.Contains("INCL03", mmse.Rules);
        Assert.NotEmpty(mmse.Closest);
        Assert.All(mmse.Closest, c => Assert.True(study.GetDomain("QS")!.GetColumn("QSTESTCD") is Runtime.Data.TextColumn t && t.Dictionary.Contains(c)));
        Assert.StartsWith("QS.QSTESTCD = 'MMSETOT' never occurs in this study; QS.QSTESTCD holds", mmse.Diagnostic!.Message, StringComparison.Ordinal);
        Assert.Equal("PE3011", mmse.Diagnostic.Code);

        Assert.Contains(findings, f => f.Value == "HACHTOT" && !f.Held);
        Assert.Contains(findings, f => f is { Domain: "EG", Variable: null, Held: false } && f.Diagnostic!.Code == "PE3013");
        Assert.Contains(findings, f => f is { Domain: "MH", Variable: "MHDECOD", Held: false } && f.Diagnostic!.Code == "PE3012");
        // What the study does hold is not reported as missing.
        Assert.Contains(findings, f => f is { Domain: "DM", Variable: "AGE", Held: true });
        Assert.Contains(findings, f => f is { Domain: "LB", Value: "ALT", Held: true });
        Assert.Equal(["INCL03"], DataFit.Explaining(findings, "INCL03").Select(f => f.Rules.Single()).Distinct());
    }

    [Fact]
    public void Closest_values_share_a_prefix_first()
    {
        Assert.Equal(["MMSE01", "MMSE02"], DataFit.Closest("MMSETOT", ["PHQ01", "MMSE02", "MMSE01", "HAMD1"], 2));
    }
}
