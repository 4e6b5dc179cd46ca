using System.Collections.Concurrent;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Workflows.Simulation;

/// <summary>
/// The data conditions of a simulation (workflow start conditions, expression guards, safety rules), compiled by the
/// real compiler and run by the native backend over a record built from the instance's values, each value typed as the
/// data model types its variable (a number for AGE, text for AESER). A protocol's own compiled conditions and safety
/// rules are used as they are; a condition known only by its text (a <c>.workflow.json</c> definition, a scenario's
/// <c>safetyRules</c>) is compiled on first use in the scope of its workflow's record (<c>per AE A</c>), or, for a
/// per-subject workflow, over the subject. A condition that does not compile is never guessed: it is unknown, and
/// <see cref="Problems"/> says why.
/// </summary>
public sealed class ScenarioConditions
{
    private sealed record Rule(ExecutableProtocol Executable, Func<EvaluationContext, DomainRecord?, bool?> Evaluate, string Id, TextSpan Span, SourceText Source, IDataModel Model, IReadOnlyList<string> Hashes);

    private readonly CompiledProtocol? _protocol;
    private readonly Dictionary<string, WorkflowScope> _scopes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Rule> _protocolConditions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (BoundWorkflow Workflow, RuleIdentity Rule)> _conditionsById = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _safetyRules;
    private readonly ConcurrentDictionary<(string? Domain, string? Alias, string Text), Rule?> _compiled = new();
    private readonly ConcurrentDictionary<string, string> _problems = new(StringComparer.Ordinal);

    /// <summary>The conditions of a simulation.</summary>
    /// <param name="protocol">The compiled protocol the workflows come from (null for a <c>.workflow.json</c> file): its conditions and safety rules are used as compiled.</param>
    /// <param name="definitions">The workflows simulated (their scopes say which record a condition reads).</param>
    /// <param name="safetyRules">Safety rules by name and condition text, for workflows without a protocol (a protocol's own safety rules take their place).</param>
    public ScenarioConditions(CompiledProtocol? protocol, IReadOnlyList<WorkflowDefinition> definitions, IReadOnlyDictionary<string, string>? safetyRules = null)
    {
        _protocol = protocol;
        foreach (var d in definitions) _scopes[d.Name] = d.Scope;
        _safetyRules = safetyRules ?? new Dictionary<string, string>();
        if (protocol is null) return;
        var executable = ExecutableProtocol.For(protocol);
        var model = Model(protocol);
        _conditionsById = ProtocolRuleHost.Conditions(protocol);
        foreach (var (id, (_, rule)) in _conditionsById)
            _protocolConditions[id] = new Rule(executable, executable.RecordRule(id), id, rule.Span, rule.Source, model, [rule.Hash]);
    }

    /// <summary>Conditions that could not be compiled, each with the compiler's first error.</summary>
    public IReadOnlyList<string> Problems => [.. _problems.Select(p => $"{p.Key} ({p.Value})").Order(StringComparer.Ordinal)];

    /// <summary>A condition's value for the instance (null when unknown or not compilable), with the rule hashes behind it.</summary>
    public (bool? Value, IReadOnlyList<string> Hashes) Evaluate(ConditionGuard condition, WorkflowSubject subject, CqlDateTime now)
    {
        var scope = _scopes.GetValueOrDefault(subject.Workflow) ?? new WorkflowScope();
        var known = ProtocolRuleHost.FindCondition(_conditionsById, subject.Workflow, condition) is { } c ? _protocolConditions[c.Rule.Id] : null;
        var rule = known ?? Compile(scope.Domain, scope.Alias, condition.Text);
        return rule is null ? (null, []) : (Run(rule, scope.Domain, subject, now), rule.Hashes);
    }

