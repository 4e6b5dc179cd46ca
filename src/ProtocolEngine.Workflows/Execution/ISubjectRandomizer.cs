namespace ProtocolEngine.Workflows.Execution;

/// <summary>Assigns arms to subjects for the workflow runtime's <c>randomize</c> action.</summary>
public interface ISubjectRandomizer
{
    /// <summary>Assigns (or returns the already assigned) arm of the subject.</summary>
    RandomizationResult Randomize(WorkflowSubject subject);
}
