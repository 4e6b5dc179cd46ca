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
    private List<EvidenceRead> _reads = [];
    private List<(RecordsSym Records, string Aggregate)> _exists = [];
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
    /// The evidence plan of the rule last lowered: the exists it decides by and the variables each reads, under which
    /// conditions; null when evidence is off or the rule has a shape whose evidence is not pushed down yet (docs/backends.md).
    /// </summary>
    public SqlEvidencePlan? LastEvidence { get; private set; }

    /// <summary>The domains the lowered rules read (for the tables a load must provide).</summary>
    public SortedSet<string> DomainsRead { get; } = new(StringComparer.Ordinal);

    /// <summary>The per-subject aggregates the lowered rules read, in dependency order (each reads only earlier ones).</summary>
    public IReadOnlyList<SqlAggregate> Aggregates => _aggregates;

    /// <summary>A criterion's rule as a 0/1/2 boolean.</summary>
    public string LowerRule(BoundExpression rule)
    {
        _reads = [];
        _exists = [];
        _noEvidence = !_evidence;
        LastEvidence = null;
        var text = _pass.LowerRule(rule);
        if (!_noEvidence && _exists.Count > 0 && _reads.All(r => _exists.Any(e => e.Records.Name == r.Alias)))
            LastEvidence = new SqlEvidencePlan([.. _exists.Select(e => new SqlExistsEvidence(e.Records, e.Aggregate, [.. _reads.Where(r => r.Alias == e.Records.Name)]))]);
        return text;
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
        // Evidence is pushed down for the records of an exists, read under the filter's own conditions (not yet: the
        // subject's DM record, First/Last, dates, a condition of case).
        if (row.IsSubject || kind == ValueKind.Date || _pass.Guards.Any(g => g is null)) _noEvidence = true;
        else if (!row.Missing) _reads.Add(new EvidenceRead(row.Text, variable, kind, value.Text, [.. _pass.Guards.OfType<string>()]));
        return value;
    }

    public override ScalarSym ReadPicked(PickSym pick, string variable, ValueKind kind)
    {
        _noEvidence = true;
        var records = pick.Records;
        if (records.Missing || !catalog.HasColumn(records.Domain, variable)) return Null(kind);
        return new ScalarSym(Aggregate(AggregateKind.Pick, records, pick.Last).Column(variable), kind);
    }

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

    public override string IsNull(PickSym pick) => NoEvidence(
        pick.Records.Missing ? "2" : $"(CASE WHEN {Aggregate(AggregateKind.Pick, pick.Records, pick.Last).Name}.PE_U IS NULL THEN 2 ELSE 0 END)");

    public override string IsNull(RowSym subjectRow) => NoEvidence(subjectRow.Missing ? "2" : $"(CASE WHEN {subjectRow.Text}.{sql.Quote(RowColumn)} IS NULL THEN 2 ELSE 0 END)");

    private string NoEvidence(string text)
    {
        _noEvidence = true;
        return text;
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
        if (records.Missing)
        {
            if (!fused || _pass.Guards.Count > 0) _noEvidence = true;
            else _exists.Add((records, ""));
            return "1";
        }
        var aggregate = Aggregate(AggregateKind.Exists, records).Name;
        // Evidence of an exists the rule reaches only under a condition, or that reads the whole list, is not pushed down yet.
        if (!fused || _pass.Guards.Count > 0) _noEvidence = true;
        else _exists.Add((records, aggregate));
        return $"COALESCE({aggregate}.PE_V, 1)";
    }

    public override ScalarSym Count(RecordsSym records)
    {
        _noEvidence = true;
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
