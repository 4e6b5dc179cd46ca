using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>What the host knows about the instance a rule is evaluated for.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Workflow">The workflow name.</param>
/// <param name="SubjectId">The subject.</param>
/// <param name="CorrelationKey">The instance key (subject, or subject/record).</param>
/// <param name="Values">Instance values: the record that started it, awareness time, region, ...</param>
public sealed record WorkflowSubject(string InstanceId, string Workflow, string SubjectId, string CorrelationKey, IReadOnlyDictionary<string, string> Values);

/// <summary>A criteria evaluation with the rule hashes that produced it.</summary>
/// <param name="Outcome">Met, NotMet, Unknown or Attested.</param>
/// <param name="RuleHashes">The content hashes of the rules evaluated.</param>
/// <param name="Explanation">A short explanation (which criterion was unknown, ...).</param>
public sealed record CriteriaEvaluation(CriteriaOutcome Outcome, IReadOnlyList<string> RuleHashes, string? Explanation = null);

/// <summary>A data condition's value: true, false, or null when unknown (an unknown condition never fires a transition).</summary>
/// <param name="Value">The three-valued result.</param>
/// <param name="RuleHashes">The rule hashes behind it.</param>
public sealed record ConditionEvaluation(bool? Value, IReadOnlyList<string> RuleHashes);

/// <summary>A randomisation outcome.</summary>
/// <param name="Arm">The arm assigned.</param>
/// <param name="Method">How (for example "permuted blocks of 6, stratum SITE01, block 3").</param>
/// <param name="RuleHashes">The rule hashes behind it.</param>
public sealed record RandomizationResult(string Arm, string Method, IReadOnlyList<string> RuleHashes);

/// <summary>
/// Rule evaluation the workflow runtime needs from its host (criteria, data conditions, randomisation, which
/// safety rules apply). The engine journals what the host answers, with the rule hashes.
/// </summary>
public interface IWorkflowRuleHost
{
    /// <summary>Evaluates the subject's criteria of a phase (null: all criteria).</summary>
    CriteriaEvaluation EvaluateCriteria(WorkflowSubject subject, string? phase);

    /// <summary>Evaluates a data condition.</summary>
    ConditionEvaluation EvaluateCondition(WorkflowSubject subject, ConditionGuard condition);

    /// <summary>Assigns an arm.</summary>
    RandomizationResult Randomize(WorkflowSubject subject);

    /// <summary>The safety rules whose obligations apply to this instance (their clocks start on <c>start clocks</c>).</summary>
    IReadOnlyList<string> ApplicableSafetyRules(WorkflowSubject subject);
}
