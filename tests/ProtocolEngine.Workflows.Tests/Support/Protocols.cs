namespace ProtocolEngine.Workflows.Tests.Support;

/// <summary>Small protocols the workflow tests compile.</summary>
public static class Protocols
{
    /// <summary>A state that holds two tasks: both open on entry, each decided on its own.</summary>
    public const string TwoTasks = """
        protocol TWOTASKS version "1"
          data SDTM "3.4"

        workflow Onboarding per subject
          state Preparing initial
            task ObtainConsent "Obtain signed informed consent" for Investigator decisions signed, declined
            task BookVisit "Book the screening visit" for StudyCoordinator due 7 days
          state Ready final
          state Declined final
          Preparing -> Declined when ObtainConsent decided declined
          Preparing -> Ready    when ObtainConsent decided signed and BookVisit completed
        """;
}
