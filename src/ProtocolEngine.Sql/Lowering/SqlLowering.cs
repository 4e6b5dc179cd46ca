using System.Globalization;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Lowering;

namespace ProtocolEngine.Sql.Lowering;

/// <summary>
/// The SQL target of the one lowering (<see cref="ExpressionLowering"/>): a rule becomes one SQL scalar over the subject
/// row <c>s</c> (and its DM row <c>dm</c>) in a dialect. Booleans are 0/1/2 (and = LEAST, or = GREATEST, not = 2 − x);
/// a subject's records are read through per-subject aggregates (<see cref="SqlAggregate"/>), each written once however
/// many rules read it. What the pass cannot lower, or SQL cannot (a filter reading an enclosing query's record), throws
/// <see cref="NotLowerable"/> naming the construct.
/// </summary>
internal sealed class SqlLowering : LoweringTarget
{
    public const string SubjectAlias = "s";
    public const string DemographicsAlias = "dm";
    public const string SubjectColumn = "USUBJID";
    public const string RowColumn = "PE_ROW";

    private readonly SqlSyntax sql;
    private readonly SqlCatalog catalog;
    private readonly ExpressionLowering _pass;
    private int _aliases;
    private readonly List<SqlAggregate> _aggregates = [];
    private readonly Dictionary<string, SqlAggregate> _aggregateByKey = new(StringComparer.Ordinal);

    private readonly bool _evidence;
    private List<EvidenceSegment> _segments = [];
    private readonly Stack<QueryEvidence> _queries = new();
    private bool _noEvidence;

    /// <param name="sql">The dialect's syntax.</param>
    /// <param name="catalog">The tables and columns the database holds.</param>
    /// <param name="evidence">Also plan, per criterion, the evidence the native backend would record (<see cref="LastEvidence"/>).</param>
    public SqlLowering(SqlSyntax sql, SqlCatalog catalog, bool evidence = false)
    {
        this.sql = sql;
        this.catalog = catalog;
        _evidence = evidence;
        _pass = new ExpressionLowering(this);
    }

    /// <summary>
    /// The evidence plan of the rule last lowered: the queries it runs and the records' variables it reads, in the native
    /// backend's order and under its conditions; null when evidence is off or the rule has a shape whose evidence is not
    /// pushed down (docs/backends.md; <see cref="LastNoEvidenceReason"/> says which).
    /// </summary>
    public SqlEvidencePlan? LastEvidence { get; private set; }

    /// <summary>Why the rule last lowered has no evidence plan although evidence was asked for (null when it has one).</summary>
    public string? LastNoEvidenceReason { get; private set; }

    /// <summary>The domains the lowered rules read (for the tables a load must provide).</summary>
    public SortedSet<string> DomainsRead { get; } = new(StringComparer.Ordinal);

    /// <summary>The per-subject aggregates the lowered rules read, in dependency order (each reads only earlier ones).</summary>
    public IReadOnlyList<SqlAggregate> Aggregates => _aggregates;

    /// <summary>A criterion's rule as a 0/1/2 boolean.</summary>
    public string LowerRule(BoundExpression rule)
    {
        _segments = [];
        _queries.Clear();
        _noEvidence = false;
        LastNoEvidenceReason = null;
        LastEvidence = null;
        var text = _pass.LowerRule(rule);
        if (!_evidence) return text;
        if (_segments.OfType<QueryEvidence>().Any(q => q.Scan is null)) NoEvidence("a list of records used other than by exists, Count, First or Last");
        if (!_noEvidence && _segments.Count == 0) NoEvidence("the rule reads no record");
        if (!_noEvidence) LastEvidence = new SqlEvidencePlan([.. _segments]);
        return text;
    }

    private void NoEvidence(string reason)
    {
        if (!_noEvidence) LastNoEvidenceReason = reason;
        _noEvidence = true;
    }

    private List<string> RuleGuards() => [.. _pass.Guards.OfType<string>()];

