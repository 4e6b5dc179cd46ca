using System.Globalization;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Workflows.Randomization;
using NodaTime;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>
/// A rule host that answers with the protocol's own rules, compiled by the native backend and run over the study data:
/// <list type="bullet">
/// <item>criteria: an inclusion that is true (an exclusion that is false) is Met, the opposite NotMet, null (missing or
/// uncertain data) or a rule error Unknown, an attested criterion Attested; overall any NotMet, else any Unknown, else
/// any Attested, else Met; the rule hashes are the criteria's content hashes;</item>
/// <item>workflow conditions (a <c>per AE A when ...</c> start condition, an expression guard) over the instance's
/// record, found by its --SEQ in the subject's rows (the record id of the DataArrived event);</item>
/// <item>safety rules: a rule applies when its condition is true <em>or unknown</em> for the record, so missing data
/// starts a clock rather than silently not starting it.</item>
/// </list>
/// Randomisation goes to <paramref name="randomizer"/>: the protocol's own scheme (<see cref="ProtocolRandomizer"/>) or
/// another host.
/// </summary>
/// <param name="protocol">The compiled protocol (without errors).</param>
/// <param name="study">The study data the rules read.</param>
/// <param name="clock">"Now" for the rules (Today, ages).</param>
/// <param name="randomizer">What assigns arms.</param>
public sealed class ProtocolRuleHost(CompiledProtocol protocol, StudyData study, IClock clock, ISubjectRandomizer randomizer) : IWorkflowRuleHost
{
    /// <summary>A host whose randomisation goes to another rule host (for example a simulation's).</summary>
    /// <param name="protocol">The compiled protocol (without errors).</param>
    /// <param name="study">The study data the rules read.</param>
    /// <param name="clock">"Now" for the rules.</param>
    /// <param name="randomizer">The host that assigns arms.</param>
    public ProtocolRuleHost(CompiledProtocol protocol, StudyData study, IClock clock, IWorkflowRuleHost randomizer)
        : this(protocol, study, clock, new HostRandomizer(randomizer))
    {
    }

    private sealed class HostRandomizer(IWorkflowRuleHost host) : ISubjectRandomizer
    {
        public RandomizationResult Randomize(WorkflowSubject subject) => host.Randomize(subject);
    }

    private readonly ExecutableProtocol _executable = ExecutableProtocol.For(protocol);
    private readonly Dictionary<string, (BoundWorkflow Workflow, RuleIdentity Rule)> _conditions = Conditions(protocol);

    // Workflow conditions by rule id: each start condition and data guard is a rule of the compiled protocol.
    private static Dictionary<string, (BoundWorkflow, RuleIdentity)> Conditions(CompiledProtocol protocol)
    {
        var map = new Dictionary<string, (BoundWorkflow, RuleIdentity)>(StringComparer.Ordinal);
        foreach (var w in protocol.Workflows)
        {
            if (w.StartIdentity is { } start) map.TryAdd(start.Id, (w, start));
            foreach (var t in w.Transitions)
                foreach (var g in BoundGuards.Conditions(t.Guard)) map.TryAdd(g.Identity.Id, (w, g.Identity));
        }
        return map;
    }

    /// <summary>
    /// The condition a guard names: by rule id; a definition stored before rule ids (<c>Workflow@offset</c>) names its
    /// conditions by position, so those are found by their text within the instance's workflow.
    /// </summary>
    private (BoundWorkflow Workflow, RuleIdentity Rule)? FindCondition(WorkflowSubject subject, ConditionGuard condition)
    {
        if (_conditions.TryGetValue(condition.RuleId, out var c)) return c;
        var text = RuleHasher.Normalize(condition.Text);
        foreach (var candidate in _conditions.Values)
            if (candidate.Workflow.Name == subject.Workflow && RuleHasher.Normalize(candidate.Rule.Text) == text) return candidate;
        return null;
    }

    private EvaluationContext? Context(string subjectId)
    {
        int index = study.IndexOfSubject(subjectId);
        if (index < 0) return null;
        var ctx = _executable.CreateContext(study, CqlDateTime.FromDateTime(clock.GetCurrentInstant().ToDateTimeUtc(), DateTimePrecision.Millisecond, 0));
        ctx.BeginSubject(index);
        return ctx;
    }

