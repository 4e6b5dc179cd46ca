using System.Collections.Concurrent;
using System.Globalization;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Language.Workflows;
using NodaTime;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>
/// A rule host that answers with the protocol's own rules, compiled by the native backend and run over the study data:
/// <list type="bullet">
/// <item>criteria: decided by the protocol's one <see cref="EligibilityEvaluator"/>, exactly as <c>protocol screen</c>
/// decides them (missing data Unknown, never NotMet; the study's IE records decide what the rules cannot, and a
/// contradiction is Unknown); the subject's status maps to the workflow's outcome (Eligible Met, Ineligible NotMet,
/// needing review Attested when only attestations are outstanding, else Unknown); the rule hashes are the criteria's
/// content hashes;</item>
/// <item>workflow conditions (a <c>per AE A when ...</c> start condition, an expression guard) over the instance's
/// record, found by its --SEQ in the subject's rows (the record id of the DataArrived event);</item>
/// <item>safety rules: a rule applies when its condition is true <em>or unknown</em> for the record, so missing data
/// starts a clock rather than silently not starting it.</item>
/// </list>
/// Randomisation goes to <paramref name="randomizer"/>: the protocol's own scheme (ProtocolEngine.Safety's <c>ProtocolRandomizer</c>) or
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
    private readonly ConcurrentDictionary<string, Lazy<EligibilityEvaluator?>> _evaluators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (BoundWorkflow Workflow, RuleIdentity Rule)> _conditions = Conditions(protocol);

    /// <summary>The protocol's workflow conditions (start conditions, data guards) by rule id: each is a rule of the compiled protocol.</summary>
    internal static Dictionary<string, (BoundWorkflow Workflow, RuleIdentity Rule)> Conditions(CompiledProtocol protocol)
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
    internal static (BoundWorkflow Workflow, RuleIdentity Rule)? FindCondition(IReadOnlyDictionary<string, (BoundWorkflow Workflow, RuleIdentity Rule)> conditions,
        string workflow, ConditionGuard condition)
    {
        if (conditions.TryGetValue(condition.RuleId, out var c)) return c;
        var text = RuleHasher.Normalize(condition.Text);
        foreach (var candidate in conditions.Values)
            if (candidate.Workflow.Name == workflow && RuleHasher.Normalize(candidate.Rule.Text) == text) return candidate;
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

    /// <summary>
    /// The subject's eligibility over the criteria of a phase (null: all), decided by the protocol's one
    /// <see cref="EligibilityEvaluator"/> as screening decides it, as of the clock's date (UTC); null when the subject
    /// is not in the study data or no criterion has the phase.
    /// </summary>
    public SubjectEligibility? Eligibility(string subjectId, string? phase)
    {
        int index = study.IndexOfSubject(subjectId);
        if (index < 0 || Evaluator(phase) is not { } evaluator) return null;
        return evaluator.Evaluate(index, EligibilityEvaluator.AsOfDate(clock.GetCurrentInstant().ToDateTimeUtc()));
    }

    private EligibilityEvaluator? Evaluator(string? phase) =>
        _evaluators.GetOrAdd(phase ?? "", _ => new Lazy<EligibilityEvaluator?>(() =>
        {
            try { return EligibilityEvaluator.Create(_executable, study, phase); }
            catch (ArgumentException) { return null; }
        })).Value;

    /// <summary>
    /// The workflow's reading of a subject's eligibility, the same as screening's status: Eligible is Met, Ineligible
    /// NotMet, and a subject needing review Attested when only attestations are outstanding, otherwise Unknown.
    /// </summary>
    public static CriteriaOutcome Outcome(SubjectEligibility eligibility) => eligibility.Status switch
    {
        EligibilityStatus.Eligible => CriteriaOutcome.Met,
        EligibilityStatus.Ineligible => CriteriaOutcome.NotMet,
        _ => eligibility.AwaitsAttestationOnly ? CriteriaOutcome.Attested : CriteriaOutcome.Unknown,
    };

    /// <summary>A criterion's outcome as a workflow reads it: passing is Met, failing NotMet (for an exclusion, Met means it does not apply).</summary>
    public static CriteriaOutcome Outcome(CriterionResult criterion) =>
        EligibilityEvaluator.IsPassing(criterion.Kind, criterion.Outcome) ? CriteriaOutcome.Met
        : EligibilityEvaluator.IsFailing(criterion.Kind, criterion.Outcome) ? CriteriaOutcome.NotMet
        : criterion.Outcome == CriterionOutcome.Attested ? CriteriaOutcome.Attested
        : CriteriaOutcome.Unknown;

    /// <inheritdoc />
    public CriteriaEvaluation EvaluateCriteria(WorkflowSubject subject, string? phase)
    {
        var evaluator = Evaluator(phase);
        var hashes = evaluator?.Criteria.Select(c => c.Hash).ToList() ?? [];
        if (evaluator is null) return new CriteriaEvaluation(CriteriaOutcome.Unknown, hashes, $"no criteria{(phase is null ? "" : " in phase " + phase)}");
        if (Eligibility(subject.SubjectId, phase) is not { } eligibility)
            return new CriteriaEvaluation(CriteriaOutcome.Unknown, hashes, $"subject {subject.SubjectId} is not in the study data");
        var notes = new List<string>();
        foreach (var c in eligibility.Criteria)
        {
            var o = Outcome(c);
            if (o != CriteriaOutcome.Met) notes.Add($"{c.Id} {o}{Detail(c)}");
        }
        return new CriteriaEvaluation(Outcome(eligibility), hashes, notes.Count == 0 ? null : string.Join(", ", notes));
    }

    private static string Detail(CriterionResult c)
    {
        if (c.Error is { } e) return $" ({e.Code}: {e.Message})";
        if (c.Cause is OutcomeCause.Discrepancy or OutcomeCause.RecordedDetermination) return $" ({c.Reason})";
        var missing = c.MissingData;
        return missing.Count == 0 ? "" : $" ({string.Join("; ", missing.Take(3))}{(missing.Count > 3 ? $"; and {missing.Count - 3} more" : "")})";
    }

    /// <inheritdoc />
    public ConditionEvaluation EvaluateCondition(WorkflowSubject subject, ConditionGuard condition)
    {
        if (FindCondition(_conditions, subject.Workflow, condition) is not { } c) return new ConditionEvaluation(null, []);
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

    /// <summary>
    /// What the rules propose about the instance's record, for the person who decides: every Boolean function of one
    /// record of the workflow's domain (<c>Serious(A)</c>, <c>Expected(A)</c>, <c>Related(A)</c>, <c>Susar(A)</c>, ...)
    /// evaluated over it; null where the data do not decide.
    /// </summary>
    public IReadOnlyList<RecordProposal> ProposeForRecord(WorkflowSubject subject)
    {
        var workflow = protocol.Workflows.FirstOrDefault(w => w.Name == subject.Workflow);
        if (workflow?.Alias is not { } alias || workflow.Domain is null) return [];
        var ctx = Context(subject.SubjectId);
        var record = ctx is null ? null : FindRecord(workflow.Domain.Name, subject);
        var list = new List<RecordProposal>();
        foreach (var (function, rule) in _executable.RecordFunctions)
        {
            if (!function.Parameters[0].Type.Equals(alias.Type)) continue;
            bool? value = null;
            string? error = null;
            if (ctx is not null && record is not null)
            {
                var r = RuleRunner.Run(ctx, x => rule(x, record) as bool?, function.Name, function.Syntax.Span, function.Source);
                value = r.Succeeded ? r.Value : null;
                error = r.Error?.Message;
            }
            list.Add(new RecordProposal(function.Name, value, function.DeclarationText, error ?? (record is null ? "the record is not in the data" : null)));
        }
        return list;
    }

    /// <summary>The instance's record: the row of the subject whose --SEQ is the record id (the key after the '/').</summary>
    private DomainRecord? FindRecord(string domain, WorkflowSubject subject)
    {
        int slash = subject.CorrelationKey.LastIndexOf('/');
        if (slash < 0) return null;
        var id = subject.CorrelationKey[(slash + 1)..];
        var table = study.GetDomain(domain);
        int index = study.IndexOfSubject(subject.SubjectId);
        if (index < 0) return null;
        if (table is null) return RecordFromValues.Build(domain, subject.SubjectId, id, subject.Values, protocol.DataModel);
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
        // Not in the loaded data (a record a system reported since): the rules read the values the event carried.
        return RecordFromValues.Build(domain, subject.SubjectId, id, subject.Values, protocol.DataModel);
    }
}