    private QueryEvidence? SegmentOf(RecordsSym records) =>
        _segments.OfType<QueryEvidence>().LastOrDefault(q => q.Records.Name == records.Name);

    public override void BeginQuery(RecordsSym records)
    {
        // A query inside another's filter (evaluated per record of the outer one) is not pushed down with its evidence.
        if (_queries.Count > 0) NoEvidence("a query inside another query's filter");
        _queries.Push(new QueryEvidence(records, []));
    }

    public override void BeginSortKey(RecordsSym records)
    {
        if (_queries.TryPeek(out var q) && q.Records.Name == records.Name) q.InSortKey = true;
    }

    public override void EndQuery(RecordsSym records)
    {
        if (!_queries.TryPop(out var building) || building.Records.Name != records.Name) return;
        if (records.Sort.Length > 1) NoEvidence("a sort by more than one key");
        // The evidence's table expression reads the domain's records alone: a filter or key reading the subject's DM row
        // or another aggregate is not pushed down with its evidence.
        if (SqlAggregate.References(string.Join(" ", records.Sort.Select(k => k.Key).Prepend(records.Where ?? ""))).Any(r => r != records.Name))
            NoEvidence("a filter or sort key that reads other records than the query's own");
        var segment = new QueryEvidence(records, RuleGuards());
        segment.FilterReads.AddRange(building.FilterReads);
        segment.KeyReads.AddRange(building.KeyReads);
        _segments.Add(segment);
    }

    private void Consumed(RecordsSym records, EvidenceScan scan)
    {
        if (_queries.Count > 0) return; // inside a filter: already refused
        if (SegmentOf(records) is { } q) q.Scan = scan;
        else NoEvidence("a list of records that is not a query");
    }

    /// <summary>A lone expression as a SQL scalar and its kind (the CQL conformance tests run through this).</summary>
    public ScalarSym LowerScalar(BoundExpression expression) => _pass.LowerScalar(expression);

    public override string OnlyDemographics => "(only DM is joined to the subject)";

    public override string DatesNote => "(dates are only sorted and tested for null in SQL)";

    public override string TextOrderDependsOn => "the database's collation";

    public override void CheckQuery(RecordsSym records, string? where, IEnumerable<string> sortKeys, BoundQuery at)
    {
        // Each query is aggregated per subject once; a filter that reads a record of an enclosing query would need it per record.
        if (SqlAggregate.References(string.Join(" ", sortKeys.Prepend(where ?? ""))).Any(r => r != records.Name && r.StartsWith('t')))
            throw new NotLowerable(at.Syntax, "a query whose filter reads a record of an enclosing query");
    }

    // ----- values -----

    public override ScalarSym Null(ValueKind kind) => new(sql.NullOf(kind), kind);

    public override ScalarSym Integer(long value) => new(value.ToString(CultureInfo.InvariantCulture), ValueKind.Int);

    // ClickHouse reads 1.5 as a Float64; the others read it as an exact decimal.
    public override ScalarSym Decimal(decimal value) =>
        new(sql.Dialect == SqlDialect.ClickHouse ? $"CAST({SqlSyntax.Number(value)} AS {sql.TypeName(ValueKind.Num)})" : SqlSyntax.Number(value), ValueKind.Num);

    public override ScalarSym Text(string value) => new(sql.Text(value), ValueKind.Text);

    public override ScalarSym ToDecimal(ScalarSym integer) => new($"CAST({integer.Text} AS {sql.TypeName(ValueKind.Num)})", ValueKind.Num);

    public override void Reading(string domain) => DomainsRead.Add(domain);

    public override RowSym SubjectRow(string domain) => new(domain, DemographicsAlias, IsSubject: true, !catalog.HasTable(domain));

    public override RecordsSym Records(string domain) => new(domain, NextAlias(), null, [], !catalog.HasTable(domain));

