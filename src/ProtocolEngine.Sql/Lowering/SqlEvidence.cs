using System.Globalization;
using System.Text;
using ProtocolEngine.Language.Lowering;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Sql.Lowering;

/// <summary>A variable a filter reads: of the record <paramref name="Alias"/>, its SQL <paramref name="Value"/>, read when every guard holds.</summary>
internal sealed record EvidenceRead(string Alias, string Variable, ValueKind Kind, string Value, IReadOnlyList<string> Guards);

/// <summary>The evidence of one exists a rule decides by: the records it searched and the variables its filter reads.</summary>
internal sealed record SqlExistsEvidence(RecordsSym Records, string Aggregate, IReadOnlyList<EvidenceRead> Reads);

/// <summary>
/// The evidence of a pushed-down criterion, as the native backend records it: for each exists, the search (the subject's
/// record count in the domain) and, for every record examined up to and including the first that passes and whose filter
/// did not reject it, the variables the filter read, each only where the native backend reads it (the right operand of
/// and/or only when the left did not decide). Written as two columns per exists (<c>EVIDENCE_id_n</c>: the reads as
/// text, <c>SEARCHED_id_n</c>: the count) and read back into <see cref="EvidenceItem"/>s.
/// </summary>
internal sealed record SqlEvidencePlan(IReadOnlyList<SqlExistsEvidence> Exists)
{
    // Record and field separators: control characters. A value holding one (or the escape character) is escaped by the
    // query (Escaped) and unescaped here (Unescape), so hostile text cannot split a record or shift a field.
    private const char RecordSeparator = '\u001e', FieldSeparator = '\u001f', Escape = '\u0010';

    /// <summary>The common table expression of the <paramref name="n"/>th exists: per subject the count and the reads.</summary>
    public string Write(SqlSyntax sql, SqlCatalog catalog, string name, int n)
    {
        var e = Exists[n];
        var r = e.Records;
        string Q(string c) => sql.Quote(c);
        string text = sql.TypeName(ValueKind.Text);
        string Str(string x) => $"CAST({x} AS {text})";
        string w = r.Where ?? "2";
        string seq = catalog.HasColumn(r.Domain, r.Domain + "SEQ") ? $"COALESCE({Str($"{r.Name}.{Q(r.Domain + "SEQ")}")}, '')" : "''";
        var fields = new StringBuilder($"{Str($"{r.Name}.{Q(SqlLowering.RowColumn)}")} || chr(31) || {seq}");
        foreach (var read in e.Reads)
        {
            string value = $"COALESCE('V' || {Escaped(Str(read.Value))}, 'N')";
            string item = $"chr(31) || {sql.Text(read.Variable)} || chr(31) || {value}";
            fields.Append(" || ").Append(read.Guards.Count == 0 ? item : $"(CASE WHEN {string.Join(" AND ", read.Guards.Select(g => $"({g})"))} THEN {item} ELSE '' END)");
        }
        string subject = $"{r.Name}.{Q(SqlLowering.SubjectColumn)}", row = $"{r.Name}.{Q(SqlLowering.RowColumn)}";
        return $"{name} AS (SELECT EV_U, COUNT(*) AS EV_N, STRING_AGG(CASE WHEN EV_W <> 0 AND (EV_F IS NULL OR EV_R <= EV_F) THEN EV_T END, chr(30) ORDER BY EV_R) AS EV_T FROM (" +
               $"SELECT {subject} AS EV_U, {row} AS EV_R, {w} AS EV_W, MIN(CASE WHEN {w} = 2 THEN {row} END) OVER (PARTITION BY {subject}) AS EV_F, {fields} AS EV_T " +
               $"FROM {sql.Table(r.Domain)} {r.Name}) {name}_r GROUP BY EV_U)";
    }

    // The escape character first, so that the escapes the separators become are not escaped again.
    internal static string Escaped(string text) =>
        $"replace(replace(replace({text}, chr(16), chr(16) || '0'), chr(30), chr(16) || '1'), chr(31), chr(16) || '2')";

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

    /// <summary>The evidence items of one subject from the exists' columns, as the native recorder keeps them (each read once, at most <paramref name="capacity"/>).</summary>
    public List<EvidenceItem> Read(string subject, IReadOnlyList<(string? Reads, long Searched)> columns, int capacity = 200)
    {
        var items = new List<EvidenceItem>();
        var seen = new HashSet<(string, int, string?, EvidenceKind)>();
        void Add(EvidenceItem item)
        {
            if (seen.Add((item.Domain, item.Row, item.Variable, item.Kind)) && items.Count < capacity) items.Add(item);
        }
        for (int n = 0; n < Exists.Count; n++)
        {
            var e = Exists[n];
            if (e.Records.Missing)
            {
                // The domain is missing, and its (no) records searched. (Natively a subject's first criterion to read the
                // domain notes it missing, the later ones only search: docs/backends.md.)
                Add(new EvidenceItem(EvidenceKind.DomainMissing, e.Records.Domain, null, null, null, null));
                Add(new EvidenceItem(EvidenceKind.Searched, e.Records.Domain, null, null, null, 0));
                continue;
            }
            var (reads, searched) = columns[n];
            Add(new EvidenceItem(EvidenceKind.Searched, e.Records.Domain, null, null, null, (int)searched));
            if (reads is null) continue;
            var kinds = e.Reads.GroupBy(x => x.Variable).ToDictionary(g => g.Key, g => g.First().Kind, StringComparer.Ordinal);
            foreach (var record in reads.Split(RecordSeparator))
            {
                var f = record.Split(FieldSeparator);
                int row = int.Parse(f[0], CultureInfo.InvariantCulture);
                double? sequence = f[1].Length == 0 ? null : double.Parse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture);
                for (int i = 2; i + 1 < f.Length; i += 2)
                {
                    var variable = f[i];
                    object? value = f[i + 1] == "N" ? null : Value(Unescape(f[i + 1][1..]), kinds[variable]);
                    Add(new EvidenceItem(EvidenceKind.Value, e.Records.Domain, subject, sequence, variable, value, row));
                }
            }
        }
        return items;
    }

    // As the native backend reads it: Num as decimal (trailing zeros of the database's scale dropped), whole numbers as int.
    private static object? Value(string text, ValueKind kind) => kind switch
    {
        ValueKind.Num => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) / 1.000000000000000000000000000000000m,
        ValueKind.Int => (int?)(decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d) && d >= int.MinValue && d <= int.MaxValue ? (int)d : null),
        _ => text,
    };
}
