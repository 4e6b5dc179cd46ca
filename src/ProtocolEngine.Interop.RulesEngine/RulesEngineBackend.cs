using System.Diagnostics;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using RE = global::RulesEngine;

namespace ProtocolEngine.Interop.RulesEngine;

/// <summary>Each subject's rule outcomes as Microsoft RulesEngine decided them.</summary>
public sealed class RulesEngineOutcomes
{
    private readonly CriterionOutcome[] _outcomes;

    internal RulesEngineOutcomes(RulesEngineWorkflow workflow, IReadOnlyList<string> subjects, CriterionOutcome[] outcomes, TimeSpan elapsed)
    {
        Workflow = workflow;
        SubjectIds = subjects;
        _outcomes = outcomes;
        Elapsed = elapsed;
    }

    /// <summary>The workflow run.</summary>
    public RulesEngineWorkflow Workflow { get; }

    /// <summary>The subjects, in the study's order.</summary>
    public IReadOnlyList<string> SubjectIds { get; }

    /// <summary>The time RulesEngine took (the input built, every rule run for every subject).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// The rule outcome of a subject and criterion (by <see cref="RulesEngineCriterion.Index"/>): Met, NotMet or Unknown
    /// when the workflow expresses it, Attested for an attested criterion, NotEvaluated when the workflow cannot express it.
    /// </summary>
    public CriterionOutcome Rule(int subject, int criterion) => _outcomes[subject * Workflow.Criteria.Count + criterion];
}

/// <summary>Runs a protocol's criteria through the real Microsoft RulesEngine 6.0.1, from the workflow's JSON.</summary>
public static class RulesEngineBackend
{
    /// <summary>Exports the protocol's workflow, reads its JSON back into RulesEngine (default settings) and runs it for every subject of the study.</summary>
    /// <exception cref="ArgumentException">The protocol has errors or no criteria, or none it can express.</exception>
    /// <exception cref="InvalidOperationException">RulesEngine failed on a rule (named, with the subject).</exception>
    public static RulesEngineOutcomes Screen(CompiledProtocol protocol, StudyData study, string? phase = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(study);
        var workflow = RulesEngineWorkflow.Generate(protocol, phase);
        if (workflow.Workflow.Rules.Count() == 0)
            throw new ArgumentException($"RulesEngine can express none of the {workflow.Criteria.Count(c => !c.IsAttested)} rules of {protocol.Name} (PE4101 names each and why); nothing would run.", nameof(protocol));
        return Run(workflow, study);
    }

    /// <summary>Runs a workflow (through its JSON, as a RulesEngine user would load it) for every subject of the study.</summary>
    /// <exception cref="InvalidOperationException">RulesEngine failed on a rule (named, with the subject).</exception>
    public static RulesEngineOutcomes Run(RulesEngineWorkflow workflow, StudyData study)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(study);
        var clock = Stopwatch.StartNew();
        var subjects = RulesEngineSubject.FromStudy(study, workflow);
        var engine = new RE.RulesEngine(RulesEngineWorkflow.Parse(workflow.ToJson()), new RE.Models.ReSettings());
        var name = workflow.Workflow.WorkflowName;
        var criteria = workflow.Criteria;
        var byName = criteria.Where(c => c.IsExpressed).ToDictionary(c => c.Criterion.Id, c => c.Index, StringComparer.Ordinal);
        var outcomes = new CriterionOutcome[subjects.Count * criteria.Count];
        for (int i = 0; i < subjects.Count; i++)
        {
            foreach (var c in criteria) outcomes[i * criteria.Count + c.Index] = c.IsAttested ? CriterionOutcome.Attested : CriterionOutcome.NotEvaluated;
            // RulesEngine's API is asynchronous only; the rules themselves do no I/O.
            var results = engine.ExecuteAllRulesAsync(name, new RE.Models.RuleParameter(RulesEngineWorkflow.Parameter, subjects[i])).GetAwaiter().GetResult();
            foreach (var result in results)
            {
                var rule = result.Rule.RuleName;
                if (!result.IsSuccess || result.ActionResult?.Exception is not null)
                    throw new InvalidOperationException($"RulesEngine failed on rule {rule} for subject {subjects[i].USUBJID}: {result.ActionResult?.Exception?.Message ?? result.ExceptionMessage}");
                var outcome = (result.ActionResult?.Output as string) switch
                {
                    "Met" => CriterionOutcome.Met,
                    "NotMet" => CriterionOutcome.NotMet,
                    "Unknown" => CriterionOutcome.Unknown,
                    var other => throw new InvalidOperationException($"RulesEngine rule {rule} returned '{other}' for subject {subjects[i].USUBJID}, not Met, NotMet or Unknown."),
                };
                outcomes[i * criteria.Count + byName[rule]] = outcome;
            }
        }
        return new RulesEngineOutcomes(workflow, [.. subjects.Select(s => s.USUBJID)], outcomes, clock.Elapsed);
    }
}