    private string NextAlias() => "t" + (++_aliases).ToString(CultureInfo.InvariantCulture);

    public override ScalarSym ReadRow(RowSym row, string variable, ValueKind kind)
    {
        var value = row.Missing || !catalog.HasColumn(row.Domain, variable)
            ? Null(kind)
            : new ScalarSym($"{row.Text}.{sql.Quote(variable)}", kind);
        if (!_evidence) return value;
        if (kind == ValueKind.Bool) NoEvidence("a Boolean variable");
        if (row.IsSubject)
        {
            // The subject's own record: read where the rule reads it (a subject without a DM record reads nothing).
            if (_queries.Count > 0) NoEvidence("the subject's DM record read inside a query's filter");
            else if (row.Missing) NoEvidence("a DM dataset the database lacks");
            else
                _segments.Add(new RecordReadEvidence(row.Domain, variable, kind, $"{row.Text}.{sql.Quote(RowColumn)}",
                    catalog.HasColumn(row.Domain, row.Domain + "SEQ") ? $"COALESCE(CAST({row.Text}.{sql.Quote(row.Domain + "SEQ")} AS {sql.TypeName(ValueKind.Text)}), '')" : "''",
                    value.Text, RuleGuards()));
        }
        else if (!_queries.TryPeek(out var q) || q.Records.Name != row.Text) NoEvidence("a record of an enclosing query read in a filter");
        else if (!row.Missing) (q.InSortKey ? q.KeyReads : q.FilterReads).Add(new EvidenceRead(row.Text, variable, kind, value.Text, RuleGuards()));
        return value;
    }

    public override ScalarSym ReadPicked(PickSym pick, string variable, ValueKind kind)
    {
        var records = pick.Records;
        if (_evidence)
        {
            if (kind == ValueKind.Bool) NoEvidence("a Boolean variable");
            if (_queries.Count > 0) NoEvidence("First or Last read inside a query's filter");
            else Consumed(records, Scan(pick));
        }
        if (records.Missing) return Null(kind);
        var aggregate = Aggregate(AggregateKind.Pick, records, pick.Last);
        var value = catalog.HasColumn(records.Domain, variable) ? new ScalarSym(aggregate.Column(variable), kind) : Null(kind);
        if (_evidence && _queries.Count == 0)
        {
            // The picked record's row and --SEQ come back with it (asked for only with evidence: the query is otherwise unchanged).
            string seq = catalog.HasColumn(records.Domain, records.Domain + "SEQ")
                ? $"COALESCE(CAST({aggregate.Column(records.Domain + "SEQ")} AS {sql.TypeName(ValueKind.Text)}), '')" : "''";
            _segments.Add(new RecordReadEvidence(records.Domain, variable, kind, aggregate.Column(RowColumn), seq, value.Text, RuleGuards()));
        }
        return value;
    }

    /// <summary>First of an unsorted query stops at the first record that passes, as exists does; a sort or Last reads them all.</summary>
    private static EvidenceScan Scan(PickSym pick) => pick.Last || !pick.Records.Sort.IsEmpty ? EvidenceScan.All : EvidenceScan.UntilFirst;

    // ----- conditionals and logic -----

    public override ScalarSym If(string condition, ScalarSym then, ScalarSym otherwise, ValueKind kind) =>
        new($"(CASE WHEN {condition} = 2 THEN {Cast(then, kind)} ELSE {Cast(otherwise, kind)} END)", kind);

    public override ScalarSym Case(IReadOnlyList<(string When, ScalarSym Then)> branches, ScalarSym otherwise, ValueKind kind)
    {
        var text = string.Join(" ", branches.Select(b => $"WHEN {b.When} = 2 THEN {Cast(b.Then, kind)}"));
        return new ScalarSym($"(CASE {text} ELSE {Cast(otherwise, kind)} END)", kind);
    }

    private string Cast(ScalarSym s, ValueKind kind) => s.Kind == kind ? s.Text : $"CAST({s.Text} AS {sql.TypeName(kind)})";