    /// <inheritdoc />
    public CriteriaEvaluation EvaluateCriteria(WorkflowSubject subject, string? phase)
    {
        var criteria = _executable.Criteria.Where(c => phase is null || c.Criterion.Phase == phase).ToList();
        var hashes = criteria.Select(c => c.Criterion.Hash).ToList();
        if (criteria.Count == 0) return new CriteriaEvaluation(CriteriaOutcome.Unknown, hashes, $"no criteria{(phase is null ? "" : " in phase " + phase)}");
        if (Context(subject.SubjectId) is not { } ctx) return new CriteriaEvaluation(CriteriaOutcome.Unknown, hashes, $"subject {subject.SubjectId} is not in the study data");
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
    public ConditionEvaluation EvaluateCondition(WorkflowSubject subject, ConditionGuard condition)
    {
        if (FindCondition(subject, condition) is not { } c) return new ConditionEvaluation(null, []);
        // The hash of the rule that runs, which is the guard's own unless the definition was stored from older text.
        var ctx = Context(subject.SubjectId);
        var record = ctx is null || c.Workflow.Domain is null ? null : FindRecord(c.Workflow.Domain.Name, subject);
        if (ctx is null || (c.Workflow.Domain is not null && record is null)) return new ConditionEvaluation(null, [c.Rule.Hash]);
        var rule = _executable.RecordRule(c.Rule.Id);
        var r = RuleRunner.Run(ctx, x => rule(x, record), c.Rule.Id, c.Rule.Span, c.Rule.Source);
        return new ConditionEvaluation(r.Succeeded ? r.Value as bool? : null, [c.Rule.Hash]);
    }

    /// <inheritdoc />
    public RandomizationResult Randomize(WorkflowSubject subject) => randomizer.Randomize(subject);

    /// <inheritdoc />
    public IReadOnlyList<string> ApplicableSafetyRules(WorkflowSubject subject)
    {
        var workflow = protocol.Workflows.FirstOrDefault(w => w.Name == subject.Workflow);
        var domain = workflow?.Domain?.Name;
        var ctx = Context(subject.SubjectId);
        var record = ctx is null || domain is null ? null : FindRecord(domain, subject);
        var applicable = new List<string>();
        foreach (var rule in _executable.SafetyRules)
        {
            if (domain is not null && !string.Equals(rule.Rule.Domain.Name, domain, StringComparison.OrdinalIgnoreCase)) continue;
            bool? applies = true;
            if (rule.When is { } when)
            {
                applies = null;
                if (ctx is not null && record is not null)
                {
                    var r = RuleRunner.Run(ctx, x => when(x, record), rule.Rule.Id, rule.Rule.Syntax.Span, rule.Rule.Source);
                    applies = r.Succeeded ? r.Value as bool? : null;
                }
            }
            if (applies != false) applicable.Add(rule.Rule.Id);
        }
        return applicable;
    }

    /// <summary>The instance's record: the row of the subject whose --SEQ is the record id (the key after the '/').</summary>
    private DomainRecord? FindRecord(string domain, WorkflowSubject subject)
    {
        int slash = subject.CorrelationKey.LastIndexOf('/');
        if (slash < 0) return null;
        var id = subject.CorrelationKey[(slash + 1)..];
        var table = study.GetDomain(domain);
        int index = study.IndexOfSubject(subject.SubjectId);
        if (table is null || index < 0) return null;
        var seq = table.GetColumn(domain + "SEQ");
        var (start, count) = table.RowsOf(index);
        for (int row = start; row < start + count; row++)
        {
            bool match = seq switch
            {
                NumberColumn n => n.GetDouble(row) is { } d && double.TryParse(id, NumberStyles.Float, CultureInfo.InvariantCulture, out var want) && d == want,
                TextColumn t => t.GetString(row) == id,
                _ => false,
            };
            if (match) return table.Record(row);
        }
        return null;
    }
}
