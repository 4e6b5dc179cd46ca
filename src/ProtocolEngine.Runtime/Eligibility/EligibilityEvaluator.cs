using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Eligibility;

/// <summary>
/// The one evaluator of subjects' criteria: screening's population loop, <c>explain</c>, the workflow rule host and
/// simulations all decide eligibility here, so the same subject gets the same answer whoever asks. Its policies are
/// not the caller's to choose: records that may be missing for want of data make a rule Unknown, never NotMet; the
/// study's recorded determinations (IE records) decide what the rules cannot and contradictions become Unknown
/// (discrepancies); every Unknown names the data gaps behind it.
/// </summary>
/// <remarks>
/// Built once per protocol, study and phase and shared by threads; each thread evaluates through its own
/// <see cref="EligibilityWorker"/> into an <see cref="EligibilityResults"/> (a population, or a single subject).
/// </remarks>
public sealed class EligibilityEvaluator
{
    private EligibilityEvaluator(ExecutableProtocol executable, StudyData study, string? phase, ImmutableArray<ExecutableCriterion> criteria, RecordedDeterminations determinations)
    {
        Executable = executable;
        Study = study;
        Phase = phase;
        ExecutableCriteria = criteria;
        Criteria = [.. criteria.Select(c => c.Criterion)];
        Determinations = determinations;
    }

    /// <summary>The executable protocol whose criteria are evaluated.</summary>
    public ExecutableProtocol Executable { get; }

    /// <summary>The study the criteria read.</summary>
    public StudyData Study { get; }

    /// <summary>The phase evaluated, or null for every criterion.</summary>
    public string? Phase { get; }

    /// <summary>The criteria evaluated, in protocol order.</summary>
    public ImmutableArray<BoundCriterion> Criteria { get; }

    internal ImmutableArray<ExecutableCriterion> ExecutableCriteria { get; }

    /// <summary>The study's recorded determinations (IE records) for the protocol's criteria, with notes on records not used.</summary>
    public RecordedDeterminations Determinations { get; }

    /// <summary>An evaluator of a compiled protocol's criteria (of one phase, or all) over a study.</summary>
    /// <exception cref="ArgumentException">The protocol has errors, or the phase asked for has no criteria.</exception>
    public static EligibilityEvaluator Create(CompiledProtocol protocol, StudyData study, string? phase = null) =>
        Create(ExecutableProtocol.For(protocol), study, phase);

    /// <summary>An evaluator of some of a compiled protocol's criteria (by id, within the phase) over a study.</summary>
    /// <exception cref="ArgumentException">The protocol has errors, the phase asked for has no criteria, or an id is not a criterion of it.</exception>
    public static EligibilityEvaluator ForCriteria(CompiledProtocol protocol, StudyData study, string? phase, IReadOnlyCollection<string>? criteria)
    {
        var evaluator = Create(protocol, study, phase);
        if (criteria is null) return evaluator;
        foreach (var id in criteria)
            if (!evaluator.Criteria.Any(c => c.Id == id)) throw Hosting.Selection.Unknown("criterion", id, "among the criteria screened", [.. evaluator.Criteria.Select(c => c.Id)]);
        var selected = evaluator.ExecutableCriteria.Where(c => criteria.Contains(c.Criterion.Id)).ToImmutableArray();
        return new EligibilityEvaluator(evaluator.Executable, study, phase, selected, evaluator.Determinations);
    }

    /// <summary>An evaluator of an executable protocol's criteria (of one phase, or all) over a study.</summary>
    /// <exception cref="ArgumentException">The protocol declares no criteria, or the phase asked for has none.</exception>
    public static EligibilityEvaluator Create(ExecutableProtocol executable, StudyData study, string? phase = null)
    {
        var protocol = executable.Source ?? throw new ArgumentException("A lone expression has no criteria.", nameof(executable));
        EnsureCriteria(protocol);
        var determinations = RecordedDeterminations.FromStudy(study, protocol.Criteria.ToDictionary(c => c.Id, c => c.Kind, StringComparer.Ordinal));
        return new EligibilityEvaluator(executable, study, phase, SelectCriteria(executable, phase), determinations);
    }

    /// <summary>
    /// Refuses a protocol without criteria: with nothing to decide on, every subject would come out Eligible, a wrong
    /// answer that looks like a right one. Every evaluator calls this; hosts call it before loading data to fail early.
    /// </summary>
    /// <exception cref="ArgumentException">The protocol declares no criteria.</exception>
    public static void EnsureCriteria(CompiledProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (protocol.Criteria.IsEmpty)
            throw new ArgumentException($"{protocol.Source.Path}: protocol {protocol.Name} declares no criteria, so it cannot decide eligibility " +
                                        "(every subject would come out Eligible). Add a `criteria` block.");
    }

