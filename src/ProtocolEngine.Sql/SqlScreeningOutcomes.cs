using System.Data.Common;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Sql;

/// <summary>What a database decided for every subject: per criterion the rule's outcome and the outcome after recorded determinations, and the status when the query is complete.</summary>
public sealed class SqlScreeningOutcomes
{
    private readonly byte[] _rules;
    private readonly byte[] _outcomes;
    private readonly byte[]? _statuses;

    private readonly List<EvidenceItem>?[]? _evidence;

    private SqlScreeningOutcomes(SqlScreeningQuery query, string[] subjects, byte[] rules, byte[] outcomes, byte[]? statuses, TimeSpan elapsed, List<EvidenceItem>?[]? evidence)
    {
        _evidence = evidence;
        Query = query;
        SubjectIds = subjects;
        _rules = rules;
        _outcomes = outcomes;
        _statuses = statuses;
        Elapsed = elapsed;
    }

    /// <summary>The query that ran.</summary>
    public SqlScreeningQuery Query { get; }

    /// <summary>The subjects, in the study's order.</summary>
    public IReadOnlyList<string> SubjectIds { get; }

    /// <summary>How long the database took (loading excluded).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The rule's own outcome (NotEvaluated for a criterion not pushed down).</summary>
    public CriterionOutcome Rule(int subject, int criterion) => (CriterionOutcome)_rules[subject * Query.Criteria.Count + criterion];

    /// <summary>The outcome after the study's recorded determinations (NotEvaluated for a criterion not pushed down).</summary>
    public CriterionOutcome Outcome(int subject, int criterion) => (CriterionOutcome)_outcomes[subject * Query.Criteria.Count + criterion];

    /// <summary>The status the database decided, or null when the query does not decide every criterion.</summary>
    public EligibilityStatus? Status(int subject) => _statuses is null ? null : (EligibilityStatus)_statuses[subject];

    /// <summary>
    /// The evidence the database returned for a subject's criterion, in the native backend's model (the search and the
    /// values its filter read); null when the query returns none for the criterion (<see cref="SqlQueryOptions.Evidence"/>).
    /// </summary>
    public IReadOnlyList<EvidenceItem>? Evidence(int subject, int criterion) => _evidence?[subject * Query.Criteria.Count + criterion];

    /// <summary>Reads the query's rows.</summary>
    /// <exception cref="InvalidDataException">A row holds a value that is not an outcome or a status.</exception>
    public static SqlScreeningOutcomes Read(SqlScreeningQuery query, DbDataReader reader, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(reader);
        int k = query.Criteria.Count;
        var subjects = new List<string>();
        var rules = new List<byte>();
        var outcomes = new List<byte>();
        var statuses = query.IsComplete ? new List<byte>() : null;
        var evidence = query.HasEvidence ? new List<List<EvidenceItem>?>() : null;
        // A record read has no search column (−1: read as a search of none, which it is not asked for).
        var ordinals = query.Evidence.Select((plan, j) => plan is null ? null
            : Enumerable.Range(0, plan.Segments.Count).Select(n => (Columns: SqlScreeningQuery.EvidenceColumns(query.Criteria[j].Criterion.Id, n), Query: plan.Segments[n] is Lowering.QueryEvidence))
                .Select(c => (reader.GetOrdinal(c.Columns.Reads), c.Query ? reader.GetOrdinal(c.Columns.Searched) : -1)).ToList()).ToList();
        while (reader.Read())
        {
            var subject = reader.GetString(0);
            subjects.Add(subject);
            if (evidence is not null)
                for (int j = 0; j < k; j++)
                    evidence.Add(ordinals[j] is { } columns
                        ? query.Evidence[j]!.Read(subject, [.. columns.Select(c => (reader.IsDBNull(c.Item1) ? null : reader.GetString(c.Item1),
                            c.Item2 < 0 ? 0L : System.Convert.ToInt64(reader.GetValue(c.Item2), System.Globalization.CultureInfo.InvariantCulture)))], query.EvidenceCapacity)
                        : null);
            for (int j = 0; j < k; j++)
            {
                rules.Add(Code(reader, 2 + 2 * j, 4));
                outcomes.Add(Code(reader, 3 + 2 * j, 4));
            }
            statuses?.Add(Code(reader, 2 + 2 * k, 3));
        }
        return new SqlScreeningOutcomes(query, [.. subjects], [.. rules], [.. outcomes], statuses?.ToArray(), elapsed, evidence?.ToArray());
    }

    private static byte Code(DbDataReader reader, int ordinal, int max)
    {
        if (reader.IsDBNull(ordinal)) throw new InvalidDataException($"Column {reader.GetName(ordinal)} is null: the query must decide every cell.");
        long value = System.Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
        if (value < 0 || value > max) throw new InvalidDataException($"Column {reader.GetName(ordinal)} holds {value}, not a code of 0 to {max}.");
        return (byte)value;
    }
}
