using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Sql.Lowering;

/// <summary>
/// Lowers a bound rule to one SQL scalar over the subject row <c>s</c> (and its DM row <c>dm</c>), following the native
/// backend's semantics exactly where it lowers at all: booleans are 0/1/2 (false/unknown/true) so three-valued logic is
/// arithmetic (and = LEAST, or = GREATEST, not = 2 − x), never a dialect's NULL logic; a comparison with a null operand is
/// unknown; exists over a subject's records is true when a record passes, unknown when none does but the subject has no
/// records there or a filter was undecidable (absence of records is not evidence of absence), false otherwise. Anything
/// else throws <see cref="NotPushable"/> naming the construct.
/// </summary>
internal sealed class SqlLowering(SqlSyntax sql, SqlCatalog catalog)
{
    public const string SubjectAlias = "s";
    public const string DemographicsAlias = "dm";
    public const string SubjectColumn = "USUBJID";
    public const string RowColumn = "PE_ROW";

    private int _aliases;
    private readonly HashSet<DefineSymbol> _defining = [];
    private readonly List<SqlAggregate> _aggregates = [];
    private readonly Dictionary<string, SqlAggregate> _aggregateByKey = new(StringComparer.Ordinal);
    private readonly HashSet<FunctionSymbol> _calling = [];

    /// <summary>The domains the lowered rules read (for the tables a load must provide).</summary>
    public SortedSet<string> DomainsRead { get; } = new(StringComparer.Ordinal);

    /// <summary>The per-subject aggregates the lowered rules read, in dependency order (each reads only earlier ones).</summary>
    public IReadOnlyList<SqlAggregate> Aggregates => _aggregates;

    /// <summary>A criterion's rule as a 0/1/2 boolean.</summary>
    public string LowerRule(BoundExpression rule) => Bool(Lower(rule, Env.Empty), rule);

    /// <summary>A lone expression as a SQL scalar and its kind (the CQL conformance tests run through this).</summary>
    public ScalarSym LowerScalar(BoundExpression expression) => Scalar(Lower(expression, Env.Empty), expression);

    private Sym Lower(BoundExpression e, Env env)
    {
        switch (e)
        {
            case BoundLiteral lit:
                return Literal(lit);
            case BoundConversion conv:
                return Convert(conv, env);
            case BoundDefineReference d:
                return Define(d);
            case BoundParameterReference p:
                if (p.Parameter.Value is null) throw new NotPushable(e.Syntax, $"parameter {p.Parameter.Name} has no value");
                return Lower(p.Parameter.Value, Env.Empty);
            case BoundFunctionCall f:
                return Function(f, env);
            case BoundLocal local:
                return env.Find(local.Local) ?? throw new NotPushable(e.Syntax, $"the local {local.Local.Name} is not lowered");
            case BoundDomainReference domain:
                return Domain(domain);
            case BoundVariableAccess access:
                return Variable(access, env);
            case BoundCodeListReference cl:
                if (string.Equals(cl.CodeList.CodeSystem, "ATC", StringComparison.OrdinalIgnoreCase))
                    throw new NotPushable(e.Syntax, $"the hierarchical (ATC) code list {cl.CodeList.Name}");
                return new CodeListSym([.. cl.CodeList.Codes.Select(c => c.Code)], [.. cl.CodeList.Codes.Select(c => c.Display).OfType<string>()]);
            case BoundList list:
                return new ListSym([.. list.Elements.Select(x => Scalar(Lower(x, env), x))]);
            case BoundInterval interval:
                return new IntervalSym(Number(Lower(interval.Low, env), interval.Low), interval.LowClosed, Number(Lower(interval.High, env), interval.High), interval.HighClosed);
            case BoundIf iff:
                {
                    var c = Bool(Lower(iff.Condition, env), iff.Condition);
                    var a = Scalar(Lower(iff.Then, env), iff.Then);
                    var b = Scalar(Lower(iff.Else, env), iff.Else);
                    var kind = Unify(a, b, e);
                    // CQL's if takes the else branch when the condition is null (unknown).
                    return new ScalarSym($"(CASE WHEN {c} = 2 THEN {Cast(a, kind)} ELSE {Cast(b, kind)} END)", kind);
                }
            case BoundCase cs:
                return Case(cs, env);
            case BoundQuery q:
                return Query(q, env);
            case BoundCall call:
                return Call(call, env);
            default:
                throw new NotPushable(e.Syntax, Describe(e));
        }
    }