    private static ImmutableArray<ExecutableCriterion> SelectCriteria(ExecutableProtocol executable, string? phase)
    {
        if (phase is null) return executable.Criteria;
        var selected = executable.Criteria.Where(c => string.Equals(c.Criterion.Phase, phase, StringComparison.OrdinalIgnoreCase)).ToImmutableArray();
        if (selected.Length == 0)
        {
            var phases = executable.Criteria.Select(c => c.Criterion.Phase).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (phases.Count == 0) throw new ArgumentException($"No criterion has phase '{phase}': the protocol's criteria declare no phases.");
            throw Hosting.Selection.Unknown("phase", phase, "among the protocol's criteria", phases);
        }
        return selected;
    }

    /// <summary>"Today" as screening takes it when no date is given: the UTC date of <paramref name="utcNow"/>, to the day.</summary>
    public static CqlDateTime AsOfDate(DateTime utcNow) => CqlDateTime.FromDateTime(utcNow.Date, DateTimePrecision.Day, null);

    /// <summary>True when an outcome of a criterion of this kind makes a subject ineligible (an inclusion NotMet, an exclusion Met).</summary>
    public static bool IsFailing(CriterionKind kind, CriterionOutcome outcome) =>
        kind == CriterionKind.Inclusion ? outcome == CriterionOutcome.NotMet : outcome == CriterionOutcome.Met;

    /// <summary>True when an outcome of a criterion of this kind is what eligibility needs (an inclusion Met, an exclusion NotMet).</summary>
    public static bool IsPassing(CriterionKind kind, CriterionOutcome outcome) =>
        kind == CriterionKind.Inclusion ? outcome == CriterionOutcome.Met : outcome == CriterionOutcome.NotMet;

    /// <summary>
    /// A subject's status from what its criteria's outcomes say: a discrepancy with a recorded determination goes to a
    /// person whatever else holds, then any failing criterion makes the subject Ineligible, then any criterion neither
    /// passing nor failing (Unknown, Attested) makes it NeedsReview. Every backend decides the status here (the SQL
    /// backend writes this function's table into its query), so no backend has a second rule.
    /// </summary>
    public static EligibilityStatus DecideStatus(bool discrepancy, bool failing, bool undecided) =>
        discrepancy ? EligibilityStatus.NeedsReview
        : failing ? EligibilityStatus.Ineligible
        : undecided ? EligibilityStatus.NeedsReview
        : EligibilityStatus.Eligible;

    /// <summary>Room for the outcomes of these subjects (indexes into the study's subjects), one cell per subject and criterion.</summary>
    /// <param name="subjects">The subjects, in the order they are evaluated and reported.</param>
    /// <param name="recordEvidence">Keep each criterion's evidence (costs memory on large populations).</param>
    public EligibilityResults CreateResults(int[] subjects, bool recordEvidence) => new(this, subjects, recordEvidence);

    /// <summary>A worker for one thread, writing into <paramref name="results"/>.</summary>
    /// <param name="results">Where outcomes go.</param>
    /// <param name="asOf">"Today" for every rule.</param>
    /// <param name="limits">Step, list-size and time limits per rule.</param>
    /// <param name="evidenceCapacity">The most evidence items kept per criterion and subject.</param>
    public EligibilityWorker CreateWorker(EligibilityResults results, CqlDateTime asOf, EvaluationLimits? limits = null, int evidenceCapacity = 100)
    {
        if (!ReferenceEquals(results.Evaluator, this)) throw new ArgumentException("The results were made by another evaluator.", nameof(results));
        return new EligibilityWorker(this, results, asOf, limits, evidenceCapacity);
    }

    /// <summary>One subject's eligibility: every criterion's outcome, cause, evidence and data gaps, and the status.</summary>
    /// <param name="subjectIndex">The subject (index into the study's subjects).</param>
    /// <param name="asOf">"Today" for every rule.</param>
    /// <param name="recordEvidence">Keep the evidence each criterion read.</param>
    /// <param name="limits">Step, list-size and time limits per rule.</param>
    /// <exception cref="ArgumentOutOfRangeException">The subject is not in the study.</exception>
    public SubjectEligibility Evaluate(int subjectIndex, CqlDateTime asOf, bool recordEvidence = true, EvaluationLimits? limits = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(subjectIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(subjectIndex, Study.SubjectCount);
        var results = CreateResults([subjectIndex], recordEvidence);
        CreateWorker(results, asOf, limits).Evaluate(0);
        return results.Subject(0);
    }
}