    public override string And(string a, string b) => sql.Least(a, b);

    public override string Or(string a, string b) => sql.Greatest(a, b);

    public override string Implies(string a, string b) => sql.Greatest($"2 - {a}", b);

    public override string Xor(string a, string b) => $"(CASE WHEN {a} = 1 OR {b} = 1 THEN 1 WHEN {a} = {b} THEN 0 ELSE 2 END)";

    public override string Choose(string test, string then, string otherwise) => $"(CASE WHEN {test} THEN {then} ELSE {otherwise} END)";

    public override string Is(string a, int value) => $"{a} = {value.ToString(CultureInfo.InvariantCulture)}";

    public override string NullTest(ScalarSym value) => $"{value.Text} IS NULL";

    public override string Unless(string a, int value) => $"{a} <> {value.ToString(CultureInfo.InvariantCulture)}";

    public override string IsNull(PickSym pick)
    {
        if (_evidence) Consumed(pick.Records, Scan(pick));
        return pick.Records.Missing ? "2" : $"(CASE WHEN {Aggregate(AggregateKind.Pick, pick.Records, pick.Last).Name}.PE_U IS NULL THEN 2 ELSE 0 END)";
    }

    public override string IsNull(RowSym subjectRow)
    {
        NoEvidence("is null of the subject's DM record");
        return subjectRow.Missing ? "2" : $"(CASE WHEN {subjectRow.Text}.{sql.Quote(RowColumn)} IS NULL THEN 2 ELSE 0 END)";
    }

    public override string CoalesceBooleans(IReadOnlyList<ScalarSym> values)
    {
        // Booleans are never NULL here: the first that is not unknown.
        var text = values[^1].Text;
        for (int i = values.Count - 2; i >= 0; i--) text = $"(CASE WHEN {values[i].Text} = 1 THEN {text} ELSE {values[i].Text} END)";
        return text;
    }

    public override ScalarSym Coalesce(IReadOnlyList<ScalarSym> values, ValueKind kind) =>
        new($"COALESCE({string.Join(", ", values.Select(v => Cast(v, kind)))})", kind);

    // ----- comparison, arithmetic, text -----

    public override string EqualNumbers(ScalarSym a, ScalarSym b) => sql.Dialect == SqlDialect.ClickHouse
        ? sql.Compare(a.Text, b.Text, 0, 2, 0)
        : $"(CASE SIGN({a.Text} - {b.Text}) WHEN 0 THEN 2 WHEN 1 THEN 0 WHEN -1 THEN 0 ELSE 1 END)";

    public override string EqualText(ScalarSym a, ScalarSym b) => $"(CASE WHEN {a.Text} IS NULL OR {b.Text} IS NULL THEN 1 WHEN {a.Text} = {b.Text} THEN 2 ELSE 0 END)";

    public override string EqualBooleans(string a, string b) => $"(CASE WHEN {a} = 1 OR {b} = 1 THEN 1 WHEN {a} = {b} THEN 2 ELSE 0 END)";

    public override string Compare(string name, ScalarSym a, ScalarSym b)
    {
        var (less, equal, greater) = name switch
        {
            "Less" => (2, 0, 0),
            "LessOrEqual" => (2, 2, 0),
            "Greater" => (0, 0, 2),
            _ => (0, 2, 2),
        };
        return sql.Compare(a.Text, b.Text, less, equal, greater);
    }

    public override ScalarSym Arithmetic(string op, ScalarSym a, ScalarSym b) => new($"({a.Text} {op} {b.Text})", ValueKind.Num);

    // Parenthesised: -(-1) written as --1 would be a SQL comment swallowing the rest of the line.
    public override ScalarSym Negate(ScalarSym a, BoundCall at) => new($"(-({a.Text}))", a.Kind);

    public override ScalarSym Case(ScalarSym text, bool upper) => new(upper ? sql.Upper(text.Text) : sql.Lower(text.Text), ValueKind.Text);

