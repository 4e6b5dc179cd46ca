using System.Globalization;
using System.Text;
using ProtocolEngine.Language.Lowering;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Sql.Lowering;

/// <summary>A variable a query's filter or sort key reads: of the record <paramref name="Alias"/>, its SQL <paramref name="Value"/>, read when every guard holds.</summary>
internal sealed record EvidenceRead(string Alias, string Variable, ValueKind Kind, string Value, IReadOnlyList<string> Guards);

/// <summary>How far the native backend runs a query's records: to the first that passes (exists, First unsorted), or all (Count, a sort, Last).</summary>
internal enum EvidenceScan
{
    UntilFirst,
    All,
}

/// <summary>
/// One piece of a criterion's evidence, in the order the native backend evaluates the rule, reached when every one of
/// <see cref="Guards"/> (two-valued conditions over the subject's row: its DM row and the per-subject aggregates) holds.
/// </summary>
internal abstract class EvidenceSegment(IReadOnlyList<string> guards)
{
    public IReadOnlyList<string> Guards { get; } = guards;

    /// <summary>The domain whose records the segment reads.</summary>
    public abstract string Domain { get; }
}

/// <summary>
/// A query over a subject's records of a domain: the search (the subject's record count) and, for every record examined
/// whose filter did not reject it (up to and including the first that passes, or all of them), the variables the filter
/// read, each only where the native backend reads it; then, when the query is sorted and more than one record passed,
/// the sort key's reads of each passed record, in record order (the native sort reads every key once, in list order).
/// </summary>
internal sealed class QueryEvidence(RecordsSym records, IReadOnlyList<string> guards) : EvidenceSegment(guards)
{
    /// <summary>The records, as lowered before the filter: its alias names the record in the reads.</summary>
    public RecordsSym Records { get; set; } = records;

    public override string Domain => Records.Domain;

    public List<EvidenceRead> FilterReads { get; } = [];

    public List<EvidenceRead> KeyReads { get; } = [];

    /// <summary>Set by the construct that consumes the query; null when none the evidence knows consumed it.</summary>
    public EvidenceScan? Scan { get; set; }

    /// <summary>While lowering the query's sort keys (their reads are <see cref="KeyReads"/>).</summary>
    public bool InSortKey { get; set; }
}

/// <summary>
/// A variable of one record read by the rule itself: the subject's DM record or the record First / Last picked.
/// <paramref name="row"/> and <paramref name="sequence"/> are SQL over the rule's row (null row: no record, no read).
/// </summary>
internal sealed class RecordReadEvidence(string domain, string variable, ValueKind kind, string row, string sequence, string value, IReadOnlyList<string> guards)
    : EvidenceSegment(guards)
{
    public override string Domain { get; } = domain;

    public string Variable { get; } = variable;

    public ValueKind Kind { get; } = kind;

    public string Row { get; } = row;

    public string Sequence { get; } = sequence;

    public string Value { get; } = value;
}

/// <summary>
/// The evidence of a pushed-down criterion, as the native backend records it: its segments in evaluation order, each
/// returned as columns (<c>EVIDENCE_id_n</c>: the reads as text; for a query also <c>SEARCHED_id_n</c>: the search's
/// record count, −1 when the rule did not reach the query) and read back into <see cref="EvidenceItem"/>s, each fact
/// once, as the native recorder keeps them.
/// </summary>
internal sealed record SqlEvidencePlan(IReadOnlyList<EvidenceSegment> Segments)
{
    // Record and field separators: control characters. A value holding one (or the escape character) is escaped by the
    // query (Escaped) and unescaped here (Unescape), so hostile text cannot split a record or shift a field.
    private const char RecordSeparator = '\u001e', FieldSeparator = '\u001f', Escape = '\u0010';

    /// <summary>The name of the segment's rule-level guard column in the rules' table expression.</summary>
    public static string GuardColumn(int criterion, int n) => $"EG{criterion.ToString(CultureInfo.InvariantCulture)}_{n.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The name of a record read's text column in the rules' table expression.</summary>
    public static string ReadColumn(int criterion, int n) => $"ER{criterion.ToString(CultureInfo.InvariantCulture)}_{n.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The two-valued condition that every guard of a segment holds, or null when it has none.</summary>
    public static string? Condition(EvidenceSegment s) => s.Guards.Count == 0 ? null : string.Join(" AND ", s.Guards.Select(g => $"({g})"));

    private static string Str(SqlSyntax sql, string x) => $"CAST({x} AS {sql.TypeName(ValueKind.Text)})";

    /// <summary>A separator or the escape character as the dialect writes one character: ClickHouse 18.16 has no chr().</summary>
    internal static string Char(SqlSyntax sql, char c) => sql.Dialect == SqlDialect.ClickHouse
        ? $"'\\x{((int)c).ToString("x2", CultureInfo.InvariantCulture)}'"
        : $"chr({((int)c).ToString(CultureInfo.InvariantCulture)})";

