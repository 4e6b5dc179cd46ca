using System.Text.Json;
using System.Text.Json.Serialization;
using ProtocolEngine.Interop.RulesEngine.Lowering;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Lowering;
using ProtocolEngine.Runtime.Eligibility;
using RE = global::RulesEngine.Models;

namespace ProtocolEngine.Interop.RulesEngine;

/// <summary>One criterion as the RulesEngine workflow holds it.</summary>
/// <param name="Criterion">The criterion.</param>
/// <param name="Index">Its position among the criteria of the protocol (or phase) exported.</param>
/// <param name="Expression">The rule's outcome as a Dynamic LINQ expression over <c>s</c> (int 0 false, 1 unknown, 2 true); null when not expressed.</param>
/// <param name="Reason">Why it is not in the workflow: the construct it uses (null when it is, or when it is attested).</param>
public sealed record RulesEngineCriterion(BoundCriterion Criterion, int Index, string? Expression, string? Reason)
{
    /// <summary>True when the workflow decides this criterion's rule.</summary>
    public bool IsExpressed => Expression is not null;

    /// <summary>True when the criterion has no rule: only a person decides it (attested), so the workflow has nothing to run.</summary>
    public bool IsAttested => Criterion.Rule is null;
}

/// <summary>
/// A protocol's criteria as a Microsoft RulesEngine 6.0.1 workflow: one lambda rule per criterion it can express, whose
/// expression is <c>true</c> (the rule always runs) and whose <c>OutputExpression</c> action returns the criterion's
/// outcome as text: <c>Met</c>, <c>NotMet</c> or <c>Unknown</c>. RulesEngine rules are true or false; reading the rule's
/// success as the outcome would turn Unknown into NotMet, so the outcome is never the success flag. The expressions use only
/// types Dynamic LINQ predefines, so the workflow runs under RulesEngine's default settings with one input, <c>s</c>, a
/// <see cref="RulesEngineSubject"/>. What the workflow cannot express is a PE4101 warning per criterion.
/// </summary>
public sealed class RulesEngineWorkflow
{
    /// <summary>The outcome texts the rules return, indexed by the 0/1/2 truth value.</summary>
    public static readonly IReadOnlyList<string> OutcomeTexts = ["NotMet", "Unknown", "Met"];

    /// <summary>The name of the rule parameter (the subject).</summary>
    public const string Parameter = "s";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    private RulesEngineWorkflow(CompiledProtocol protocol, RE.Workflow workflow, IReadOnlyList<RulesEngineCriterion> criteria, IReadOnlyList<Diagnostic> diagnostics,
        IReadOnlyDictionary<string, IReadOnlyList<string>> reads)
    {
        Protocol = protocol;
        Workflow = workflow;
        Criteria = criteria;
        Diagnostics = diagnostics;
        Reads = reads;
    }

    /// <summary>The protocol exported.</summary>
    public CompiledProtocol Protocol { get; }

    /// <summary>The workflow as RulesEngine's own model.</summary>
    public RE.Workflow Workflow { get; }

    /// <summary>Every criterion of the protocol (or phase), in protocol order, expressed or not.</summary>
    public IReadOnlyList<RulesEngineCriterion> Criteria { get; }

    /// <summary>A PE4101 warning per criterion with a rule the workflow cannot express.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>The variables the rules read, per domain: every record in the input must have these keys (a missing value is null).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads { get; }

    /// <summary>The workflow as RulesEngine's JSON (what <c>protocol export rulesengine</c> writes; an array of one workflow).</summary>
    public string ToJson() => JsonSerializer.Serialize(new[] { Workflow }, Json) + "\n";

    /// <summary>Reads workflows back from RulesEngine JSON (an array, as <see cref="ToJson"/> writes it).</summary>
    /// <exception cref="JsonException">The text is not a RulesEngine workflow array.</exception>
    public static RE.Workflow[] Parse(string json) => JsonSerializer.Deserialize<RE.Workflow[]>(json, Json) ?? throw new JsonException("The JSON holds no workflow array.");

    /// <summary>The name of the workflow exported for a protocol.</summary>
    public static string NameOf(CompiledProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return protocol.Name + (protocol.Version is { } v ? " " + v : "");
    }

    /// <summary>Lowers a protocol's criteria (those of a phase, when given) to a workflow.</summary>
    /// <exception cref="ArgumentException">The protocol has errors or no criteria, or the phase has none.</exception>
    public static RulesEngineWorkflow Generate(CompiledProtocol protocol, string? phase = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (protocol.HasErrors) throw new ArgumentException($"Protocol {protocol.Name} has errors; fix them before exporting rules.", nameof(protocol));
        EligibilityEvaluator.EnsureCriteria(protocol);
        var selected = protocol.Criteria.Where(c => phase is null || string.Equals(c.Phase, phase, StringComparison.OrdinalIgnoreCase)).ToList();
        if (selected.Count == 0) throw new ArgumentException($"No criterion has phase '{phase}'.", nameof(phase));

        var lowering = new RuleLowering();
        var criteria = new List<RulesEngineCriterion>();
        var diagnostics = new List<Diagnostic>();
        var rules = new List<RE.Rule>();
        foreach (var c in selected)
        {
            string? expression = null, reason = null;
            if (c.Rule is not null)
            {
                try
                {
                    expression = lowering.LowerRule(c.Rule);
                }
                catch (NotLowerable ex)
                {
                    reason = $"{ex.Reason} (at {Path.GetFileName(c.Source.Path)}({c.Source.GetLinePosition(ex.Syntax.Span.Start).Line}))";
                    diagnostics.Add(DiagnosticCatalog.CriterionNotExpressibleInRulesEngine(c.Syntax.Name.Span, c.Id, reason) with { Source = c.Source });
                }
            }
            criteria.Add(new RulesEngineCriterion(c, criteria.Count, expression, reason));
            if (expression is not null) rules.Add(Rule(c, expression, lowering.RuleReads));
        }
        var workflow = new RE.Workflow { WorkflowName = NameOf(protocol), Rules = rules };
        var reads = lowering.Reads.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal);
        return new RulesEngineWorkflow(protocol, workflow, criteria, diagnostics, reads);
    }

    private static RE.Rule Rule(BoundCriterion c, string expression, IEnumerable<string> reads) => new()
    {
        RuleName = c.Id,
        // The rule's success only says it ran; its outcome is the action's output, so Unknown is never read as false.
        RuleExpressionType = RE.RuleExpressionType.LambdaExpression,
        Expression = "true",
        SuccessEvent = c.Title,
        Properties = new Dictionary<string, object>
        {
            ["kind"] = c.Kind == Language.Syntax.CriterionKind.Inclusion ? "inclusion" : "exclusion",
            ["ruleId"] = c.RuleId,
            ["ruleHash"] = c.Hash,
            ["outcomes"] = "the OutputExpression action returns Met, NotMet or Unknown; Unknown is not NotMet",
            // The keys the input's records must hold (null when the data lack the value).
            ["reads"] = string.Join(", ", reads),
        },
        Actions = new RE.RuleActions
        {
            OnSuccess = new RE.ActionInfo
            {
                Name = "OutputExpression",
                Context = new Dictionary<string, object> { ["expression"] = $"new [] {{\"NotMet\", \"Unknown\", \"Met\"}}[{expression}]" },
            },
        },
    };
}
