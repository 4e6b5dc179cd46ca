using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Simulation;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Language.Syntax;

namespace ProtocolEngine.Workflows.Tests.Support;

/// <summary>
/// A rule host with real, deterministic rules over subject data (the CDISCPILOT01 criteria shape):
/// prescreen = INCL01 age at least 50; all = INCL01 and INCL03 MMSE 10..23 and INCL07 attested by the investigator.
/// Missing data gives Unknown, never NotMet. Randomisation: permuted blocks of 2 per arm pair, in subject order.
/// </summary>
public sealed class SubjectRuleHost : IWorkflowRuleHost
{
    private readonly Dictionary<string, Dictionary<string, string>> _subjects = new(StringComparer.Ordinal);
    private readonly List<string> _randomized = [];
    private readonly Lock _lock = new();

    public static readonly string Incl01 = Hash("INCL01: Age >= 50");
    public static readonly string Incl03 = Hash("INCL03: MMSE in Interval[10, 23]");
    public static readonly string Incl07 = Hash("INCL07: attested by Investigator");

    public void Set(string subject, string field, string? value)
    {
        lock (_lock)
        {
            if (!_subjects.TryGetValue(subject, out var d)) _subjects[subject] = d = new(StringComparer.Ordinal);
            if (value is null) d.Remove(field); else d[field] = value;
        }
    }

    private string? Get(string subject, string field)
    {
        lock (_lock) return _subjects.TryGetValue(subject, out var d) && d.TryGetValue(field, out var v) ? v : null;
    }

    public CriteriaEvaluation EvaluateCriteria(WorkflowSubject subject, string? phase)
    {
        var outcomes = new List<(string Id, CriteriaOutcome Outcome)>
        {
            ("INCL01", Get(subject.SubjectId, "AGE") is { } age ? (int.Parse(age, CultureInfo.InvariantCulture) >= 50 ? CriteriaOutcome.Met : CriteriaOutcome.NotMet) : CriteriaOutcome.Unknown),
        };
        var hashes = new List<string> { Incl01 };
        if (phase is null)
        {
            var mmse = Get(subject.SubjectId, "MMSE");
            outcomes.Add(("INCL03", mmse is null ? CriteriaOutcome.Unknown : decimal.Parse(mmse, CultureInfo.InvariantCulture) is >= 10 and <= 23 ? CriteriaOutcome.Met : CriteriaOutcome.NotMet));
            outcomes.Add(("INCL07", Get(subject.SubjectId, "INCL07") switch { "Y" => CriteriaOutcome.Met, "N" => CriteriaOutcome.NotMet, _ => CriteriaOutcome.Attested }));
            hashes.Add(Incl03);
            hashes.Add(Incl07);
        }
        // Any NotMet excludes; otherwise any Unknown goes to a person; otherwise a pending attestation; otherwise Met.
        var overall = outcomes.Any(o => o.Outcome == CriteriaOutcome.NotMet) ? CriteriaOutcome.NotMet
            : outcomes.Any(o => o.Outcome == CriteriaOutcome.Unknown) ? CriteriaOutcome.Unknown
            : outcomes.Any(o => o.Outcome == CriteriaOutcome.Attested) ? CriteriaOutcome.Attested
            : CriteriaOutcome.Met;
        var why = string.Join(", ", outcomes.Where(o => o.Outcome != CriteriaOutcome.Met).Select(o => $"{o.Id} {o.Outcome}"));
        return new CriteriaEvaluation(overall, hashes, why.Length == 0 ? null : why);
    }

    // Data conditions and safety rules: the example protocol's own, compiled, over a record built from the instance's
    // values; conditions of other definitions are compiled from their text in the scope the tests give them.
    private readonly Dictionary<string, WorkflowDefinition> _definitions = new(StringComparer.Ordinal)
    {
        ["Recruitment"] = ExampleWorkflows.Recruitment(),
        ["SaeReporting"] = ExampleWorkflows.SaeReporting(),
    };

    private ScenarioConditions? _conditions;

    private static readonly CqlDateTime Now = CqlDateTime.FromDateTime(Harness.T0.ToDateTimeUtc(), DateTimePrecision.Millisecond, 0);

    /// <summary>Evaluates the conditions of this definition in its scope from now on.</summary>
    public void Use(WorkflowDefinition definition)
    {
        lock (_lock)
        {
            _definitions[definition.Name] = definition;
            _conditions = null;
        }
    }

    private ScenarioConditions Conditions
    {
        get { lock (_lock) return _conditions ??= new ScenarioConditions(ExampleWorkflows.Protocol, [.. _definitions.Values]); }
    }

    public ConditionEvaluation EvaluateCondition(WorkflowSubject subject, ConditionGuard condition)
    {
        var (value, hashes) = Conditions.Evaluate(condition, subject, Now);
        return new ConditionEvaluation(value, hashes);
    }

    public RandomizationResult Randomize(WorkflowSubject subject)
    {
        int n;
        lock (_lock)
        {
            n = _randomized.IndexOf(subject.SubjectId);
            if (n < 0) { _randomized.Add(subject.SubjectId); n = _randomized.Count - 1; }
        }
        var arm = n % 2 == 0 ? "Placebo" : "XanoHigh";
        return new RandomizationResult(arm, $"permuted blocks of 2, position {n % 2 + 1} of block {n / 2 + 1}", [Hash("randomize permuted blocks of 2")]);
    }

    public IReadOnlyList<string> ApplicableSafetyRules(WorkflowSubject subject) => Conditions.ApplicableSafetyRules(subject, Now);

    private static string Hash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
}
