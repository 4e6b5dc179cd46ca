using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Lowering;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Sql.Lowering;

namespace ProtocolEngine.Sql.ClickHouse;

/// <summary>
/// The protocol's query as ClickHouse 18.16 runs it: the same lowered rules and per-subject aggregates as every dialect,
/// assembled without what 18.16 lacks (docs/backends.md). Common table expressions become nested subqueries, each SELECT
/// has at most one JOIN (a chain of <c>ANY LEFT JOIN (...) USING USUBJID</c>, one aggregate per level), columns are
/// unqualified and unique (a qualified <c>t1.X</c> or <c>dm.X</c> of the lowering is renamed <c>X</c> or <c>dm__X</c>:
/// 18.16 resolves no table alias beside a join), First/Last are <c>ORDER BY USUBJID, &lt;the engine's order&gt; LIMIT 1 BY
/// USUBJID</c> instead of ROW_NUMBER, and the latest recorded determination is argMax over a tuple. The query ends with
/// <c>SETTINGS join_use_nulls = 1</c> (an unmatched LEFT JOIN row reads NULL, not 0 or '') and
/// <c>distributed_product_mode = 'local'</c>: over Distributed tables each shard joins its own part (the data are
/// split by USUBJID and every join is on USUBJID), and the per-subject aggregates are computed on the shards.
/// </summary>
internal static class ClickHouseQuery
{
    /// <summary>The settings every ClickHouse screening query runs with (part of the query text, so what is printed is what runs).</summary>
    public const string Settings = "SETTINGS join_use_nulls = 1, distributed_product_mode = 'local'";

    // A string literal (copied as is: a protocol's text is never a reference) or a reference the lowering wrote to a record
    // (t1.`X`), the subject's DM row (dm.`X`) or an aggregate's column (pe_a1.PE_V).
    private static readonly Regex Reference = new(@"(?<lit>'(?:[^'\\]|\\.|'')*')|(?<![\w.`""])(?<alias>t\d+|dm|pe_a\d+)\.(?<col>`(?:[^`]|``)*`|PE_\w+)",
        RegexOptions.CultureInvariant);

