namespace ProtocolEngine.Workflows.Execution;

/// <summary>A definition that cannot be saved or published, with every problem found.</summary>
/// <param name="workflow">The workflow name.</param>
/// <param name="problems">The problems.</param>
public sealed class WorkflowDefinitionException(string workflow, IReadOnlyList<string> problems)
    : Exception($"Workflow {workflow} is not valid: {string.Join(" ", problems)}")
{
    /// <summary>The problems, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
