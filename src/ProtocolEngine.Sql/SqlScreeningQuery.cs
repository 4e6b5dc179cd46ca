using System.Globalization;
using System.Text;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Lowering;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Sql.Lowering;

namespace ProtocolEngine.Sql;

/// <summary>
/// One SQL query per protocol that screens every subject where the data are: per subject (USUBJID, PE_ROW) and
/// criterion the rule's own outcome (RULE_id) and the outcome after the study's recorded determinations (OUTCOME_id),
/// as <see cref="CriterionOutcome"/> numbers, and, when every criterion is pushed down, the subject's STATUS as an
/// <see cref="EligibilityStatus"/> number decided by <see cref="EligibilityEvaluator.DecideStatus"/>'s own table.
/// A criterion the lowering cannot express is not pushed down: its columns are 0 (NotEvaluated) and it has a PE4001
/// diagnostic naming it and why.
/// </summary>
public sealed class SqlScreeningQuery
{
    /// <summary>The table of subjects a load writes: USUBJID, PE_ROW (the subject's index) and DM_ROW (its DM record).</summary>
    public const string SubjectTable = "PE_SUBJECT";

    /// <summary>The column of every loaded table that holds the record's position (the engine's record order).</summary>
    public const string RowColumn = SqlLowering.RowColumn;

    private readonly IReadOnlyList<string?> _evidenceGaps;

    private SqlScreeningQuery(CompiledProtocol protocol, SqlDialect dialect, string text, IReadOnlyList<SqlCriterion> criteria, IReadOnlyList<Diagnostic> diagnostics, IReadOnlyList<string> domains, IReadOnlyList<SqlEvidencePlan?> evidence, IReadOnlyList<string?> evidenceGaps)
    {
        Evidence = evidence;
        _evidenceGaps = evidenceGaps;
        Protocol = protocol;
        Dialect = dialect;
        Text = text;
        Criteria = criteria;
        Diagnostics = diagnostics;
        DomainsRead = domains;
    }

    /// <summary>The protocol lowered.</summary>
    public CompiledProtocol Protocol { get; }

    /// <summary>The dialect written.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>The query.</summary>
    public string Text { get; }

    /// <summary>The criteria screened, in protocol order.</summary>
    public IReadOnlyList<SqlCriterion> Criteria { get; }

    /// <summary>A PE4001 warning per criterion not pushed down.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Per criterion, the evidence the query returns for it (null: none).</summary>
    internal IReadOnlyList<SqlEvidencePlan?> Evidence { get; }

    /// <summary>The most evidence items kept per subject and criterion (<see cref="SqlQueryOptions.EvidenceCapacity"/>).</summary>
    internal int EvidenceCapacity { get; private init; } = 100;

    /// <summary>True when the query returns evidence for some criterion (<see cref="SqlQueryOptions.Evidence"/>).</summary>
    public bool HasEvidence => Evidence.Any(e => e is not null);

    /// <summary>
    /// Why the query returns no evidence for a pushed-down criterion although <see cref="SqlQueryOptions.Evidence"/> asked
    /// for it (the shape, or the dialect); null when it returns the criterion's evidence, when the criterion is attested or
    /// not pushed down, or when evidence was not asked for.
    /// </summary>
    /// <param name="criterion">The criterion's index in <see cref="Criteria"/>.</param>
    public string? EvidenceGap(int criterion) => _evidenceGaps[criterion];

    /// <summary>The domains the query reads.</summary>
    public IReadOnlyList<string> DomainsRead { get; }

    /// <summary>True when the query decides every criterion and the status.</summary>
    public bool IsComplete => Criteria.All(c => c.IsPushedDown);

    /// <summary>The name of a dialect as the command line spells it.</summary>
    public static string NameOf(SqlDialect dialect) => dialect switch
    {
        SqlDialect.DuckDb => "duckdb",
        SqlDialect.Postgres => "postgres",
        SqlDialect.ClickHouse => "clickhouse",
        SqlDialect.Spark => "spark",
        SqlDialect.Trino => "trino",
        _ => "sqlserver",
    };