    public static string Assemble(SqlSyntax sql, SqlLowering lowering, SqlCatalog catalog, List<SqlCriterion> criteria, List<string?> rules, CompiledProtocol protocol, IReadOnlyList<SqlEvidencePlan?> evidence, StringBuilder b)
    {
        string Q(string name) => sql.Quote(name);
        string N(int value) => value.ToString(CultureInfo.InvariantCulture);
        const string U = SqlLowering.SubjectColumn, Row = SqlLowering.RowColumn;
        var byName = lowering.Aggregates.ToDictionary(a => a.Name, StringComparer.Ordinal);

        // The DM variables read anywhere (rules, filters, sort keys): the subject's DM row carries exactly those.
        var dmColumns = new SortedSet<string>(StringComparer.Ordinal);
        string Flat(string text, string? record) => Reference.Replace(text, m =>
        {
            if (m.Groups["lit"].Success) return m.Value;
            string alias = m.Groups["alias"].Value, col = m.Groups["col"].Value;
            string name = col.StartsWith('`') ? col[1..^1].Replace("``", "`", StringComparison.Ordinal) : col;
            if (alias == record) return Q(name);
            if (alias == SqlLowering.DemographicsAlias) dmColumns.Add(name);
            return Q(alias + "__" + name);
        });

        // Each aggregate as a subquery of one row per subject (USUBJID) with its columns named pe_aN__*, in dependency order.
        var aggregateText = new Dictionary<string, string>(StringComparer.Ordinal);
        var aggregateColumns = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        // The evidence's texts over the rules' row (a record read, a piece's guard) read the aggregates the rules read, and
        // a picked record's row and --SEQ: every aggregate either reads is computed.
        var evidenceReads = new List<string>();
        for (int j = 0; j < criteria.Count; j++)
            foreach (var segment in evidence[j]?.Segments ?? [])
            {
                if (segment is RecordReadEvidence read) evidenceReads.Add(SqlEvidencePlan.WriteRead(sql, read));
                else if (SqlEvidencePlan.Condition(segment) is { } condition) evidenceReads.Add(condition);
            }
        var ruleTexts = rules.OfType<string>().Concat(evidenceReads).ToList();
        var pending = new Stack<string>(ruleTexts.SelectMany(SqlAggregate.References).Where(byName.ContainsKey));
        while (pending.TryPop(out var name))
            if (used.Add(name))
                foreach (var d in byName[name].Dependencies.Where(byName.ContainsKey)) pending.Push(d);
        var flatRules = rules.Select(r => r is null ? null : Flat(r, null)).ToList();
        var ev = Evidence(sql, catalog, criteria, evidence, Flat);
        // Every DM variable a filter or sort key reads, before any subquery carrying the DM row is written.
        foreach (var a in lowering.Aggregates.Where(a => used.Contains(a.Name)))
        {
            if (a.Rel.Where is { } w) Flat(w, a.Rel.Name);
            if (a.Kind == AggregateKind.Pick) Flat(lowering.Order(a.Rel, a.Last), a.Rel.Name);
        }
        foreach (var a in lowering.Aggregates.Where(a => used.Contains(a.Name)))
        {
            var rel = a.Rel;
            string? where = rel.Where is null ? null : Flat(rel.Where, rel.Name);
            var from = new StringBuilder(sql.Table(rel.Domain));
            var deps = a.Dependencies.Where(d => d != SqlLowering.DemographicsAlias).ToList();
            bool readsDm = a.Dependencies.Contains(SqlLowering.DemographicsAlias);
            if (readsDm || deps.Count > 0)
                // The subjects' DM rows and the aggregates the filter reads: records of subjects outside PE_SUBJECT are dropped
                // when DM is read (an inner join, as the other dialects write it), kept with NULLs otherwise.
                from.Append(readsDm ? " ALL INNER JOIN (" : " ALL LEFT JOIN (").Append(Chain(readsDm, deps, [U])).Append(") USING ").Append(Q(U));
            string found = where is null ? "1" : $"CASE WHEN {where} = 2 THEN 1 ELSE 0 END";
            string undecided = where is null ? "0" : $"CASE WHEN {where} = 1 THEN 1 ELSE 0 END";
            string v = Q(a.Name + "__PE_V");
            var columns = new List<string>();
            switch (a.Kind)
            {
                case AggregateKind.Exists:
                    aggregateText[a.Name] = $"SELECT {Q(U)}, CASE WHEN max({found}) = 1 THEN 2 WHEN max({undecided}) = 1 THEN 1 ELSE 0 END AS {v} FROM {from} GROUP BY {Q(U)}";
                    columns.Add(v);
                    break;
                case AggregateKind.Count:
                    aggregateText[a.Name] = $"SELECT {Q(U)}, CASE WHEN max({undecided}) = 1 THEN NULL ELSE sum({found}) END AS {v} FROM {from} GROUP BY {Q(U)}";
                    columns.Add(v);
                    break;
                default:
                    {
                        // The first record in the engine's order: all of a subject's records are on one shard, so LIMIT BY is exact
                        // whether a shard or the initiator applies it.
                        columns.Add(Q(a.Name + "__PE_U"));
                        var picked = new StringBuilder($"{Q(U)} AS {Q(a.Name + "__PE_U")}");
                        for (int i = 0; i < a.Columns.Count; i++)
                        {
                            string c = Q($"{a.Name}__PE_C{N(i)}");
                            picked.Append(", ").Append(Q(a.Columns[i])).Append(" AS ").Append(c);
                            columns.Add(c);
                        }
                        string order = Flat(lowering.Order(rel, a.Last), rel.Name);
                        aggregateText[a.Name] = $"SELECT {Q(U)}, {picked} FROM {from}{(where is null ? "" : $" WHERE {where} = 2")} ORDER BY {Q(U)}, {order} LIMIT 1 BY {Q(U)}";
                        break;
                    }
            }
            aggregateColumns[a.Name] = columns;
        }

        // The subjects (USUBJID, PE_ROW), their DM rows and the aggregates named, one join per level.
        string Chain(bool withDm, IEnumerable<string> aggregates, IReadOnlyList<string> keep)
        {
            var cols = new List<string> { Q(U), Q(Row) };
            string level = $"SELECT {Q(U)}, {Q(Row)}, ifNull({Q("DM_ROW")}, -1) AS PE_DMR FROM {sql.Table(SqlScreeningQuery.SubjectTable)}";
            if (withDm && catalog.HasTable("DM"))
            {
                var dm = new List<string> { Q("dm__" + Row) };
                var read = new StringBuilder($"{Q(U)}, {Q(Row)} AS PE_DMR, {Q(Row)} AS {Q("dm__" + Row)}");
                foreach (var c in dmColumns.Where(c => c != Row))
                {
                    read.Append(", ").Append(Q(c)).Append(" AS ").Append(Q("dm__" + c));
                    dm.Add(Q("dm__" + c));
                }
                level = $"SELECT {string.Join(", ", cols.Concat(dm))} FROM ({level})\n    ANY LEFT JOIN (SELECT {read} FROM {sql.Table("DM")}) USING ({Q(U)}, PE_DMR)";
                cols.AddRange(dm);
            }
            foreach (var name in aggregates)
            {
                var added = aggregateColumns[name];
                level = $"SELECT {string.Join(", ", cols.Concat(added))} FROM ({level})\n    ANY LEFT JOIN ({aggregateText[name]}) USING {Q(U)}";
                cols.AddRange(added);
            }
            return keep.Count == 1 ? $"SELECT {Q(U)}, {string.Join(", ", cols.Skip(2).DefaultIfEmpty("1 AS PE_ONE"))} FROM ({level})" : level;
        }

        bool hasIe = catalog.HasTable("IE") && catalog.HasColumn("IE", U) && catalog.HasColumn("IE", "IETESTCD") && criteria.Any(c => c.IsPushedDown);
        var referenced = ruleTexts.SelectMany(SqlAggregate.References).Where(byName.ContainsKey).Distinct(StringComparer.Ordinal)
            .OrderBy(n => lowering.Aggregates.ToList().IndexOf(byName[n])).ToList();
        string subjects = Chain(catalog.HasTable("DM"), referenced, [U, Row]);

        var level = new StringBuilder();
        level.Append("SELECT ").Append(Q(U)).Append(", ").Append(Q(Row));
        for (int j = 0; j < criteria.Count; j++) level.Append(",\n    ").Append(flatRules[j] ?? "0").Append(" AS V").Append(N(j));
        foreach (var (name, text) in ev.RuleColumns) level.Append(",\n    ").Append(text).Append(" AS ").Append(name);
        // The evidence's columns of the rules' row (records read, the pieces' guards), carried through every level.
        string carried = string.Concat(ev.RuleColumns.Select(c => ", " + c.Name));
        level.Append("\n  FROM (").Append(subjects).Append(')');
        string current = level.ToString();

        // Rule outcomes and recorded determinations (IE: the latest per subject and criterion with a result Y or N).
        var o = new StringBuilder("SELECT ").Append(Q(U)).Append(", ").Append(Q(Row));
        for (int j = 0; j < criteria.Count; j++)
        {
            var c = criteria[j];
            string rule = !c.IsPushedDown ? N((int)CriterionOutcome.NotEvaluated)
                : c.Criterion.Rule is null ? N((int)CriterionOutcome.Attested)
                : $"CASE V{N(j)} WHEN 2 THEN {N((int)CriterionOutcome.Met)} WHEN 0 THEN {N((int)CriterionOutcome.NotMet)} ELSE {N((int)CriterionOutcome.Unknown)} END";
            o.Append(",\n    ").Append(rule).Append(" AS RULE").Append(N(j));
            o.Append(",\n    ").Append(hasIe && c.IsPushedDown ? $"DET{N(j)}" : "CAST(NULL AS Nullable(UInt8))").Append(" AS OD").Append(N(j));
        }
        o.Append(carried);
        o.Append("\n  FROM (").Append(current).Append(')');
        if (hasIe)
        {
            string Col(string name, string otherwise) => catalog.HasColumn("IE", name) ? Q(name) : otherwise;
            string stresc = Col("IESTRESC", "CAST(NULL AS Nullable(String))"), orres = Col("IEORRES", "CAST(NULL AS Nullable(String))");
            // As the other dialects: IESTRESC when not empty, else IEORRES, spaces trimmed, upper case; latest by IEDTC (present
            // first, then text order), IESEQ, record.
            string result = $"upperUTF8(replaceRegexpAll(CASE WHEN lengthUTF8({stresc}) > 0 THEN {stresc} ELSE {orres} END, '^ +| +$', ''))";
            string dated = catalog.HasColumn("IE", "IEDTC") ? $"if(isNull({Q("IEDTC")}), 0, 1)" : "0";
            string date = catalog.HasColumn("IE", "IEDTC") ? $"ifNull({Q("IEDTC")}, '')" : "''";
            string seq = catalog.HasColumn("IE", "IESEQ") ? $"ifNull(toFloat64({Q("IESEQ")}), 0)" : "0";
            var ids = string.Join(", ", protocol.Criteria.Select(c => sql.Text(c.Id)));
            string all = $"SELECT {Q(U)}, {Q("IETESTCD")} AS IE_C, {result} AS IE_R0, {dated} AS IE_DN, {date} AS IE_D, {seq} AS IE_Q, {Q(Row)} AS IE_W " +
                         $"FROM {sql.Table("IE")} WHERE {Q("IETESTCD")} IN ({ids})";
            string latest = $"SELECT {Q(U)}, IE_C, argMax(IE_R0, tuple(IE_DN, IE_D, IE_Q, IE_W)) AS IE_R FROM ({all}) WHERE IE_R0 IN ('Y', 'N') GROUP BY {Q(U)}, IE_C";
            var det = new StringBuilder($"SELECT {Q(U)}");
            for (int j = 0; j < criteria.Count; j++)
                if (criteria[j].IsPushedDown)
                    det.Append($",\n      max(CASE WHEN IE_C = {sql.Text(criteria[j].Criterion.Id)} THEN (CASE IE_R WHEN 'Y' THEN {N((int)CriterionOutcome.Met)} ELSE {N((int)CriterionOutcome.NotMet)} END) END) AS DET{N(j)}");
            det.Append($"\n    FROM ({latest}) GROUP BY {Q(U)}");
            o.Append("\n  ANY LEFT JOIN (").Append(det).Append(") USING ").Append(Q(U));
        }
        current = o.ToString();

        // The outcome: a determination decides what the rule could not, agrees, or contradicts it (Unknown: a discrepancy).
        var d2 = new StringBuilder("SELECT ").Append(Q(U)).Append(", ").Append(Q(Row));
        for (int j = 0; j < criteria.Count; j++)
        {
            string r = "RULE" + N(j), dd = "OD" + N(j);
            d2.Append(",\n    ").Append(r).Append(" AS R").Append(N(j))
              .Append($", CASE WHEN {dd} IS NULL THEN {r} WHEN {r} IN ({N((int)CriterionOutcome.Unknown)}, {N((int)CriterionOutcome.Attested)}) THEN {dd} WHEN {r} = {dd} THEN {r} ELSE {N((int)CriterionOutcome.Unknown)} END AS OUT{N(j)}");
        }
        d2.Append(carried).Append("\n  FROM (").Append(current).Append(')');
        current = d2.ToString();

        // The flags the status rule reads, from the evaluator's own tables of failing and passing outcomes per kind.
        var outcomes = new[] { CriterionOutcome.Met, CriterionOutcome.NotMet, CriterionOutcome.Unknown, CriterionOutcome.Attested };
        string InList(IEnumerable<CriterionOutcome> list) => string.Join(", ", list.Select(x => N((int)x)).DefaultIfEmpty("-1"));
        var f = new StringBuilder("SELECT ").Append(Q(U)).Append(", ").Append(Q(Row));
        for (int j = 0; j < criteria.Count; j++) f.Append(", R").Append(N(j)).Append(", OUT").Append(N(j));
        f.Append(",\n    ").Append(string.Join("\n      + ", criteria.Select((c, j) =>
            $"CASE WHEN R{N(j)} IN ({N((int)CriterionOutcome.Met)}, {N((int)CriterionOutcome.NotMet)}) AND OUT{N(j)} = {N((int)CriterionOutcome.Unknown)} THEN 1 ELSE 0 END"))).Append(" AS FLAG_D");
        f.Append(",\n    ").Append(string.Join("\n      + ", criteria.Select((c, j) =>
            $"CASE WHEN OUT{N(j)} IN ({InList(outcomes.Where(x => EligibilityEvaluator.IsFailing(c.Criterion.Kind, x)))}) THEN 1 ELSE 0 END"))).Append(" AS FLAG_F");
        f.Append(",\n    ").Append(string.Join("\n      + ", criteria.Select((c, j) =>
            $"CASE WHEN OUT{N(j)} IN ({InList(outcomes.Where(x => !EligibilityEvaluator.IsFailing(c.Criterion.Kind, x) && !EligibilityEvaluator.IsPassing(c.Criterion.Kind, x)))}) THEN 1 ELSE 0 END"))).Append(" AS FLAG_U");
        f.Append(carried).Append("\n  FROM (").Append(current).Append(')');
        // The queries' evidence last, one join per domain, so its text is not copied through the levels above.
        var fColumns = new List<string> { Q(U), Q(Row) };
        for (int j = 0; j < criteria.Count; j++) fColumns.AddRange(["R" + N(j), "OUT" + N(j)]);
        fColumns.AddRange(["FLAG_D", "FLAG_F", "FLAG_U", .. ev.RuleColumns.Select(c => c.Name)]);
        foreach (var (text, added) in ev.Domains)
        {
            var joined = new StringBuilder("SELECT ").Append(string.Join(", ", fColumns.Concat(added)))
                .Append("\n  FROM (").Append(f).Append(")\n  ANY LEFT JOIN (").Append(text).Append(") USING ").Append(Q(U));
            fColumns.AddRange(added);
            f = joined;
        }

        b.Append("SELECT ").Append(Q(U)).Append(", ").Append(Q(Row));
        for (int j = 0; j < criteria.Count; j++)
        {
            var id = criteria[j].Criterion.Id;
            b.Append(",\n  R").Append(N(j)).Append(" AS ").Append(Q("RULE_" + id)).Append(", OUT").Append(N(j)).Append(" AS ").Append(Q("OUTCOME_" + id));
        }
        if (criteria.All(c => c.IsPushedDown))
        {
            // EligibilityEvaluator.DecideStatus written out as its table over the three flags.
            b.Append(",\n  CASE");
            foreach (bool d in new[] { true, false })
                foreach (bool fl in new[] { true, false })
                    foreach (bool u in new[] { true, false })
                        b.Append($"\n    WHEN FLAG_D {(d ? ">" : "=")} 0 AND FLAG_F {(fl ? ">" : "=")} 0 AND FLAG_U {(u ? ">" : "=")} 0 THEN {N((int)EligibilityEvaluator.DecideStatus(d, fl, u))}");
            b.Append("\n  END AS ").Append(Q("STATUS"));
        }
        foreach (var (name, text) in ev.Output) b.Append(",\n  ").Append(text).Append(" AS ").Append(name);
        b.Append("\nFROM (").Append(f).Append(")\nORDER BY ").Append(Q(Row)).Append('\n').AppendLine(Settings);
        return b.ToString();
    }