    private static string Describe(BoundExpression e) => e switch
    {
        BoundQuantityLiteral => "quantities (units)",
        BoundTableCall t => $"the decision table {t.Table.Name}",
        BoundTuple => "tuples",
        BoundVisitReference => "visit references",
        BoundMemberAccess m => $"the member {m.Member}",
        BoundListMemberAccess => "property access over a list",
        BoundTypeOperator => "type operators (as, is, cast)",
        BoundTypeExtent => "minimum/maximum of a type",
        _ => e.GetType().Name.Replace("Bound", "", StringComparison.Ordinal),
    };

    private Sym Literal(BoundLiteral lit)
    {
        var t = lit.Type;
        if (lit.Value is null)
        {
            if (t == ProtocolType.Boolean || t.IsAny) return new ScalarSym("1", SqlKind.Bool);
            return new ScalarSym(sql.NullOf(KindOf(t, lit)), KindOf(t, lit));
        }
        return lit.Value switch
        {
            bool b => new ScalarSym(b ? "2" : "0", SqlKind.Bool),
            int i => new ScalarSym(i.ToString(System.Globalization.CultureInfo.InvariantCulture), SqlKind.Int),
            long l => new ScalarSym(l.ToString(System.Globalization.CultureInfo.InvariantCulture), SqlKind.Int),
            decimal d => new ScalarSym(NumberLiteral(d), SqlKind.Num),
            string s when t == ProtocolType.String => new ScalarSym(sql.Text(s), SqlKind.Text),
            _ => throw new NotPushable(lit.Syntax, $"{t.Name} literals"),
        };
    }

    // ClickHouse reads 1.5 as a Float64; the others read it as an exact decimal.
    private string NumberLiteral(decimal d) => sql.Dialect == SqlDialect.ClickHouse ? $"CAST({SqlSyntax.Number(d)} AS {sql.TypeName(SqlKind.Num)})" : SqlSyntax.Number(d);

    private static SqlKind KindOf(ProtocolType t, BoundExpression at)
    {
        if (t == ProtocolType.Boolean) return SqlKind.Bool;
        if (t == ProtocolType.Integer || t == ProtocolType.Long) return SqlKind.Int;
        if (t == ProtocolType.Decimal) return SqlKind.Num;
        if (t == ProtocolType.String) return SqlKind.Text;
        if (t == ProtocolType.DateTime) return SqlKind.Date;
        throw new NotPushable(at.Syntax, $"values of type {t.Name}");
    }

    private Sym Convert(BoundConversion conv, Env env)
    {
        var operand = Lower(conv.Operand, env);
        switch (conv.Conversion.Kind)
        {
            case ConversionKind.Identity:
            case ConversionKind.Widen:
                return operand;
            case ConversionKind.IntegerToLong:
                return operand;
            case ConversionKind.IntegerToDecimal:
            case ConversionKind.LongToDecimal:
                return Scalar(operand, conv.Operand) is var s && s.Kind == SqlKind.Int ? new ScalarSym($"CAST({s.Sql} AS {sql.TypeName(SqlKind.Num)})", SqlKind.Num) : operand;
            case ConversionKind.ListElements when operand is ListSym list:
                return new ListSym([.. list.Elements.Select(x => x.Kind == SqlKind.Int && conv.Conversion.Element?.To == ProtocolType.Decimal
                    ? new ScalarSym($"CAST({x.Sql} AS {sql.TypeName(SqlKind.Num)})", SqlKind.Num) : x)]);
            case ConversionKind.IntervalPoints when operand is IntervalSym:
                return operand;
            default:
                throw new NotPushable(conv.Syntax, $"the conversion {conv.Conversion.Kind} from {conv.Conversion.From.Name} to {conv.Conversion.To.Name}");
        }
    }

