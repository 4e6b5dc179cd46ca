using System.Security.Cryptography;
using System.Text;
using NodaTime;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Workflows.Simulation;

/// <summary>
/// The rule host of a simulation without study data: criteria outcomes as the scenario states them (changing over
/// time with <c>criteria</c> events; unstated outcomes are Unknown, never NotMet); data conditions and safety rules
/// compiled by the real compiler and evaluated over the instance's record values (<see cref="ScenarioConditions"/>),
/// unless the scenario states a condition's value by its exact text; randomisation by a hash of the subject id.
/// </summary>
public sealed class ScenarioRuleHost : IWorkflowRuleHost
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, CriteriaOutcome>> _criteria = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _arms;
    private readonly ScenarioConditions? _conditions;
    private readonly IReadOnlyDictionary<string, string> _stated;
    private readonly IClock _clock;
    private readonly HashSet<string> _unevaluated = new(StringComparer.Ordinal);

    /// <summary>Creates the host.</summary>
    /// <param name="arms">Arms for randomisation.</param>
    /// <param name="conditions">The simulation's compiled conditions and safety rules (null: every condition is unknown and no safety rule applies).</param>
    /// <param name="stated">Values of conditions the scenario states, by exact text: true, false or unknown. They take precedence over evaluation.</param>
    /// <param name="clock">"Now" for the conditions (the simulation's virtual clock; the system clock by default).</param>
    public ScenarioRuleHost(IReadOnlyList<string> arms, ScenarioConditions? conditions = null, IReadOnlyDictionary<string, string>? stated = null, IClock? clock = null)
    {
        _arms = arms.Count == 0 ? ["A", "B"] : arms;
        _conditions = conditions;
        _stated = stated ?? new Dictionary<string, string>();
        _clock = clock ?? SystemClock.Instance;
    }

    /// <summary>Conditions met during the run that could not be evaluated (they do not compile) and the scenario gave no value for (treated as unknown).</summary>
    public IReadOnlyList<string> Unevaluated { get { lock (_lock) return [.. _unevaluated.Order(StringComparer.Ordinal)]; } }

    private CqlDateTime Now => CqlDateTime.FromDateTime(_clock.GetCurrentInstant().ToDateTimeUtc(), DateTimePrecision.Millisecond, 0);

    /// <summary>Sets a subject's criteria outcome for a phase ("all" or null for all criteria).</summary>
    public void SetCriteria(string subject, string? phase, CriteriaOutcome outcome)
    {
        lock (_lock)
        {
            if (!_criteria.TryGetValue(subject, out var map)) _criteria[subject] = map = new(StringComparer.Ordinal);
            map[phase ?? "all"] = outcome;
        }
    }

    /// <summary>Parses met, notMet (not met), unknown, attested.</summary>
    public static CriteriaOutcome ParseOutcome(string text) => text.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "met" => CriteriaOutcome.Met,
        "notmet" => CriteriaOutcome.NotMet,
        "unknown" => CriteriaOutcome.Unknown,
        "attested" => CriteriaOutcome.Attested,
        _ => throw new FormatException($"Criteria outcome \"{text}\" is not met, notMet, unknown or attested."),
    };

    /// <inheritdoc />
    public CriteriaEvaluation EvaluateCriteria(WorkflowSubject subject, string? phase)
    {
        var key = phase ?? "all";
        CriteriaOutcome outcome;
        lock (_lock)
        {
            outcome = _criteria.TryGetValue(subject.SubjectId, out var map) && map.TryGetValue(key, out var o) ? o : CriteriaOutcome.Unknown;
        }
        return new CriteriaEvaluation(outcome, [Hash(RuleKind.Criterion, $"criteria {key}")], outcome == CriteriaOutcome.Unknown ? "outcome not stated: unknown" : null);
    }

    /// <inheritdoc />
    public ConditionEvaluation EvaluateCondition(WorkflowSubject subject, ConditionGuard condition)
    {
        if (_stated.TryGetValue(condition.Text, out var stated))
            return new ConditionEvaluation(stated.Trim().ToLowerInvariant() switch { "true" => true, "false" => false, _ => null }, []);
        if (_conditions is null)
        {
            lock (_lock) _unevaluated.Add(condition.Text);
            return new ConditionEvaluation(null, []);
        }
        var (value, hashes) = _conditions.Evaluate(condition, subject, Now);
        if (_conditions.Problems.FirstOrDefault(p => p.StartsWith(condition.Text + " (", StringComparison.Ordinal)) is { } problem)
            lock (_lock) _unevaluated.Add(problem);
        return new ConditionEvaluation(value, hashes);
    }

    /// <inheritdoc />
    public RandomizationResult Randomize(WorkflowSubject subject)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(subject.SubjectId));
        var arm = _arms[(int)(BitConverter.ToUInt32(h, 0) % (uint)_arms.Count)];
        return new RandomizationResult(arm, "simulation: SHA-256 of the subject id modulo the number of arms", [Hash(RuleKind.Randomization, "randomize " + string.Join(",", _arms))]);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ApplicableSafetyRules(WorkflowSubject subject)
    {
        if (_conditions is null) return [];
        var applicable = _conditions.ApplicableSafetyRules(subject, Now);
        foreach (var problem in _conditions.Problems) lock (_lock) _unevaluated.Add(problem);
        return applicable;
    }

    // What the scenario states is the rule here: its text is hashed as a rule's is, in full.
    private static string Hash(RuleKind kind, string text) => RuleHasher.Hash(kind, text, [], []);
}