    /// <summary>
    /// The safety rules whose condition holds for the instance's record: the protocol's (a rule of another domain never
    /// applies), or else the scenario's. A rule applies only when its condition is true.
    /// </summary>
    public IReadOnlyList<string> ApplicableSafetyRules(WorkflowSubject subject, CqlDateTime now)
    {
        var scope = _scopes.GetValueOrDefault(subject.Workflow) ?? new WorkflowScope();
        var applicable = new List<string>();
        if (_protocol is not null)
        {
            var executable = ExecutableProtocol.For(_protocol);
            foreach (var safety in executable.SafetyRules)
            {
                if (scope.Domain is not null && !string.Equals(safety.Rule.Domain.Name, scope.Domain, StringComparison.OrdinalIgnoreCase)) continue;
                var rule = new Rule(executable, safety.When ?? ((_, _) => true), safety.Rule.Id, safety.Rule.Syntax.Span, safety.Rule.Source, Model(_protocol), [safety.Rule.Hash]);
                if (Run(rule, safety.Rule.Domain.Name, subject, now) == true) applicable.Add(safety.Rule.Id);
            }
            return applicable;
        }
        foreach (var (name, text) in _safetyRules)
            if (Compile(scope.Domain, scope.Alias, text) is { } rule && Run(rule, scope.Domain, subject, now) == true) applicable.Add(name);
        return applicable;
    }

    private static IDataModel Model(CompiledProtocol protocol) => protocol.DataModel ?? SdtmModel.Sdtmig34;

    /// <summary>
    /// Compiles a condition known only by its text: as the <c>when</c> of a safety rule over the workflow's record, or
    /// as a definition over the subject for a per-subject workflow. Cached per scope and text.
    /// </summary>
    private Rule? Compile(string? domain, string? alias, string text) => _compiled.GetOrAdd((domain, alias, text), key =>
    {
        var line = key.Text.ReplaceLineEndings(" ");
        var source = key.Domain is null || key.Alias is null
            ? $"protocol SIMULATION version \"1\"\n  data SDTM \"3.4\"\n\ndefine Condition: {line}\n"
            : $"protocol SIMULATION version \"1\"\n  data SDTM \"3.4\"\n\nsafety\n  rule Condition \"Simulated condition\" for each {key.Domain} {key.Alias} when {line}\n    notify Sponsor within 24 hours of awareness\n";
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(source, "scenario condition"));
        if (compiled.HasErrors)
        {
            _problems[key.Text] = compiled.Diagnostics.First(d => d.IsError) is var e ? $"{e.Code}: {e.Message}" : "does not compile";
            return null;
        }
        var executable = ExecutableProtocol.For(compiled);
        var span = new TextSpan(0, source.Length);
        if (key.Domain is null || key.Alias is null)
            return new Rule(executable, (ctx, _) => executable.EvaluateDefine(ctx, "Condition") as bool?, "Condition", span, compiled.Source, Model(compiled), []);
        var when = executable.SafetyRules[0].When!;
        return new Rule(executable, when, "Condition", span, compiled.Source, Model(compiled), []);
    });

    /// <summary>Runs a condition over a one-subject study holding the instance's record, built from its values.</summary>
    private static bool? Run(Rule rule, string? domain, WorkflowSubject subject, CqlDateTime now)
    {
        var (study, record) = RecordOf(rule.Model, domain, subject);
        var ctx = rule.Executable.CreateContext(study, now);
        ctx.BeginSubject(0);
        var result = RuleRunner.Run(ctx, x => rule.Evaluate(x, record), rule.Id, rule.Span, rule.Source);
        return result.Succeeded ? result.Value : null;
    }

    private static (StudyData Study, DomainRecord? Record) RecordOf(IDataModel model, string? domain, WorkflowSubject subject)
    {
        var dm = new TableBuilder("DM", model, null, "USUBJID");
        dm.Set("USUBJID", subject.SubjectId);
        dm.EndRow();
        var builder = new StudyDataBuilder().Add(dm.Build(null));
        if (domain is null || string.Equals(domain, "DM", StringComparison.OrdinalIgnoreCase)) return (builder.Build(), null);
        // Only the record's variables (upper-case SDTM names): instance values such as region or timeZone are not data.
        var variables = subject.Values.Keys.Where(k => k.Length > 0 && k.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)) && k != "USUBJID").ToArray();
        var table = new TableBuilder(domain.ToUpperInvariant(), model, null, ["USUBJID", .. variables]);
        table.Set("USUBJID", subject.SubjectId);
        foreach (var v in variables) table.Set(v, subject.Values[v]);
        table.EndRow();
        var study = builder.Add(table.Build(null)).Build();
        return (study, study.GetDomain(domain.ToUpperInvariant())!.Record(0));
    }
}
