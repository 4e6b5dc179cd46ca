using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Checks.Queries;

/// <summary>
/// The rule host of the data query workflows, which have no criteria, data conditions, randomisation or clocks:
/// asked anyway (a definition edited to use one), it answers Unknown and null, which never fire a transition.
/// </summary>
internal sealed class NoRulesHost : IWorkflowRuleHost
{
    public CriteriaEvaluation EvaluateCriteria(WorkflowSubject subject, string? phase) =>
        new(CriteriaOutcome.Unknown, [], "Data query workflows evaluate no criteria.");

    public ConditionEvaluation EvaluateCondition(WorkflowSubject subject, ConditionGuard condition) => new(null, []);

    public RandomizationResult Randomize(WorkflowSubject subject) =>
        throw new InvalidOperationException("Data query workflows do not randomise.");

    public IReadOnlyList<string> ApplicableSafetyRules(WorkflowSubject subject) => [];
}
