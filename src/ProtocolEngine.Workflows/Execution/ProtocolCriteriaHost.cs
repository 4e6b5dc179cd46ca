using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Workflows.Definitions;
using NodaTime;
using CriteriaOutcome = ProtocolEngine.Workflows.Definitions.CriteriaOutcome;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>
/// A rule host that evaluates the protocol's own eligibility criteria, compiled by the native backend, over the
/// subject's study data: an inclusion that is true (an exclusion that is false) is Met, the opposite NotMet, a null
/// (missing or uncertain data) or a rule error Unknown, an attested criterion Attested. Overall: any NotMet, else any
/// Unknown, else any Attested, else Met. The rule hashes are the criteria's content hashes. Record conditions,
/// randomisation and safety-rule applicability go to <paramref name="records"/>.
/// </summary>
/// <param name="protocol">The compiled protocol (without errors).</param>
/// <param name="study">The study data the criteria read.</param>
/// <param name="clock">"Now" for the rules (Today, ages).</param>
/// <param name="records">The host for everything but criteria.</param>
public sealed class ProtocolCriteriaHost(CompiledProtocol protocol, StudyData study, IClock clock, IWorkflowRuleHost records) : IWorkflowRuleHost
{
    private readonly ExecutableProtocol _executable = ExecutableProtocol.For(protocol);

    /// <inheritdoc />
    public CriteriaEvaluation EvaluateCriteria(WorkflowSubject subject, string? phase)
    {
        var criteria = _executable.Criteria.Where(c => phase is null || c.Criterion.Phase == phase).ToList();
        var hashes = criteria.Select(c => c.Criterion.Hash).ToList();
        if (criteria.Count == 0) return new CriteriaEvaluation(CriteriaOutcome.Unknown, hashes, $"no criteria{(phase is null ? "" : " in phase " + phase)}");
        int index = study.IndexOfSubject(subject.SubjectId);
        if (index < 0) return new CriteriaEvaluation(CriteriaOutcome.Unknown, hashes, $"subject {subject.SubjectId} is not in the study data");
        var now = CqlDateTime.FromDateTime(clock.GetCurrentInstant().ToDateTimeUtc(), DateTimePrecision.Millisecond, 0);
        var ctx = _executable.CreateContext(study, now);
        ctx.BeginSubject(index);
        var outcomes = new List<CriteriaOutcome>();
        var notes = new List<string>();
        foreach (var c in criteria)
        {
            CriteriaOutcome o;
            if (c.Rule is null)
            {
                o = CriteriaOutcome.Attested;
            }
            else
            {
                var r = RuleRunner.Run(ctx, c.Rule, c.Criterion.Id, c.Criterion.Syntax.Span, c.Criterion.Source);
                bool? value = r.Succeeded ? r.Value : null;
                o = value is null ? CriteriaOutcome.Unknown
                    : value.Value == (c.Criterion.Kind == CriterionKind.Inclusion) ? CriteriaOutcome.Met : CriteriaOutcome.NotMet;
                if (!r.Succeeded) notes.Add($"{c.Criterion.Id}: {r.Error!.Message}");
            }
            if (o != CriteriaOutcome.Met) notes.Add($"{c.Criterion.Id} {o}");
            outcomes.Add(o);
        }
        var overall = outcomes.Contains(CriteriaOutcome.NotMet) ? CriteriaOutcome.NotMet
            : outcomes.Contains(CriteriaOutcome.Unknown) ? CriteriaOutcome.Unknown
            : outcomes.Contains(CriteriaOutcome.Attested) ? CriteriaOutcome.Attested
            : CriteriaOutcome.Met;
        return new CriteriaEvaluation(overall, hashes, notes.Count == 0 ? null : string.Join(", ", notes));
    }

    /// <inheritdoc />
    public ConditionEvaluation EvaluateCondition(WorkflowSubject subject, ConditionGuard condition) => records.EvaluateCondition(subject, condition);

    /// <inheritdoc />
    public RandomizationResult Randomize(WorkflowSubject subject) => records.Randomize(subject);

    /// <inheritdoc />
    public IReadOnlyList<string> ApplicableSafetyRules(WorkflowSubject subject) => records.ApplicableSafetyRules(subject);
}
