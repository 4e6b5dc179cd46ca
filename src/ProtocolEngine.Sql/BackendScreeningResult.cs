using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Screening;

namespace ProtocolEngine.Sql;

/// <summary>
/// A population screened by a database, alone or with the native backend for the criteria the database cannot decide
/// (hybrid): per subject and criterion the outcome, which backend decided it, and the status by the evaluator's one rule.
/// </summary>
public sealed class BackendScreeningResult
{
    private readonly CriterionOutcome[] _rules;
    private readonly CriterionOutcome[] _outcomes;
    private readonly EligibilityStatus[] _statuses;
    private readonly bool[] _native;
    private SqlScreeningOutcomes? _sql;
    private ScreeningResult? _nativeResult;
    private int[] _nativeIndex = [];

    private BackendScreeningResult(string backend, SqlScreeningQuery query, IReadOnlyList<string> subjects, CriterionOutcome[] rules, CriterionOutcome[] outcomes, EligibilityStatus[] statuses, bool[] native, TimeSpan elapsed)
    {
        Backend = backend;
        Query = query;
        SubjectIds = subjects;
        _rules = rules;
        _outcomes = outcomes;
        _statuses = statuses;
        _native = native;
        Elapsed = elapsed;
    }

    /// <summary>The database that decided (duckdb, postgres).</summary>
    public string Backend { get; }

    /// <summary>The query the database ran.</summary>
    public SqlScreeningQuery Query { get; }

    /// <summary>The criteria screened, in protocol order.</summary>
    public IReadOnlyList<BoundCriterion> Criteria => [.. Query.Criteria.Select(c => c.Criterion)];

    /// <summary>PE4001 for each criterion the database could not decide.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics => Query.Diagnostics;

    /// <summary>The subjects, in the study's order.</summary>
    public IReadOnlyList<string> SubjectIds { get; }

    /// <summary>How long the database (and the native backend, in a hybrid) took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>True when the criterion was decided natively (not pushed down).</summary>
    public bool RanNatively(int criterion) => _native[criterion];

    /// <summary>The rule's own outcome.</summary>
    public CriterionOutcome Rule(int subject, int criterion) => _rules[subject * _native.Length + criterion];

    /// <summary>The outcome after recorded determinations.</summary>
    public CriterionOutcome Outcome(int subject, int criterion) => _outcomes[subject * _native.Length + criterion];

    /// <summary>The subject's status.</summary>
    public EligibilityStatus Status(int subject) => _statuses[subject];

    /// <summary>
    /// The evidence of a subject's criterion in the native model: what the database returned for a pushed-down criterion
    /// (<see cref="SqlQueryOptions.Evidence"/>), what the native screener recorded for one run natively; null when none was kept.
    /// </summary>
    public IReadOnlyList<EvidenceItem>? Evidence(int subject, int criterion) =>
        _native[criterion]
            ? _nativeResult is { HasEvidence: true } n ? n.Subject(subject).Criteria[_nativeIndex[criterion]].Evidence : null
            : _sql?.Evidence(subject, criterion);

    /// <summary>A database's outcomes, every criterion pushed down.</summary>
    /// <exception cref="ArgumentException">The query does not decide every criterion.</exception>
    public static BackendScreeningResult FromDatabase(string backend, SqlScreeningOutcomes sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (!sql.Query.IsComplete) throw new ArgumentException("The query does not decide every criterion; screen the rest natively (a hybrid).", nameof(sql));
        return Combine(backend, sql, null);
    }

    /// <summary>
    /// A hybrid: the database's outcomes for the criteria it decides, the native backend's for the others (screened with
    /// <see cref="ScreeningOptions.Criteria"/> set to them), and each status decided over all of them by
    /// <see cref="EligibilityEvaluator.DecideStatus"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The native result does not hold the subjects or the criteria the database left.</exception>
    public static BackendScreeningResult Hybrid(string backend, SqlScreeningOutcomes sql, ScreeningResult native)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(native);
        return Combine(backend, sql, native);
    }

    private static BackendScreeningResult Combine(string backend, SqlScreeningOutcomes sql, ScreeningResult? native)
    {
        var criteria = sql.Query.Criteria;
        int n = sql.SubjectIds.Count, k = criteria.Count;
        var nativeIndex = new int[k];
        var isNative = new bool[k];
        for (int j = 0; j < k; j++)
        {
            isNative[j] = !criteria[j].IsPushedDown;
            nativeIndex[j] = -1;
            if (!isNative[j]) continue;
            if (native is null) throw new ArgumentException($"Criterion {criteria[j].Criterion.Id} is not pushed down and no native result was given.");
            nativeIndex[j] = native.Criteria.ToList().FindIndex(c => c.Id == criteria[j].Criterion.Id);
            if (nativeIndex[j] < 0) throw new ArgumentException($"The native result does not hold criterion {criteria[j].Criterion.Id}.");
        }
        if (native is not null && native.SubjectCount != n) throw new ArgumentException($"The native result holds {native.SubjectCount} subjects, the database {n}.");
        var rules = new CriterionOutcome[n * k];
        var outcomes = new CriterionOutcome[n * k];
        var statuses = new EligibilityStatus[n];
        for (int i = 0; i < n; i++)
        {
            if (native is not null && native.SubjectId(i) != sql.SubjectIds[i])
                throw new ArgumentException($"Subject {i + 1} is {sql.SubjectIds[i]} in the database and {native.SubjectId(i)} natively.");
            bool discrepancy = false, failing = false, undecided = false;
            for (int j = 0; j < k; j++)
            {
                var (rule, outcome) = isNative[j]
                    ? (native!.RuleOutcome(i, nativeIndex[j]), native.Outcome(i, nativeIndex[j]))
                    : (sql.Rule(i, j), sql.Outcome(i, j));
                rules[i * k + j] = rule;
                outcomes[i * k + j] = outcome;
                var kind = criteria[j].Criterion.Kind;
                // A determination contradicting a decided rule is what leaves a decided rule Unknown (the evaluator's discrepancy).
                if (rule is CriterionOutcome.Met or CriterionOutcome.NotMet && outcome == CriterionOutcome.Unknown) discrepancy = true;
                if (EligibilityEvaluator.IsFailing(kind, outcome)) failing = true;
                else if (!EligibilityEvaluator.IsPassing(kind, outcome)) undecided = true;
            }
            statuses[i] = EligibilityEvaluator.DecideStatus(discrepancy, failing, undecided);
            if (native is null && sql.Status(i) is { } decided && decided != statuses[i])
                throw new InvalidDataException($"Subject {sql.SubjectIds[i]}: the database decided {decided} where its outcomes decide {statuses[i]}.");
        }
        return new BackendScreeningResult(backend, sql.Query, sql.SubjectIds, rules, outcomes, statuses, isNative, sql.Elapsed + (native?.Elapsed ?? TimeSpan.Zero))
        {
            _sql = sql,
            _nativeResult = native,
            _nativeIndex = nativeIndex,
        };
    }
}
