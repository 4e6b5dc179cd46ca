using ProtocolEngine.Language.Diagnostics;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>A definition that cannot be saved or published, with every problem found, each with its catalog code.</summary>
/// <param name="workflow">The workflow name.</param>
/// <param name="diagnostics">The problems (the codes the compiler reports for the same mistakes in protocol text).</param>
public sealed class WorkflowDefinitionException(string workflow, IReadOnlyList<Diagnostic> diagnostics)
    : Exception($"Workflow {workflow} is not valid: {string.Join(" ", diagnostics.Select(d => d.Code + ": " + d.Message))}")
{
    /// <summary>The problems.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}
