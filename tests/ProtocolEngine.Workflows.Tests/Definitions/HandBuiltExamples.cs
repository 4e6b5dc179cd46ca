using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Language.Syntax;

namespace ProtocolEngine.Workflows.Tests.Definitions;

/// <summary>
/// The example workflows of Scenarios/language-examples.protocol built by hand, construct by construct (each
/// comment is the protocol line it comes from): what the compiler must lower the compiled protocol to. The language
/// counts durations in days as calendar days (a deadline ends when its last day ends in the workflow's zone).
/// </summary>
public static class HandBuiltExamples
{
    private static ClockDuration D(string s) => ClockDuration.Parse(s);

    /// <summary><c>workflow Recruitment per subject</c>.</summary>
    public static WorkflowDefinition Recruitment(string timeZone = "Europe/Berlin") => new(
        "Recruitment", null, new WorkflowScope(),
        [
            // state Identified initial
            new StateDefinition("Identified", IsInitial: true),
            // state Prescreening on entry evaluate criteria phase prescreen
            new StateDefinition("Prescreening", EntryActions: [new EvaluateCriteriaAction("prescreen")]),
            // state ConsentPending task ObtainConsent "Obtain signed informed consent" for Investigator
            //   due 14 days remind after 7 days escalate to SiteManager requires signature meaning "authorship"
            new StateDefinition("ConsentPending", Tasks: [new TaskDefinition("ObtainConsent", "Obtain signed informed consent", TaskKind.Task, ["Investigator"],
                Due: D("14 calendar days"), Reminders: [new ReminderDefinition(D("7 calendar days"))], Escalations: [new EscalationDefinition("SiteManager")],
                Signature: SignatureMeaning.Authorship)]),
            // state Screening deadline 28 days -> ScreenFailed reason "Screening window expired"
            new StateDefinition("Screening", Deadline: new DeadlineDefinition(D("28 calendar days"), "ScreenFailed", "Screening window expired")),
            // state Review gate InvestigatorApproval for Investigator requires signature meaning "approval"
            new StateDefinition("Review", Tasks: [new TaskDefinition("InvestigatorApproval", null, TaskKind.Gate, ["Investigator"], Signature: SignatureMeaning.Approval)]),
            new StateDefinition("Enrolled", IsFinal: true),
            new StateDefinition("ScreenFailed", IsFinal: true),
        ],
        [
            new TransitionDefinition("Identified", "Prescreening"),
            new TransitionDefinition("Prescreening", "ConsentPending", new CriteriaGuard("prescreen", [CriteriaOutcome.Met])),
            new TransitionDefinition("Prescreening", "ScreenFailed", new CriteriaGuard("prescreen", [CriteriaOutcome.NotMet])),
            new TransitionDefinition("Prescreening", "Review", new CriteriaGuard("prescreen", [CriteriaOutcome.Unknown])),
            new TransitionDefinition("Review", "ConsentPending", new TaskGuard("InvestigatorApproval", TaskOutcome.Approved)),
            // Not in LANGUAGE.md: without it a rejected gate would leave the subject in Review with nothing to do.
            new TransitionDefinition("Review", "ScreenFailed", new TaskGuard("InvestigatorApproval", TaskOutcome.Rejected)),
            new TransitionDefinition("ConsentPending", "Screening", new TaskGuard("ObtainConsent", TaskOutcome.Completed)),
            new TransitionDefinition("Screening", "Enrolled", new CriteriaGuard(null, [CriteriaOutcome.Met]), [new RandomizeAction()]),
            new TransitionDefinition("Screening", "Review", new CriteriaGuard(null, [CriteriaOutcome.Unknown, CriteriaOutcome.Attested])),
            new TransitionDefinition("Screening", "ScreenFailed", new CriteriaGuard(null, [CriteriaOutcome.NotMet])),
        ],
        TimeZone: timeZone);

    /// <summary>
    /// <c>workflow SaeReporting per AE A when A.AESER = 'Y'</c>, with the clocks of the LANGUAGE.md safety rules:
    /// SeriousAE (notify Sponsor within 24 hours of awareness) and FatalSUSAR (report to Regulator within 7 calendar
    /// days of awareness, complete report within 8 more calendar days, follow up within 15 calendar days).
    /// </summary>
    public static WorkflowDefinition SaeReporting(string timeZone = "Europe/Berlin") => new(
        "SaeReporting", "Serious adverse event reporting",
        new WorkflowScope("AE", "A", new ConditionGuard("SaeReporting.when", "A.AESER = 'Y'", "set by the test")),
        [
            // state Reported initial on entry start clocks, notify Sponsor "Serious adverse event"
            new StateDefinition("Reported", IsInitial: true, EntryActions: [new StartClocksAction(), new NotifyAction(Recipient.Role("SafetyPhysician"), "Serious adverse event reported")]),
            // state Assessment task AssessCausality "..." for Investigator due 24 hours escalate to SafetyPhysician after 12 hours
            new StateDefinition("Assessment", Tasks: [new TaskDefinition("AssessCausality", "Assess seriousness, expectedness and causality", TaskKind.Task, ["Investigator"],
                Due: D("24 hours"), Escalations: [new EscalationDefinition("SafetyPhysician", D("12 hours"))])]),
            // state Reporting task SubmitReport "..." for SafetyPhysician requires signature meaning "responsibility"
            new StateDefinition("Reporting", Tasks: [new TaskDefinition("SubmitReport", "Submit the expedited report", TaskKind.Task, ["SafetyPhysician"],
                Reminders: [new ReminderDefinition(D("2 calendar days"), Every: D("2 calendar days"))], Signature: SignatureMeaning.Responsibility)]),
            new StateDefinition("Closed", IsFinal: true),
            // state DeadlineMissed final on entry notify QualityAssurance
            new StateDefinition("DeadlineMissed", IsFinal: true, EntryActions: [new NotifyAction(Recipient.Role("QualityAssurance"), "Expedited reporting deadline missed")]),
        ],
        [
            new TransitionDefinition("Reported", "Assessment"),
            // Assessment -> Reporting when AssessCausality completed, then stop clock NotifySponsor
            new TransitionDefinition("Assessment", "Reporting", new TaskGuard("AssessCausality", TaskOutcome.Completed), [new StopClockAction("SeriousAE")]),
            new TransitionDefinition("Assessment", "DeadlineMissed", new ClockGuard("FatalSUSAR", true)),
            // Reporting -> Closed when SubmitReport completed, then stop clock ReportRegulator
            new TransitionDefinition("Reporting", "Closed", new TaskGuard("SubmitReport", TaskOutcome.Completed), [new StopClockAction("FatalSUSAR")]),
            new TransitionDefinition("Reporting", "DeadlineMissed", new ClockGuard("FatalSUSAR", true)),
        ],
        Clocks:
        [
            new ClockDefinition("SeriousAE", "SeriousAE", ClockKind.Notify, "Sponsor", D("24 hours")),
            new ClockDefinition("FatalSUSAR", "FatalSUSAR", ClockKind.Report, "Regulator", D("7 calendar days"),
                RegionOverrides: [new RegionOverride("JP", D("15 calendar days"))]),
            new ClockDefinition("FatalSUSAR.complete", "FatalSUSAR", ClockKind.CompleteReport, "Regulator", D("8 calendar days"), FollowsClock: "FatalSUSAR"),
            new ClockDefinition("FatalSUSAR.followUp", "FatalSUSAR", ClockKind.FollowUp, "Regulator", D("15 calendar days")),
        ],
        TimeZone: timeZone);
}