    // ----- membership and records -----

    public override string InList(ScalarSym value, ListSym list)
    {
        // The engine: a null value is in the list when the list holds a null; otherwise an element equal to it (a null element never is).
        var anyNull = string.Join(" OR ", list.Elements.Select(e => $"{e.Text} IS NULL"));
        var equal = string.Join(" ", list.Elements.Select(e => $"WHEN {value.Text} = {e.Text} THEN 2"));
        return $"(CASE WHEN {value.Text} IS NULL THEN (CASE WHEN {anyNull} THEN 2 ELSE 0 END) {equal} ELSE 0 END)";
    }

    public override string InInterval(ScalarSym value, IntervalSym interval) =>
        $"(CASE WHEN {value.Text} IS NULL THEN 1 WHEN {value.Text} {interval.LowOperator} {interval.Low.Text} AND {value.Text} {interval.HighOperator} {interval.High.Text} THEN 2 ELSE 0 END)";

    public override string InCodeList(ScalarSym value, CodeListSym codes)
    {
        var parts = new List<string> { $"WHEN {value.Text} IS NULL THEN 1" };
        if (!codes.Codes.IsEmpty) parts.Add($"WHEN {value.Text} IN ({string.Join(", ", codes.Codes.Select(sql.Text))}) THEN 2");
        if (!codes.Displays.IsEmpty)
            parts.Add($"WHEN {sql.Upper(value.Text)} IN ({string.Join(", ", codes.Displays.Select(d => sql.Text(d.ToUpperInvariant())))}) THEN 2");
        return $"(CASE {string.Join(" ", parts)} ELSE 0 END)";
    }

    // A subject without records has no row in the aggregate: unknown (absence of records is not evidence of absence).
    public override string Exists(RecordsSym records, bool fused)
    {
        // Natively exists over an unsorted query stops at the first record that passes; over a sorted one it collects them all.
        if (_evidence) Consumed(records, fused ? EvidenceScan.UntilFirst : EvidenceScan.All);
        if (records.Missing) return "1";
        return $"COALESCE({Aggregate(AggregateKind.Exists, records).Name}.PE_V, 1)";
    }

    public override ScalarSym Count(RecordsSym records)
    {
        if (_evidence) Consumed(records, EvidenceScan.All);
        return CountOf(records);
    }

    private ScalarSym CountOf(RecordsSym records) =>
        records.Missing ? Null(ValueKind.Int) : new ScalarSym($"{Aggregate(AggregateKind.Count, records).Name}.PE_V", ValueKind.Int);

    // ----- the per-subject aggregates -----

    /// <summary>
    /// The aggregate of a subject's records a use of <paramref name="rel"/> reads, shared by every use with the same domain,
    /// filter and order (a definition read by several rules is aggregated once).
    /// </summary>
    internal SqlAggregate Aggregate(AggregateKind kind, RecordsSym rel, bool last = false)
    {
        string Normal(string text) => Regex.Replace(text, $@"(?<![\w.""]){rel.Name}\.", "@.", RegexOptions.CultureInvariant);
        var key = $"{kind}|{last}|{rel.Domain}|{Normal(rel.Where ?? "")}|{string.Join("|", rel.Sort.Select(k => Normal(k.Key) + (k.Descending ? " desc" : "")))}";
        if (_aggregateByKey.TryGetValue(key, out var found)) return found;
        var read = SqlAggregate.References(string.Join(" ", rel.Sort.Select(k => k.Key).Prepend(rel.Where ?? "")));
        var aggregate = new SqlAggregate("pe_a" + (_aggregates.Count + 1).ToString(CultureInfo.InvariantCulture), kind, rel, last,
            [.. read.Where(r => r == DemographicsAlias ? catalog.HasTable("DM") : _aggregates.Any(a => a.Name == r))]);
        _aggregates.Add(aggregate);
        _aggregateByKey.Add(key, aggregate);
        return aggregate;
    }

