using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Verification.Tests.Support;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Verification.Tests;

public sealed class ShippedProtocolTests
{
    public static TheoryData<string> ShippedProtocols()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "protocols"), "*.protocol", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var compiled = Protocols.Load(file);
            if (!compiled.IsLibrary && !compiled.Criteria.IsEmpty) data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedProtocols))]
    public void Every_shipped_protocol_is_satisfiable_and_its_witness_screens_Eligible(string file)
    {
        var protocol = Protocols.Load(Path.Combine(RepoPaths.Root, file));
        // A budget, not a wait: each is answered in about a second on an idle machine; no timeout is accepted.
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options(120) with { Redundancy = false });
        Assert.DoesNotContain(report.Queries, q => q.Answer == Solving.SolverAnswer.Unknown);
        Assert.True(report.Status == VerificationStatus.Satisfiable, $"{file}: {report.Status}; {string.Join("; ", report.NotVerified.Select(n => n.Rule + ": " + n.Reason))}");
        Assert.Equal(EligibilityStatus.Eligible.ToString(), report.WitnessScreened);
        // Screened again from the witness's own study, as `protocol screen` would see it.
        var screened = ProtocolVerifier.Screen(protocol, report.Witness!, Protocols.Today);
        Assert.Equal(EligibilityStatus.Eligible, screened.Status);
    }

    [Fact]
    public void The_largest_shipped_protocol_is_verified_with_redundancy_and_every_query_answered()
    {
        var largest = Directory.GetFiles(Path.Combine(RepoPaths.Root, "protocols"), "*.protocol").OrderByDescending(f => new FileInfo(f).Length).First();
        Assert.Equal("cdiscpilot01-amendment1.protocol", Path.GetFileName(largest));
        var protocol = Protocols.Load(largest);
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options(120));
        Assert.Equal(VerificationStatus.Satisfiable, report.Status);
        Assert.Equal(EligibilityStatus.Eligible.ToString(), report.WitnessScreened);
        // One satisfiability query and one redundancy query per data criterion, each answered (none timed out).
        var data = protocol.Criteria.Count(c => c.Rule is not null);
        Assert.Equal(data, report.Queries.Count(q => q.Purpose.StartsWith("redundant ", StringComparison.Ordinal)));
        Assert.DoesNotContain(report.Queries, q => q.Answer == Solving.SolverAnswer.Unknown);
        Assert.Empty(report.NotVerified);
        // Every criterion of the pilot can exclude someone the others admit: none is redundant.
        Assert.Empty(report.Redundancies);
    }
}