    private Sym Define(BoundDefineReference d)
    {
        var define = d.Define;
        if (define.Body is null) throw new NotPushable(d.Syntax, $"definition {define.Name} is not bound");
        if (!_defining.Add(define)) throw new NotPushable(d.Syntax, $"definition {define.Name} refers to itself");
        try
        {
            return Wrap(Lower(define.Body, Env.Empty), define.Name);
        }
        catch (NotPushable ex) when (!ex.Reason.StartsWith("in ", StringComparison.Ordinal))
        {
            throw new NotPushable(ex.Syntax, $"in definition {define.Name}, {ex.Reason}");
        }
        finally
        {
            _defining.Remove(define);
        }
    }

    private Sym Function(BoundFunctionCall f, Env env)
    {
        var function = f.Function;
        if (function.Body is null) throw new NotPushable(f.Syntax, $"function {function.Name} is not bound");
        if (!_calling.Add(function)) throw new NotPushable(f.Syntax, $"function {function.Name} is recursive");
        try
        {
            var inner = Env.Empty;
            for (int i = 0; i < function.Parameters.Length; i++) inner = inner.With(function.Parameters[i], Lower(f.Arguments[i], env));
            return Wrap(Lower(function.Body, inner), function.Name);
        }
        catch (NotPushable ex) when (!ex.Reason.StartsWith("in ", StringComparison.Ordinal))
        {
            throw new NotPushable(ex.Syntax, $"in function {function.Name}, {ex.Reason}");
        }
        finally
        {
            _calling.Remove(function);
        }
    }

    /// <summary>A definition's or function's scalar is parenthesised so it composes; other values are used as they are.</summary>
    private static Sym Wrap(Sym s, string name) => s is ScalarSym scalar ? scalar with { Sql = $"({scalar.Sql})" } : s;

    private Sym Domain(BoundDomainReference d)
    {
        var name = d.Domain.Name;
        DomainsRead.Add(name);
        bool missing = !catalog.HasTable(name);
        if (d.Domain.Structure == DomainStructure.StudyLevel) throw new NotPushable(d.Syntax, $"the trial-level domain {name} (records of no subject)");
        if (d.Domain.Structure == DomainStructure.OnePerSubject || d.Type is not ListType)
        {
            if (name != "DM") throw new NotPushable(d.Syntax, $"the one-record domain {name} (only DM is joined to the subject)");
            return new SubjectRowSym(name, DemographicsAlias, missing);
        }
        return new RelSym(name, NextAlias(), null, [], missing);
    }

    private string NextAlias() => "t" + (++_aliases).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Sym Variable(BoundVariableAccess access, Env env)
    {
        var kind = KindOf(access.Type, access);
        var record = Lower(access.Record, env);
        var variable = access.Variable.Name;
        switch (record)
        {
            case SubjectRowSym row:
                return row.Missing || !catalog.HasColumn(row.Domain, variable)
                    ? new ScalarSym(sql.NullOf(kind), kind)
                    : new ScalarSym($"{row.Alias}.{sql.Quote(variable)}", kind);
            case RowSym row:
                return row.Missing || !catalog.HasColumn(row.Domain, variable)
                    ? new ScalarSym(sql.NullOf(kind), kind)
                    : new ScalarSym($"{row.Alias}.{sql.Quote(variable)}", kind);
            case PickSym pick:
                {
                    var rel = pick.Rel;
                    if (rel.Missing || !catalog.HasColumn(rel.Domain, variable)) return new ScalarSym(sql.NullOf(kind), kind);
                    return new ScalarSym(Aggregate(AggregateKind.Pick, rel, pick.Last).Column(variable), kind);
                }
            default:
                throw new NotPushable(access.Syntax, $"reading {variable} from a value that is not a record of the subject");
        }
    }

