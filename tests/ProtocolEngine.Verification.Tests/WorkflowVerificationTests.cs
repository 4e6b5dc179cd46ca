using ProtocolEngine.Verification.Tests.Support;

namespace ProtocolEngine.Verification.Tests;

public sealed class WorkflowVerificationTests
{
    private const string Criteria = """
        roles
          Investigator "Investigator"
          Monitor "Monitor"

        criteria
          inclusion INCL01 "Adults."
            DM.AGE >= 18

        """;

    [Fact]
    public void A_state_reached_only_through_a_guard_that_can_never_be_true_is_unreachable()
    {
        var protocol = Protocols.FromText(Protocols.Header + Criteria + """
            workflow Intake per subject
              state Start    initial
              state Minor
              state Adult    final
              state Closed   final
              Start -> Adult when DM.AGE >= 18
              Start -> Minor when DM.AGE < 18 and DM.AGE > 65
              Start -> Closed when event Withdrawn
              Minor -> Closed when event Withdrawn
            """);
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options());
        var codes = report.WorkflowFindings.Select(d => (d.Code, Subject: d.Message)).ToList();
        Assert.Contains(report.WorkflowFindings, d => d.Code == "PE3006" && d.Message.Contains("Start -> Minor", StringComparison.Ordinal));
        var unreachable = Assert.Single(report.WorkflowFindings, d => d.Code == "PE3007");
        Assert.Contains("State Minor of workflow Intake is never reached", unreachable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(report.WorkflowFindings, d => d.Code == "PE3006" && d.Message.Contains("Start -> Adult", StringComparison.Ordinal));
    }

    [Fact]
    public void A_state_left_only_through_a_guard_that_can_never_be_true_is_a_dead_end()
    {
        var protocol = Protocols.FromText(Protocols.Header + Criteria + """
            workflow Intake per subject
              state Start    initial
              state Review   task Check "Check the record" for Investigator escalate to Monitor after 3 days
              state Done     final
              Start -> Review
              Review -> Done when DM.AGE > 150 and DM.AGE < 100
            """);
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options());
        var deadEnd = Assert.Single(report.WorkflowFindings, d => d.Code == "PE3008");
        Assert.Contains("State Review of workflow Intake is not final", deadEnd.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(report.WorkflowFindings, d => d.Code == "PE3009");
    }

    [Fact]
    public void A_task_without_escalation_or_deadline_is_named()
    {
        var protocol = Protocols.FromText(Protocols.Header + Criteria + """
            workflow Intake per subject
              state Start    initial
              state Review   task Check "Check the record" for Investigator
              state Done     final
              Start -> Review
              Review -> Done when Check completed
            """);
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options());
        var task = Assert.Single(report.WorkflowFindings);
        Assert.Equal("PE3009", task.Code);
        Assert.Contains("Task Check of workflow Intake", task.Message, StringComparison.Ordinal);
    }
}