    private static string Field(SqlSyntax sql, string variable, string value) =>
        $"{Char(sql, FieldSeparator)} || {sql.Text(variable)} || {Char(sql, FieldSeparator)} || COALESCE('V' || {Escaped(sql, Str(sql, value))}, 'N')";

    private static string Sequence(SqlSyntax sql, SqlCatalog catalog, string domain, string alias) =>
        catalog.HasColumn(domain, domain + "SEQ") ? $"COALESCE({Str(sql, $"{alias}.{sql.Quote(domain + "SEQ")}")}, '')" : "''";

    /// <summary>A record read's text (row, --SEQ, variable, value), null when there is no record; in the rules' scope.</summary>
    public static string WriteRead(SqlSyntax sql, RecordReadEvidence r)
    {
        string text = $"{Str(sql, r.Row)} || {Char(sql, FieldSeparator)} || {r.Sequence} || {Field(sql, r.Variable, r.Value)}";
        string when = Condition(r) is { } c ? $"{c} AND {r.Row} IS NOT NULL" : $"{r.Row} IS NOT NULL";
        return $"(CASE WHEN {when} THEN {text} END)";
    }

    /// <summary>
    /// One record's evidence text over the query's records (alias <see cref="RecordsSym.Name"/>): its row, --SEQ, then each
    /// read's variable and value where the read's guards hold.
    /// </summary>
    public static string RecordText(SqlSyntax sql, SqlCatalog catalog, RecordsSym r, IEnumerable<EvidenceRead> reads)
    {
        var fields = new StringBuilder($"{Str(sql, $"{r.Name}.{sql.Quote(SqlLowering.RowColumn)}")} || {Char(sql, FieldSeparator)} || {Sequence(sql, catalog, r.Domain, r.Name)}");
        foreach (var read in reads)
        {
            string item = Field(sql, read.Variable, read.Value);
            fields.Append(" || ").Append(read.Guards.Count == 0 ? item : $"(CASE WHEN {string.Join(" AND ", read.Guards.Select(g => $"({g})"))} THEN {item} ELSE '' END)");
        }
        return fields.ToString();
    }

    /// <summary>The common table expression of a query's evidence: per subject the count (EV_N) and the reads (EV_T, EV_K).</summary>
    public static string WriteQuery(SqlSyntax sql, SqlCatalog catalog, string name, QueryEvidence e)
    {
        var r = e.Records;
        string Q(string c) => sql.Quote(c);
        string w = r.Where ?? "2";
        string Reads(IEnumerable<EvidenceRead> reads) => RecordText(sql, catalog, r, reads);
        string subject = $"{r.Name}.{Q(SqlLowering.SubjectColumn)}", row = $"{r.Name}.{Q(SqlLowering.RowColumn)}";
        bool untilFirst = e.Scan == EvidenceScan.UntilFirst;
        bool keys = !r.Sort.IsEmpty && e.KeyReads.Count > 0;
        var outer = new StringBuilder($"{name} AS (SELECT EV_U, COUNT(*) AS EV_N, ");
        outer.Append($"STRING_AGG(CASE WHEN EV_W <> 0{(untilFirst ? " AND (EV_F IS NULL OR EV_R <= EV_F)" : "")} THEN EV_T END, chr(30) ORDER BY EV_R) AS EV_T, ");
        // The native sort reads keys only when there is more than one record to sort.
        outer.Append(keys ? "CASE WHEN SUM(CASE WHEN EV_W = 2 THEN 1 ELSE 0 END) > 1 THEN STRING_AGG(CASE WHEN EV_W = 2 THEN EV_K END, chr(30) ORDER BY EV_R) END AS EV_K" : $"{sql.NullOf(ValueKind.Text)} AS EV_K");
        outer.Append($" FROM (SELECT {subject} AS EV_U, {row} AS EV_R, {w} AS EV_W, ");
        if (untilFirst) outer.Append($"MIN(CASE WHEN {w} = 2 THEN {row} END) OVER (PARTITION BY {subject}) AS EV_F, ");
        // Text only for the records whose reads are kept (a filter usually rejects most of a domain's records).
        outer.Append($"CASE WHEN {w} <> 0 THEN {Reads(e.FilterReads)} END AS EV_T");
        if (keys) outer.Append($", CASE WHEN {w} = 2 THEN {Reads(e.KeyReads)} END AS EV_K");
        outer.Append($" FROM {sql.Table(r.Domain)} {r.Name}) {name}_r GROUP BY EV_U)");
        return outer.ToString();
    }