    /// <summary>
    /// An aggregate as a common table expression: one row per subject with a qualifying record (PE_U the subject), joined to
    /// the subject's DM row and to the aggregates its filter reads, grouped by subject (exists, Count) or numbered in the
    /// engine's order with the first row kept (First, Last).
    /// </summary>
    internal string Write(SqlAggregate a)
    {
        var rel = a.Rel;
        string Q(string name) => sql.Quote(name);
        string subject = $"{rel.Name}.{Q(SubjectColumn)}";
        var from = new System.Text.StringBuilder($"{sql.Table(rel.Domain)} {rel.Name}");
        foreach (var d in a.Dependencies)
        {
            if (d == DemographicsAlias)
                from.Append($" JOIN {sql.Table(SqlScreeningQuery.SubjectTable)} {SubjectAlias} ON {SubjectAlias}.{Q(SubjectColumn)} = {subject}")
                    .Append($" LEFT JOIN {sql.Table("DM")} {DemographicsAlias} ON {DemographicsAlias}.{Q(RowColumn)} = {SubjectAlias}.{Q("DM_ROW")}");
            else
                from.Append($" LEFT JOIN {d} ON {d}.PE_U = {subject}");
        }
        string found = rel.Where is null ? "1" : $"CASE WHEN {rel.Where} = 2 THEN 1 ELSE 0 END";
        string undecided = rel.Where is null ? "0" : $"CASE WHEN {rel.Where} = 1 THEN 1 ELSE 0 END";
        switch (a.Kind)
        {
            case AggregateKind.Exists:
                // True when a record passes; unknown when none does but a filter was undecidable (or, through the join, the subject has no records).
                return $"{a.Name} AS (SELECT {subject} AS PE_U, CASE WHEN MAX({found}) = 1 THEN 2 WHEN MAX({undecided}) = 1 THEN 1 ELSE 0 END AS PE_V FROM {from} GROUP BY {subject})";
            case AggregateKind.Count:
                // A count that may be short for want of data (an undecidable filter, or no records at all: no row) is null.
                return $"{a.Name} AS (SELECT {subject} AS PE_U, CASE WHEN MAX({undecided}) = 1 THEN NULL ELSE SUM({found}) END AS PE_V FROM {from} GROUP BY {subject})";
            default:
                {
                    var columns = string.Concat(a.Columns.Select((c, i) => $", {rel.Name}.{Q(c)} AS PE_C{i.ToString(CultureInfo.InvariantCulture)}"));
                    var outer = string.Concat(a.Columns.Select((_, i) => $", PE_C{i.ToString(CultureInfo.InvariantCulture)}"));
                    string where = rel.Where is null ? "" : $" WHERE {rel.Where} = 2";
                    return $"{a.Name} AS (SELECT PE_U{outer} FROM (SELECT {subject} AS PE_U{columns}, ROW_NUMBER() OVER (PARTITION BY {subject} ORDER BY {Order(rel, a.Last)}) AS PE_N " +
                           $"FROM {from}{where}) {a.Name}_n WHERE PE_N = 1)";
                }
        }
    }

    /// <summary>
    /// The engine's sort: nulls first ascending, ties kept in record order (a stable sort); the last element of that order
    /// is the first of the reversed one.
    /// </summary>
    internal string Order(RecordsSym rel, bool last)
    {
        var parts = new List<string>();
        foreach (var (key, descending) in rel.Sort)
        {
            bool desc = descending ^ last;
            parts.Add(desc ? $"CASE WHEN {key} IS NULL THEN 1 ELSE 0 END, {key} DESC" : $"CASE WHEN {key} IS NULL THEN 0 ELSE 1 END, {key}");
        }
        parts.Add($"{rel.Name}.{sql.Quote(RowColumn)}" + (last ? " DESC" : ""));
        return string.Join(", ", parts);
    }
}
