using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Workflows.Simulation;

/// <summary>
/// The rule host of a simulation: criteria outcomes as the scenario states them (changing over time with
/// <c>criteria</c> events; unstated outcomes are Unknown, never NotMet), record conditions of the form
/// <c>A.FIELD = 'V'</c> joined by <c>and</c>/<c>or</c> over the instance's record, and randomisation by a hash of the
/// subject id. Rule hashes are SHA-256 of the rule text, so the journal names what decided.
/// </summary>
public sealed partial class ScenarioRuleHost : IWorkflowRuleHost
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, CriteriaOutcome>> _criteria = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _arms;
    private readonly IReadOnlyDictionary<string, string> _safetyRules;

    /// <summary>Creates the host.</summary>
    /// <param name="arms">Arms for randomisation.</param>
    /// <param name="safetyRules">Safety rule name to record condition.</param>
    /// <param name="conditions">Values of conditions the simulator cannot evaluate, by exact text: true, false or unknown.</param>
    public ScenarioRuleHost(IReadOnlyList<string> arms, IReadOnlyDictionary<string, string> safetyRules, IReadOnlyDictionary<string, string>? conditions = null)
    {
        _arms = arms.Count == 0 ? ["A", "B"] : arms;
        _safetyRules = safetyRules;
        _conditions = conditions ?? new Dictionary<string, string>();
    }

    private readonly IReadOnlyDictionary<string, string> _conditions;
    private readonly HashSet<string> _unevaluated = new(StringComparer.Ordinal);

    /// <summary>Conditions met during the run that the simulator could not evaluate and the scenario gave no value for (treated as unknown).</summary>
    public IReadOnlyList<string> Unevaluated { get { lock (_lock) return [.. _unevaluated.Order(StringComparer.Ordinal)]; } }

    private bool? Condition(string text, IReadOnlyDictionary<string, string> values)
    {
        if (_conditions.TryGetValue(text, out var stated))
            return stated.Trim().ToLowerInvariant() switch { "true" => true, "false" => false, _ => null };
        try
        {
            return Evaluate(text, values);
        }
        catch (FormatException)
        {
            lock (_lock) _unevaluated.Add(text);
            return null;
        }
    }

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
    public ConditionEvaluation EvaluateCondition(WorkflowSubject subject, ConditionGuard condition) =>
        new(Condition(condition.Text, subject.Values), [condition.RuleHash]);

    /// <inheritdoc />
    public RandomizationResult Randomize(WorkflowSubject subject)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(subject.SubjectId));
        var arm = _arms[(int)(BitConverter.ToUInt32(h, 0) % (uint)_arms.Count)];
        return new RandomizationResult(arm, "simulation: SHA-256 of the subject id modulo the number of arms", [Hash(RuleKind.Randomization, "randomize " + string.Join(",", _arms))]);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ApplicableSafetyRules(WorkflowSubject subject) =>
        _safetyRules.Where(r => Condition(r.Value, subject.Values) == true).Select(r => r.Key).ToList();

    /// <summary>Evaluates <c>A.F = 'V' and B.G != 'W' or ...</c> (and binds tighter) over record values, three-valued: a missing field is unknown.</summary>
    public static bool? Evaluate(string text, IReadOnlyDictionary<string, string> values)
    {
        bool? any = false;
        foreach (var disjunct in OrSplit().Split(text))
        {
            bool? all = true;
            foreach (var term in AndSplit().Split(disjunct))
            {
                var m = Comparison().Match(term.Trim());
                if (!m.Success) throw new FormatException($"The simulator cannot evaluate \"{term.Trim()}\": it understands Alias.FIELD = 'value' joined by and/or.");
                var field = m.Groups["field"].Value;
                bool? v = values.TryGetValue(field, out var actual) && actual.Length > 0
                    ? (m.Groups["op"].Value == "=") == (actual == m.Groups["value"].Value)
                    : null;
                all = all == false || v == false ? false : all is null || v is null ? null : true;
            }
            any = any == true || all == true ? true : any is null || all is null ? null : false;
        }
        return any;
    }

    // What the scenario states is the rule here: its text is hashed as a rule's is, in full.
    private static string Hash(RuleKind kind, string text) => RuleHasher.Hash(kind, text, [], []);

    [GeneratedRegex(@"\s+or\s+", RegexOptions.IgnoreCase)]
    private static partial Regex OrSplit();

    [GeneratedRegex(@"\s+and\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndSplit();

    [GeneratedRegex(@"^\(?\s*(?:[A-Za-z_][A-Za-z0-9_]*\.)?(?<field>[A-Za-z_][A-Za-z0-9_]*)\s*(?<op>=|!=)\s*'(?<value>[^']*)'\s*\)?$")]
    private static partial Regex Comparison();
}