    /// <summary>Lowers a protocol's criteria to one query.</summary>
    /// <exception cref="ArgumentException">The protocol has errors or no criteria, or the phase has none.</exception>
    public static SqlScreeningQuery Generate(CompiledProtocol protocol, SqlDialect dialect, SqlCatalog catalog, SqlQueryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(catalog);
        options ??= new SqlQueryOptions();
        if (protocol.HasErrors) throw new ArgumentException($"Protocol {protocol.Name} has errors; fix them before generating SQL.", nameof(protocol));
        EligibilityEvaluator.EnsureCriteria(protocol);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.EvidenceCapacity);
        var selected = protocol.Criteria.Where(c => options.Phase is null || string.Equals(c.Phase, options.Phase, StringComparison.OrdinalIgnoreCase)).ToList();
        if (selected.Count == 0) throw new ArgumentException($"No criterion has phase '{options.Phase}'.", nameof(options));

        var sql = new SqlSyntax(dialect, options.Schema);
        bool evidenceHere = dialect is SqlDialect.DuckDb or SqlDialect.Postgres or SqlDialect.ClickHouse;
        var lowering = new SqlLowering(sql, catalog, options.Evidence && evidenceHere);
        var evidence = new List<SqlEvidencePlan?>();
        var gaps = new List<string?>();
        var criteria = new List<SqlCriterion>();
        var rules = new List<string?>();
        var diagnostics = new List<Diagnostic>();
        foreach (var c in selected)
        {
            string? rule = null, reason = null;
            if (c.Rule is not null)
            {
                try
                {
                    rule = lowering.LowerRule(c.Rule);
                    evidence.Add(lowering.LastEvidence);
                    gaps.Add(!options.Evidence ? null : !evidenceHere ? $"the {NameOf(dialect)} query does not return evidence" : lowering.LastNoEvidenceReason);
                }
                catch (NotLowerable ex)
                {
                    reason = $"{ex.Reason} (at {Path.GetFileName(c.Source.Path)}({c.Source.GetLinePosition(ex.Syntax.Span.Start).Line}))";
                    diagnostics.Add(DiagnosticCatalog.CriterionNotPushedDown(c.Syntax.Name.Span, c.Id, NameOf(dialect), reason) with { Source = c.Source });
                }
            }
            if (rule is null)
            {
                evidence.Add(null);
                gaps.Add(null);
            }
            criteria.Add(new SqlCriterion(c, criteria.Count, c.Rule is null || rule is not null, reason));
            rules.Add(rule);
        }
        var text = Assemble(sql, lowering, catalog, criteria, rules, protocol, evidence, options.Subjects);
        return new SqlScreeningQuery(protocol, dialect, text, criteria, diagnostics, [.. lowering.DomainsRead], evidence, gaps) { EvidenceCapacity = options.EvidenceCapacity };
    }

    /// <summary>The columns of the <paramref name="n"/>th piece of a criterion's evidence (a record read has no search column).</summary>
    internal static (string Reads, string Searched) EvidenceColumns(string criterion, int n) =>
        ($"EVIDENCE_{criterion}_{n.ToString(CultureInfo.InvariantCulture)}", $"SEARCHED_{criterion}_{n.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The evidence's columns in the order the query returns them, after the outcomes and the status: per criterion and piece its reads, then a query's search.</summary>
    internal IEnumerable<string> EvidenceOutput()
    {
        for (int j = 0; j < Criteria.Count; j++)
            for (int n = 0; Evidence[j] is { } plan && n < plan.Segments.Count; n++)
            {
                var (reads, searched) = EvidenceColumns(Criteria[j].Criterion.Id, n);
                yield return reads;
                if (plan.Segments[n] is QueryEvidence) yield return searched;
            }
    }

    private static string Assemble(SqlSyntax sql, SqlLowering lowering, SqlCatalog catalog, List<SqlCriterion> criteria, List<string?> rules, CompiledProtocol protocol, List<SqlEvidencePlan?> evidence, IReadOnlyList<string>? subjects)
    {
        string Q(string name) => sql.Quote(name);
        string N(int value) => value.ToString(CultureInfo.InvariantCulture);
        var b = new StringBuilder();
        b.Append("-- ProtocolEngine: ").Append(protocol.Name).Append(protocol.Version is { } v ? " version " + v : "").Append(", content hash ").AppendLine(protocol.ContentHash);
        b.AppendLine("-- One row per subject: RULE_<id> is the rule's own outcome, OUTCOME_<id> the outcome after the study's recorded determinations (IE),");
        b.AppendLine("-- as numbers: 1 Met, 2 NotMet, 3 Unknown, 4 Attested, 0 not evaluated here; STATUS 1 Eligible, 2 Ineligible, 3 NeedsReview.");
        foreach (var c in criteria)
            b.Append("-- ").Append(c.Criterion.Id).Append(' ').Append(c.Criterion.Kind == CriterionKind.Inclusion ? "inclusion" : "exclusion")
             .Append(", rule hash ").Append(c.Criterion.Hash).AppendLine(c.IsPushedDown ? "" : ": not pushed down (" + c.Reason + ")");
        bool hasIe = catalog.HasTable("IE") && catalog.HasColumn("IE", "USUBJID") && catalog.HasColumn("IE", "IETESTCD")
                     && criteria.Any(c => c.IsPushedDown);
        // ClickHouse 18.16 has no table expressions in WITH, no window functions and one JOIN per SELECT: its own assembly.
        if (sql.Dialect == SqlDialect.ClickHouse)
        {
            var text = ClickHouse.ClickHouseQuery.Assemble(sql, lowering, catalog, criteria, rules, protocol, evidence, b);
            return subjects is null ? text : SubjectsOnly(text, sql, subjects);
        }
        b.AppendLine("WITH");

        // The evidence's columns of the rules' row: each piece's guard (when the rule reaches it only under a condition)
        // and each record read (the DM record's, First's or Last's), over the same joins as the rules.
        var ruleColumns = new List<(string Name, string Text)>();
        for (int j = 0; j < criteria.Count; j++)
            for (int n = 0; evidence[j] is { } plan && n < plan.Segments.Count; n++)
            {
                var segment = plan.Segments[n];
                if (segment is RecordReadEvidence read) ruleColumns.Add((SqlEvidencePlan.ReadColumn(j, n), SqlEvidencePlan.WriteRead(sql, read)));
                else if (SqlEvidencePlan.Condition(segment) is { } condition) ruleColumns.Add((SqlEvidencePlan.GuardColumn(j, n), $"CASE WHEN {condition} THEN 1 ELSE 0 END"));
            }
        var ruleTexts = rules.OfType<string>().Concat(ruleColumns.Select(c => c.Text)).ToList();

        // The per-subject aggregates the rules read (directly or through another's filter), each once, before its readers.
        var byName = lowering.Aggregates.ToDictionary(a => a.Name, StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(ruleTexts.SelectMany(SqlAggregate.References).Where(byName.ContainsKey));
        while (pending.TryPop(out var name))
            if (used.Add(name))
                foreach (var d in byName[name].Dependencies.Where(byName.ContainsKey)) pending.Push(d);
        foreach (var a in lowering.Aggregates.Where(a => used.Contains(a.Name)))
            b.Append(lowering.Write(a)).AppendLine(",");

        if (hasIe)
        {
            // The engine's recorded determinations: IE records of the protocol's criteria with a result Y or N (IESTRESC, else
            // IEORRES, trimmed, upper case); of several for one subject and criterion the latest by IEDTC (text order), then IESEQ, then record.
            string Col(string name, ValueKind kind) => catalog.HasColumn("IE", name) ? "i." + Q(name) : sql.NullOf(kind);
            string collate = sql.Dialect switch { SqlDialect.Postgres => " COLLATE \"C\"", SqlDialect.SqlServer => " COLLATE Latin1_General_BIN2", _ => "" };
            string result = $"{sql.Upper($"TRIM(CASE WHEN {sql.Length(Col("IESTRESC", ValueKind.Text))} > 0 THEN {Col("IESTRESC", ValueKind.Text)} ELSE {Col("IEORRES", ValueKind.Text)} END)")}";
            var ids = string.Join(", ", protocol.Criteria.Select(c => sql.Text(c.Id)));
            b.Append("ie_all AS (SELECT i.").Append(Q("USUBJID")).Append(" AS IE_U, i.").Append(Q("IETESTCD")).Append(" AS IE_C, ").Append(result).Append(" AS IE_R, ")
             .Append(Col("IEDTC", ValueKind.Text)).Append(" AS IE_D, COALESCE(").Append(Col("IESEQ", ValueKind.Num)).Append(", 0) AS IE_Q, i.").Append(Q(RowColumn)).Append(" AS IE_W")
             .Append(" FROM ").Append(sql.Table("IE")).Append(" i WHERE i.").Append(Q("IETESTCD")).Append(" IN (").Append(ids).AppendLine(")),");
            b.Append("ie AS (SELECT IE_U, IE_C, IE_R, ROW_NUMBER() OVER (PARTITION BY IE_U, IE_C ORDER BY CASE WHEN IE_D IS NULL THEN 0 ELSE 1 END DESC, IE_D").Append(collate)
             .AppendLine(" DESC, IE_Q DESC, IE_W DESC) AS IE_N FROM ie_all WHERE IE_R IN ('Y', 'N')),");
            // One row per subject with a determination, one column per pushed-down criterion (NULL: none recorded).
            b.Append("det AS (SELECT IE_U");
            for (int j = 0; j < criteria.Count; j++)
                if (criteria[j].IsPushedDown)
                    b.Append($",\n    MAX(CASE WHEN IE_C = {sql.Text(criteria[j].Criterion.Id)} THEN (CASE IE_R WHEN 'Y' THEN {N((int)CriterionOutcome.Met)} ELSE {N((int)CriterionOutcome.NotMet)} END) END) AS DET{N(j)}");
            b.AppendLine("\n  FROM ie WHERE IE_N = 1 GROUP BY IE_U),");
        }

        // The rules, as 0/1/2 booleans, one column per criterion.
        b.Append("rules AS (SELECT s.").Append(Q("USUBJID")).Append(" AS ").Append(Q("USUBJID")).Append(", s.").Append(Q(RowColumn)).Append(" AS ").Append(Q(RowColumn));
        for (int j = 0; j < criteria.Count; j++)
            b.Append(",\n    ").Append(rules[j] ?? "CAST(NULL AS INTEGER)").Append(" AS V").Append(N(j));
        foreach (var (name, text) in ruleColumns) b.Append(",\n    ").Append(text).Append(" AS ").Append(name);
        b.Append("\n  FROM ").Append(sql.Table(SubjectTable)).Append(" s");
        if (catalog.HasTable("DM"))
            b.Append(" LEFT JOIN ").Append(sql.Table("DM")).Append(' ').Append(SqlLowering.DemographicsAlias).Append(" ON ").Append(SqlLowering.DemographicsAlias).Append('.')
             .Append(Q(RowColumn)).Append(" = s.").Append(Q("DM_ROW"));
        foreach (var name in ruleTexts.SelectMany(SqlAggregate.References).Where(byName.ContainsKey).Distinct(StringComparer.Ordinal).OrderBy(n => lowering.Aggregates.ToList().IndexOf(byName[n])))
            b.Append("\n    LEFT JOIN ").Append(name).Append(" ON ").Append(name).Append(".PE_U = s.").Append(Q("USUBJID"));
        b.AppendLine("),");

        // Rule outcomes and recorded determinations.
        b.Append("outcomes AS (SELECT r.").Append(Q("USUBJID")).Append(", r.").Append(Q(RowColumn));
        for (int j = 0; j < criteria.Count; j++)
        {
            var c = criteria[j];
            string rule = !c.IsPushedDown ? N((int)CriterionOutcome.NotEvaluated)
                : c.Criterion.Rule is null ? N((int)CriterionOutcome.Attested)
                : $"CASE V{N(j)} WHEN 2 THEN {N((int)CriterionOutcome.Met)} WHEN 0 THEN {N((int)CriterionOutcome.NotMet)} ELSE {N((int)CriterionOutcome.Unknown)} END";
            b.Append(",\n    ").Append(rule).Append(" AS RULE").Append(N(j));
            string det = hasIe && c.IsPushedDown ? $"det.DET{N(j)}" : "CAST(NULL AS INTEGER)";
            b.Append(",\n    ").Append(det).Append(" AS DET").Append(N(j));
        }
        b.Append("\n  FROM rules r");
        if (hasIe) b.Append(" LEFT JOIN det ON det.IE_U = r.").Append(Q("USUBJID"));
        b.AppendLine("),");

        // The outcome: a determination decides what the rule could not, agrees, or contradicts it (Unknown: a discrepancy).
        b.Append("decided AS (SELECT o.").Append(Q("USUBJID")).Append(", o.").Append(Q(RowColumn));
        for (int j = 0; j < criteria.Count; j++)
        {
            string r = "RULE" + N(j), d = "DET" + N(j);
            b.Append(",\n    ").Append(r)
             .Append($", CASE WHEN {d} IS NULL THEN {r} WHEN {r} IN ({N((int)CriterionOutcome.Unknown)}, {N((int)CriterionOutcome.Attested)}) THEN {d} WHEN {r} = {d} THEN {r} ELSE {N((int)CriterionOutcome.Unknown)} END AS OUT{N(j)}");
        }
        b.AppendLine("\n  FROM outcomes o),");

        // The flags the status rule reads, from the evaluator's own tables of failing and passing outcomes per kind.
        var outcomes = new[] { CriterionOutcome.Met, CriterionOutcome.NotMet, CriterionOutcome.Unknown, CriterionOutcome.Attested };
        string InList(IEnumerable<CriterionOutcome> list) => string.Join(", ", list.Select(o => N((int)o)));
        b.Append("flags AS (SELECT d.*");
        var discrepancy = criteria.Select((c, j) =>
            $"CASE WHEN RULE{N(j)} IN ({N((int)CriterionOutcome.Met)}, {N((int)CriterionOutcome.NotMet)}) AND OUT{N(j)} = {N((int)CriterionOutcome.Unknown)} THEN 1 ELSE 0 END");
        var failing = criteria.Select((c, j) =>
            $"CASE WHEN OUT{N(j)} IN ({InList(outcomes.Where(o => EligibilityEvaluator.IsFailing(c.Criterion.Kind, o)))}) THEN 1 ELSE 0 END");
        var undecided = criteria.Select((c, j) =>
            $"CASE WHEN OUT{N(j)} IN ({InList(outcomes.Where(o => !EligibilityEvaluator.IsFailing(c.Criterion.Kind, o) && !EligibilityEvaluator.IsPassing(c.Criterion.Kind, o)))}) THEN 1 ELSE 0 END");
        b.Append(",\n    ").Append(string.Join("\n      + ", discrepancy)).Append(" AS FLAG_D");
        b.Append(",\n    ").Append(string.Join("\n      + ", failing)).Append(" AS FLAG_F");
        b.Append(",\n    ").Append(string.Join("\n      + ", undecided)).Append(" AS FLAG_U");
        b.Append("\n  FROM decided d)");
        // The evidence (asked for): per criterion and piece, the subject's reads and searches, in the native model. A
        // query's table expression is written once however many pieces read it the same way (a definition read twice).
        var joins = new StringBuilder();
        var columns = new StringBuilder();
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        bool rulesJoined = false;
        string RuleColumn(string name)
        {
            if (!rulesJoined) joins.Append($" LEFT JOIN rules rg ON rg.{Q("USUBJID")} = f.{Q("USUBJID")}");
            rulesJoined = true;
            return "rg." + name;
        }
        for (int j = 0; j < criteria.Count; j++)
            for (int n = 0; evidence[j] is { } plan && n < plan.Segments.Count; n++)
            {
                var (reads, searched) = EvidenceColumns(criteria[j].Criterion.Id, n);
                if (plan.Segments[n] is not QueryEvidence q)
                {
                    columns.Append($",\n  {RuleColumn(SqlEvidencePlan.ReadColumn(j, n))} AS {Q(reads)}");
                    continue;
                }
                string? guard = SqlEvidencePlan.Condition(q) is null ? null : RuleColumn(SqlEvidencePlan.GuardColumn(j, n)) + " = 1";
                if (q.Records.Missing)
                {
                    // A domain the database lacks: nothing to read, the columns are constant.
                    columns.Append($",\n  {sql.NullOf(ValueKind.Text)} AS {Q(reads)}, {(guard is null ? "0" : $"CASE WHEN {guard} THEN 0 ELSE -1 END")} AS {Q(searched)}");
                    continue;
                }
                string text = SqlEvidencePlan.WriteQuery(sql, catalog, "pe_e", q);
                string key = System.Text.RegularExpressions.Regex.Replace(text, $@"(?<![\w.""]){q.Records.Name}\.", "@.", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
                if (!queries.TryGetValue(key, out var name))
                {
                    name = $"pe_e{N(queries.Count + 1)}";
                    queries.Add(key, name);
                    b.Append(",\n").Append(SqlEvidencePlan.WriteQuery(sql, catalog, name, q));
                    joins.Append($" LEFT JOIN {name} ON {name}.EV_U = f.{Q("USUBJID")}");
                }
                string found = SqlEvidencePlan.Joined(name), count = $"COALESCE({name}.EV_N, 0)";
                columns.Append(guard is null
                    ? $",\n  {found} AS {Q(reads)}, {count} AS {Q(searched)}"
                    : $",\n  CASE WHEN {guard} THEN {found} END AS {Q(reads)}, CASE WHEN {guard} THEN {count} ELSE -1 END AS {Q(searched)}");
            }
        b.AppendLine();

        b.Append("SELECT f.").Append(Q("USUBJID")).Append(", f.").Append(Q(RowColumn));
        for (int j = 0; j < criteria.Count; j++)
        {
            var id = criteria[j].Criterion.Id;
            b.Append(",\n  RULE").Append(N(j)).Append(" AS ").Append(Q("RULE_" + id)).Append(", OUT").Append(N(j)).Append(" AS ").Append(Q("OUTCOME_" + id));
        }
        if (criteria.All(c => c.IsPushedDown))
        {
            // EligibilityEvaluator.DecideStatus written out as its table over the three flags.
            b.Append(",\n  CASE");
            foreach (bool d in new[] { true, false })
                foreach (bool f in new[] { true, false })
                    foreach (bool u in new[] { true, false })
                        b.Append($"\n    WHEN FLAG_D {(d ? ">" : "=")} 0 AND FLAG_F {(f ? ">" : "=")} 0 AND FLAG_U {(u ? ">" : "=")} 0 THEN {N((int)EligibilityEvaluator.DecideStatus(d, f, u))}");
            b.Append("\n  END AS ").Append(Q("STATUS"));
        }
        b.Append(columns);
        b.Append("\nFROM flags f").Append(joins);
        if (subjects is not null)
            b.Append("\nWHERE f.").Append(Q("USUBJID")).Append(subjects.Count == 0 ? " IS NULL" : $" IN ({string.Join(", ", subjects.Select(sql.Text))})");
        b.Append("\nORDER BY f.").Append(Q(RowColumn)).AppendLine();
        return b.ToString();
    }

    /// <summary>A query's rows of some subjects only: the whole query as a table filtered by USUBJID (ClickHouse's own assembly).</summary>
    private static string SubjectsOnly(string query, SqlSyntax sql, IReadOnlyList<string> subjects)
    {
        // The trailing SETTINGS clause belongs to the outer query.
        int settings = query.LastIndexOf("SETTINGS ", StringComparison.Ordinal);
        string body = settings < 0 ? query : query[..settings], tail = settings < 0 ? "" : query[settings..];
        int start = body.IndexOf("SELECT", StringComparison.Ordinal);
        string filter = subjects.Count == 0 ? "0" : $"{sql.Quote("USUBJID")} IN ({string.Join(", ", subjects.Select(sql.Text))})";
        return $"{body[..start]}SELECT * FROM ({body[start..].TrimEnd()}) WHERE {filter}\n{tail}";
    }
}