    /// <summary>The filter's reads then the sort key's, as one text (null when neither).</summary>
    public static string Joined(string alias) =>
        $"(CASE WHEN {alias}.EV_K IS NULL THEN {alias}.EV_T WHEN {alias}.EV_T IS NULL THEN {alias}.EV_K ELSE {alias}.EV_T || chr(30) || {alias}.EV_K END)";

    // The escape character first, so that the escapes the separators become are not escaped again.
    internal static string Escaped(SqlSyntax sql, string text)
    {
        string replace = sql.Dialect == SqlDialect.ClickHouse ? "replaceAll" : "replace";
        string esc = Char(sql, Escape);
        return $"{replace}({replace}({replace}({text}, {esc}, {esc} || '0'), {Char(sql, RecordSeparator)}, {esc} || '1'), {Char(sql, FieldSeparator)}, {esc} || '2')";
    }

    /// <summary>The record separator as the dialect writes it.</summary>
    internal static string RecordSeparatorText(SqlSyntax sql) => Char(sql, RecordSeparator);

    internal static string Unescape(string text)
    {
        if (!text.Contains(Escape, StringComparison.Ordinal)) return text;
        var plain = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != Escape) { plain.Append(text[i]); continue; }
            if (++i >= text.Length) throw new FormatException("The database returned evidence with an escape character at the end of a value.");
            plain.Append(text[i] switch
            {
                '0' => Escape,
                '1' => RecordSeparator,
                '2' => FieldSeparator,
                var other => throw new FormatException($"The database returned evidence with an unknown escape '{other}'."),
            });
        }
        return plain.ToString();
    }

    /// <summary>
    /// The evidence items of one subject from the segments' columns (a query's reads and search, −1 when not reached; a
    /// record read's text), as the native recorder keeps them: each fact once, at most <paramref name="capacity"/>.
    /// </summary>
    public List<EvidenceItem> Read(string subject, IReadOnlyList<(string? Reads, long Searched)> columns, int capacity = 200)
    {
        var items = new List<EvidenceItem>();
        var seen = new HashSet<(string, int, string?, EvidenceKind)>();
        void Add(EvidenceItem item)
        {
            if (seen.Add((item.Domain, item.Row, item.Variable, item.Kind)) && items.Count < capacity) items.Add(item);
        }
        for (int n = 0; n < Segments.Count; n++)
        {
            var segment = Segments[n];
            var (reads, searched) = columns[n];
            Dictionary<string, ValueKind> kinds;
            if (segment is QueryEvidence q)
            {
                if (searched < 0) continue;
                if (q.Records.Missing)
                {
                    // The domain is missing, and its (no) records searched. (Natively a subject's first criterion to read the
                    // domain notes it missing, the later ones only search: docs/backends.md.)
                    Add(new EvidenceItem(EvidenceKind.DomainMissing, q.Domain, null, null, null, null));
                    Add(new EvidenceItem(EvidenceKind.Searched, q.Domain, null, null, null, 0));
                    continue;
                }
                Add(new EvidenceItem(EvidenceKind.Searched, q.Domain, null, null, null, (int)searched));
                kinds = q.FilterReads.Concat(q.KeyReads).GroupBy(x => x.Variable).ToDictionary(g => g.Key, g => g.First().Kind, StringComparer.Ordinal);
            }
            else
            {
                var read = (RecordReadEvidence)segment;
                kinds = new Dictionary<string, ValueKind>(StringComparer.Ordinal) { [read.Variable] = read.Kind };
            }
            if (reads is null) continue;
            foreach (var record in reads.Split(RecordSeparator))
            {
                var f = record.Split(FieldSeparator);
                int row = int.Parse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture);
                double? sequence = f[1].Length == 0 ? null : double.Parse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture);
                for (int i = 2; i + 1 < f.Length; i += 2)
                {
                    var variable = f[i];
                    object? value = f[i + 1] == "N" ? null : Value(Unescape(f[i + 1][1..]), kinds[variable]);
                    Add(new EvidenceItem(EvidenceKind.Value, segment.Domain, subject, sequence, variable, value, row));
                }
            }
        }
        return items;
    }

    // As the native backend reads it: Num as decimal (trailing zeros of the database's scale dropped), whole numbers as
    // int, dates as the engine's date-time from the canonical text the load stored.
    private static object? Value(string text, ValueKind kind) => kind switch
    {
        ValueKind.Num => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) / 1.000000000000000000000000000000000m,
        ValueKind.Int => (int?)(decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d) && d >= int.MinValue && d <= int.MaxValue ? (int)d : null),
        ValueKind.Date => CqlDateTime.TryParseIso(text, out var date) ? date : null,
        ValueKind.Bool => text switch { "0" => false, "2" => true, _ => null },
        _ => text,
    };
}