    /// <summary>
    /// The evidence's columns: those of the rules' level (a record read's text, a piece's guard: they read the subject's DM
    /// row and the aggregates), the per-domain subqueries of the queries' pieces joined after the outcomes, and the result's
    /// columns in <see cref="SqlScreeningQuery.EvidenceOutput"/>'s names and order. The pieces over one domain share one
    /// GROUP BY USUBJID over its Distributed table (one scan per domain, however many pieces read it): every shard aggregates
    /// its own subjects' records (all of a subject's records are on one shard) and the initiator merges the states, so no
    /// record is read twice or from another shard. Without ordered string aggregation or windows (18.16), each piece's
    /// records kept are collected as (PE_ROW, text) tuples with groupArrayIf, sorted by PE_ROW with arraySort and joined
    /// with arrayStringConcat; "up to the first that passes" is arrayFilter against minIf of the passing rows.
    /// </summary>
    private static (List<(string Name, string Text)> RuleColumns, List<(string Text, List<string> Columns)> Domains, List<(string Name, string Text)> Output) Evidence(
        SqlSyntax sql, SqlCatalog catalog, List<SqlCriterion> criteria, IReadOnlyList<SqlEvidencePlan?> evidence, Func<string, string?, string> flat)
    {
        string Q(string name) => sql.Quote(name);
        string N(int value) => value.ToString(CultureInfo.InvariantCulture);
        const string U = SqlLowering.SubjectColumn, Row = SqlLowering.RowColumn;
        var ruleColumns = new List<(string, string)>();
        var output = new List<(string, string)>();
        // Per domain: its pieces' aggregates and their text columns, each piece once however many criteria read it the same way.
        var domains = new Dictionary<string, (string Prefix, StringBuilder Inner, StringBuilder Outer, List<string> Columns, Dictionary<string, string> Pieces)>(StringComparer.Ordinal);
        string rs = SqlEvidencePlan.RecordSeparatorText(sql);
        // Records (PE_ROW, text) in record order, joined; NULL when there are none (a record's text is never empty).
        string Joined(string array) => $"nullIf(arrayStringConcat(arrayMap(pe_x -> pe_x.2, arraySort(pe_x -> pe_x.1, {array})), {rs}), '')";
        for (int j = 0; j < criteria.Count; j++)
            for (int n = 0; evidence[j] is { } plan && n < plan.Segments.Count; n++)
            {
                var (reads, searched) = SqlScreeningQuery.EvidenceColumns(criteria[j].Criterion.Id, n);
                var segment = plan.Segments[n];
                if (segment is RecordReadEvidence read)
                {
                    ruleColumns.Add((Q(reads), flat(SqlEvidencePlan.WriteRead(sql, read), null)));
                    output.Add((Q(reads), Q(reads)));
                    continue;
                }
                var q = (QueryEvidence)segment;
                string? guard = null;
                if (SqlEvidencePlan.Condition(q) is { } condition)
                {
                    guard = SqlEvidencePlan.GuardColumn(j, n) + " = 1";
                    ruleColumns.Add((SqlEvidencePlan.GuardColumn(j, n), $"CASE WHEN {flat(condition, null)} THEN 1 ELSE 0 END"));
                }
                if (q.Records.Missing)
                {
                    // A domain the database lacks: nothing to read, the columns are constant.
                    output.Add((Q(reads), sql.NullOf(ValueKind.Text)));
                    output.Add((Q(searched), guard is null ? "toInt64(0)" : $"CASE WHEN {guard} THEN toInt64(0) ELSE toInt64(-1) END"));
                    continue;
                }
                var r = q.Records;
                if (!domains.TryGetValue(r.Domain, out var domain))
                {
                    string prefix = $"pe_ed{N(domains.Count + 1)}";
                    domain = (prefix, new StringBuilder($"SELECT {Q(U)}, count() AS PE_EN"), new StringBuilder($"SELECT {Q(U)}, PE_EN AS {Q(prefix + "__EV_N")}"), [Q(prefix + "__EV_N")], new(StringComparer.Ordinal));
                    domains.Add(r.Domain, domain);
                }
                string w = r.Where is null ? "2" : flat(r.Where, r.Name);
                string text = flat(SqlEvidencePlan.RecordText(sql, catalog, r, q.FilterReads), r.Name);
                string? keyText = !r.Sort.IsEmpty && q.KeyReads.Count > 0 ? flat(SqlEvidencePlan.RecordText(sql, catalog, r, q.KeyReads), r.Name) : null;
                bool untilFirst = q.Scan == EvidenceScan.UntilFirst;
                string key = $"{w}|{text}|{keyText}|{untilFirst}";
                if (!domain.Pieces.TryGetValue(key, out var name))
                {
                    string i = N(domain.Pieces.Count + 1);
                    name = Q($"{domain.Prefix}_{i}__EV_T");
                    domain.Pieces.Add(key, name);
                    domain.Inner.Append($",\n      groupArrayIf(({Q(Row)}, assumeNotNull({text})), ({w}) <> 0) AS PE_EA{i}, countIf(({w}) = 2) AS PE_EP{i}, minIf({Q(Row)}, ({w}) = 2) AS PE_EF{i}");
                    domain.Inner.Append(", ").Append(Joined(untilFirst ? $"arrayFilter(pe_x -> PE_EP{i} = 0 OR pe_x.1 <= PE_EF{i}, PE_EA{i})" : $"PE_EA{i}")).Append($" AS PE_ET{i}");
                    string joined = $"PE_ET{i}";
                    if (keyText is not null)
                    {
                        // The native sort reads keys only when there is more than one record to sort.
                        domain.Inner.Append($", groupArrayIf(({Q(Row)}, assumeNotNull({keyText})), ({w}) = 2) AS PE_EKA{i}");
                        joined = $"multiIf(PE_EP{i} <= 1, PE_ET{i}, isNull(PE_ET{i}), {Joined($"PE_EKA{i}")}, concat(assumeNotNull(PE_ET{i}), {rs}, assumeNotNull({Joined($"PE_EKA{i}")})))";
                    }
                    domain.Outer.Append($", {joined} AS {name}");
                    domain.Columns.Add(name);
                }
                string count = $"toInt64(ifNull({domain.Columns[0]}, 0))";
                output.Add((Q(reads), guard is null ? name : $"CASE WHEN {guard} THEN {name} END"));
                output.Add((Q(searched), guard is null ? count : $"CASE WHEN {guard} THEN {count} ELSE toInt64(-1) END"));
            }
        var joins = domains.Select(d => ($"{d.Value.Outer} FROM ({d.Value.Inner} FROM {sql.Table(d.Key)} GROUP BY {Q(U)})", d.Value.Columns)).ToList();
        return (ruleColumns, joins, output);
    }
}