    /// <summary>
    /// The aggregate of a subject's records a use of <paramref name="rel"/> reads, shared by every use with the same domain,
    /// filter and order (a definition read by several rules is aggregated once).
    /// </summary>
    internal SqlAggregate Aggregate(AggregateKind kind, RelSym rel, bool last = false)
    {
        string Normal(string text) => Regex.Replace(text, $@"(?<![\w.""]){rel.Alias}\.", "@.", RegexOptions.CultureInvariant);
        var key = $"{kind}|{last}|{rel.Domain}|{Normal(rel.Where ?? "")}|{string.Join("|", rel.Sort.Select(k => Normal(k.Key) + (k.Descending ? " desc" : "")))}";
        if (_aggregateByKey.TryGetValue(key, out var found)) return found;
        var read = SqlAggregate.References(string.Join(" ", rel.Sort.Select(k => k.Key).Prepend(rel.Where ?? "")));
        var aggregate = new SqlAggregate("pe_a" + (_aggregates.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), kind, rel, last,
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
        string subject = $"{rel.Alias}.{Q(SubjectColumn)}";
        var from = new System.Text.StringBuilder($"{sql.Table(rel.Domain)} {rel.Alias}");
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
                    var columns = string.Concat(a.Columns.Select((c, i) => $", {rel.Alias}.{Q(c)} AS PE_C{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
                    var outer = string.Concat(a.Columns.Select((_, i) => $", PE_C{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
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
    internal string Order(RelSym rel, bool last)
    {
        var parts = new List<string>();
        foreach (var (key, descending) in rel.Sort)
        {
            bool desc = descending ^ last;
            parts.Add(desc ? $"CASE WHEN {key} IS NULL THEN 1 ELSE 0 END, {key} DESC" : $"CASE WHEN {key} IS NULL THEN 0 ELSE 1 END, {key}");
        }
        parts.Add($"{rel.Alias}.{sql.Quote(RowColumn)}" + (last ? " DESC" : ""));
        return string.Join(", ", parts);
    }

    private Sym Query(BoundQuery q, Env env)
    {
        if (q.Sources.Length != 1 || !q.Lets.IsEmpty || !q.Inclusions.IsEmpty || q.Return is not null || q.Aggregate is not null || q.ReturnDistinct)
            throw new NotPushable(q.Syntax, "queries other than one source with where and sort");
        var source = Lower(q.Sources[0].Source, env);
        if (source is not RelSym rel || rel.Where is not null || !rel.Sort.IsEmpty)
            throw new NotPushable(q.Syntax, "a query whose source is not a domain's records");
        if (q.SingularSource) throw new NotPushable(q.Syntax, "a query over a single value");
        var row = new RowSym(rel.Domain, rel.Alias, rel.Missing);
        var inner = env.With(q.Sources[0].Alias, row);
        string? where = q.Where is null ? null : Bool(Lower(q.Where, inner), q.Where);
        var sort = ImmutableArray.CreateBuilder<(string, bool)>();
        foreach (var item in q.Sort)
        {
            if (item.Key is null || item.Element is null) throw new NotPushable(q.Syntax, "sorting records without a key");
            var key = Scalar(Lower(item.Key, inner.With(item.Element, row)), item.Key);
            if (key.Kind == SqlKind.Bool) throw new NotPushable(item.Key.Syntax, "sorting by a Boolean");
            sort.Add((key.Sql, item.Descending));
        }
        // Each query is aggregated per subject once; a filter that reads a record of an enclosing query would need it per record.
        if (SqlAggregate.References(string.Join(" ", sort.Select(k => k.Item1).Prepend(where ?? ""))).Any(r => r != rel.Alias && r.StartsWith('t')))
            throw new NotPushable(q.Syntax, "a query whose filter reads a record of an enclosing query");
        return rel with { Where = where, Sort = sort.ToImmutable() };
    }

    private Sym Case(BoundCase cs, Env env)
    {
        var branches = new List<(string When, ScalarSym Then)>();
        ScalarSym? comparand = cs.Comparand is null ? null : Scalar(Lower(cs.Comparand, env), cs.Comparand);
        foreach (var item in cs.Items)
        {
            string when = comparand is null
                ? Bool(Lower(item.When, env), item.When)
                : Equal(comparand, Scalar(Lower(item.When, env), item.When), item.When);
            branches.Add((when, Scalar(Lower(item.Then, env), item.Then)));
        }
        var otherwise = Scalar(Lower(cs.Else, env), cs.Else);
        var kind = branches.Select(b => b.Then).Append(otherwise).Select(x => x.Kind).Distinct().ToList() switch
        {
            [var only] => only,
            var kinds when kinds.All(k => k is SqlKind.Num or SqlKind.Int) => SqlKind.Num,
            _ => throw new NotPushable(cs.Syntax, "a case whose branches have different types"),
        };
        var text = string.Join(" ", branches.Select(b => $"WHEN {b.When} = 2 THEN {Cast(b.Then, kind)}"));
        return new ScalarSym($"(CASE {text} ELSE {Cast(otherwise, kind)} END)", kind);
    }

    private static SqlKind Unify(ScalarSym a, ScalarSym b, BoundExpression at)
    {
        if (a.Kind == b.Kind) return a.Kind;
        if (a.Kind is SqlKind.Num or SqlKind.Int && b.Kind is SqlKind.Num or SqlKind.Int) return SqlKind.Num;
        throw new NotPushable(at.Syntax, "branches of different types");
    }

    private string Cast(ScalarSym s, SqlKind kind) => s.Kind == kind ? s.Sql : $"CAST({s.Sql} AS {sql.TypeName(kind)})";

    // ----- helpers shared by the calls -----

    internal ScalarSym Scalar(Sym s, BoundExpression at) => s as ScalarSym ?? throw new NotPushable(at.Syntax, $"{Describe(s)} used as a single value");

    private static string Describe(Sym s) => s switch
    {
        RelSym => "a list of records",
        PickSym or RowSym or SubjectRowSym => "a whole record",
        ListSym => "a list",
        CodeListSym => "a code list",
        IntervalSym => "an interval",
        _ => "a value",
    };

    internal string Bool(Sym s, BoundExpression at)
    {
        var scalar = Scalar(s, at);
        if (scalar.Kind != SqlKind.Bool) throw new NotPushable(at.Syntax, "a value that is not a Boolean where a Boolean is needed");
        return scalar.Sql;
    }

    internal ScalarSym Number(Sym s, BoundExpression at)
    {
        var scalar = Scalar(s, at);
        if (scalar.Kind == SqlKind.Date) throw new NotPushable(at.Syntax, "date arithmetic and comparison (dates are only sorted and tested for null in SQL)");
        if (scalar.Kind is not (SqlKind.Num or SqlKind.Int)) throw new NotPushable(at.Syntax, "a value that is not a number where a number is needed");
        return scalar;
    }

    /// <summary>Equality as CQL's =: unknown when either side is null; numbers by value, text exactly.</summary>
    internal string Equal(ScalarSym a, ScalarSym b, BoundExpression at)
    {
        if (a.Kind is SqlKind.Num or SqlKind.Int && b.Kind is SqlKind.Num or SqlKind.Int)
            return sql.Dialect == SqlDialect.ClickHouse ? sql.Compare(a.Sql, b.Sql, 0, 2, 0)
                : $"(CASE SIGN({a.Sql} - {b.Sql}) WHEN 0 THEN 2 WHEN 1 THEN 0 WHEN -1 THEN 0 ELSE 1 END)";
        if (a.Kind == SqlKind.Text && b.Kind == SqlKind.Text)
            return $"(CASE WHEN {a.Sql} IS NULL OR {b.Sql} IS NULL THEN 1 WHEN {a.Sql} = {b.Sql} THEN 2 ELSE 0 END)";
        if (a.Kind == SqlKind.Bool && b.Kind == SqlKind.Bool)
            return $"(CASE WHEN {a.Sql} = 1 OR {b.Sql} = 1 THEN 1 WHEN {a.Sql} = {b.Sql} THEN 2 ELSE 0 END)";
        throw new NotPushable(at.Syntax, $"comparing {a.Kind} with {b.Kind} values");
    }

    internal Sym CallExpression(BoundCall call, Env env) => Call(call, env);

    private Sym Call(BoundCall call, Env env) => new SqlCalls(this, sql).Lower(call, env, Lower);
}
