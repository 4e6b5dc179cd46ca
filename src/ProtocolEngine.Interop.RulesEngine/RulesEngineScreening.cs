using ProtocolEngine.Language.Binding;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Screening;

namespace ProtocolEngine.Interop.RulesEngine;

/// <summary>
/// A population screened with RulesEngine deciding the rules it expresses and the native backend the others: per subject
/// and criterion the rule's outcome and the outcome after the study's recorded determinations (IE), and the status, decided
/// as the native screener decides them (<see cref="EligibilityEvaluator.DecideStatus"/>).
/// </summary>
public sealed class RulesEngineScreening
{
    private readonly CriterionOutcome[] _rules;
    private readonly CriterionOutcome[] _outcomes;
    private readonly EligibilityStatus[] _statuses;
    private readonly bool[] _native;

    private RulesEngineScreening(RulesEngineOutcomes engine, CriterionOutcome[] rules, CriterionOutcome[] outcomes, EligibilityStatus[] statuses, bool[] native, TimeSpan elapsed)
    {
        Engine = engine;
        _rules = rules;
        _outcomes = outcomes;
        _statuses = statuses;
        _native = native;
        Elapsed = elapsed;
    }

    /// <summary>What RulesEngine decided.</summary>
    public RulesEngineOutcomes Engine { get; }

    /// <summary>The criteria screened, in protocol order.</summary>
    public IReadOnlyList<BoundCriterion> Criteria => [.. Engine.Workflow.Criteria.Select(c => c.Criterion)];

    /// <summary>The subjects, in the study's order.</summary>
    public IReadOnlyList<string> SubjectIds => Engine.SubjectIds;

    /// <summary>RulesEngine's time plus the native backend's.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>True when the native backend decided the criterion (RulesEngine cannot express it).</summary>
    public bool RanNatively(int criterion) => _native[criterion];

    /// <summary>The rule's own outcome.</summary>
    public CriterionOutcome Rule(int subject, int criterion) => _rules[subject * _native.Length + criterion];

    /// <summary>The outcome after the study's recorded determinations.</summary>
    public CriterionOutcome Outcome(int subject, int criterion) => _outcomes[subject * _native.Length + criterion];

    /// <summary>The subject's status.</summary>
    public EligibilityStatus Status(int subject) => _statuses[subject];

    /// <summary>
    /// Combines RulesEngine's outcomes with the study's recorded determinations (as the native screener reconciles them: a
    /// determination decides what the rule could not, agrees with it, or contradicts it, which is Unknown) and with a native
    /// result holding every criterion RulesEngine does not express.
    /// </summary>
    /// <exception cref="ArgumentException">The native result lacks a criterion or the subjects differ.</exception>
    public static RulesEngineScreening Combine(RulesEngineOutcomes engine, StudyData study, ScreeningResult? native)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(study);
        var criteria = engine.Workflow.Criteria;
        int n = engine.SubjectIds.Count, k = criteria.Count;
        var isNative = new bool[k];
        var nativeIndex = new int[k];
        for (int j = 0; j < k; j++)
        {
            isNative[j] = !criteria[j].IsExpressed && !criteria[j].IsAttested;
            nativeIndex[j] = -1;
            if (!isNative[j]) continue;
            if (native is null) throw new ArgumentException($"Criterion {criteria[j].Criterion.Id} is not in the workflow and no native result was given.", nameof(native));
            nativeIndex[j] = native.Criteria.ToList().FindIndex(c => c.Id == criteria[j].Criterion.Id);
            if (nativeIndex[j] < 0) throw new ArgumentException($"The native result does not hold criterion {criteria[j].Criterion.Id}.", nameof(native));
        }
        if (native is not null && native.SubjectCount != n) throw new ArgumentException($"The native result holds {native.SubjectCount} subjects, RulesEngine {n}.", nameof(native));
        var determinations = RecordedDeterminations.FromStudy(study, criteria.ToDictionary(c => c.Criterion.Id, c => c.Criterion.Kind));
        var rules = new CriterionOutcome[n * k];
        var outcomes = new CriterionOutcome[n * k];
        var statuses = new EligibilityStatus[n];
        for (int i = 0; i < n; i++)
        {
            if (native is not null && native.SubjectId(i) != engine.SubjectIds[i])
                throw new ArgumentException($"Subject {i + 1} is {engine.SubjectIds[i]} for RulesEngine and {native.SubjectId(i)} natively.", nameof(native));
            bool discrepancy = false, failing = false, undecided = false;
            for (int j = 0; j < k; j++)
            {
                CriterionOutcome rule, outcome;
                if (isNative[j])
                {
                    rule = native!.RuleOutcome(i, nativeIndex[j]);
                    outcome = native.Outcome(i, nativeIndex[j]);
                    if (rule is CriterionOutcome.Met or CriterionOutcome.NotMet && outcome == CriterionOutcome.Unknown) discrepancy = true;
                }
                else
                {
                    rule = outcome = engine.Rule(i, j);
                    if (determinations.Find(engine.SubjectIds[i], criteria[j].Criterion.Id) is { } recorded)
                    {
                        if (rule is CriterionOutcome.Unknown or CriterionOutcome.Attested) outcome = recorded.Outcome;
                        else if (rule != recorded.Outcome)
                        {
                            outcome = CriterionOutcome.Unknown;
                            discrepancy = true;
                        }
                    }
                }
                rules[i * k + j] = rule;
                outcomes[i * k + j] = outcome;
                var kind = criteria[j].Criterion.Kind;
                if (EligibilityEvaluator.IsFailing(kind, outcome)) failing = true;
                else if (!EligibilityEvaluator.IsPassing(kind, outcome)) undecided = true;
            }
            statuses[i] = EligibilityEvaluator.DecideStatus(discrepancy, failing, undecided);
        }
        return new RulesEngineScreening(engine, rules, outcomes, statuses, isNative, engine.Elapsed + (native?.Elapsed ?? TimeSpan.Zero));
    }
}
