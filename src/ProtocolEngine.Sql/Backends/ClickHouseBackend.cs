using System.Data;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Sql.Loading;
using ProtocolEngine.Sql.Lowering;

namespace ProtocolEngine.Sql.Backends;

/// <summary>
/// Screens on a ClickHouse cluster: <see cref="Load"/> writes each dataset as a MergeTree table on every shard
/// (<c>T_local</c>, the records split by USUBJID, so a subject's records are all on one shard) with a Distributed table
/// <c>T</c> over them on every shard; <see cref="Screen"/> runs the protocol's one query over the Distributed tables, so
/// every shard computes its subjects' aggregates and joins (docs/backends.md).
/// </summary>
public static class ClickHouseBackend
{
    /// <summary>The suffix of a dataset's table on each shard (the Distributed table has the dataset's name).</summary>
    public const string LocalSuffix = "_local";

    private const int RowsPerInsert = 100_000;

    /// <summary>
    /// Writes every dataset of the study (and PE_SUBJECT) into the database on every shard, replacing tables of the same names.
    /// The rows go to staging tables first; only when every shard holds all of them are they renamed into place (table by
    /// table: ClickHouse has no transactions), and on failure the staging tables are dropped, so a failed load leaves the
    /// tables as they were.
    /// </summary>
    /// <returns>The tables written with their record counts per shard.</returns>
    /// <exception cref="ClickHouseException">A shard refused a statement or cannot be reached (nothing was replaced).</exception>
    public static IReadOnlyList<(string Table, int[] RowsPerShard)> Load(ClickHouseCluster cluster, StudyData study, IDataModel model, string? database = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(model);
        database ??= cluster.Database;
        var sql = new SqlSyntax(SqlDialect.ClickHouse, null);
        string Name(string table) => sql.Quote(database) + "." + sql.Quote(table);
        var token = "_pe_load_" + Guid.NewGuid().ToString("N")[..12];
        var tables = StudyTables.Of(study, model);
        var staged = new List<(int Shard, string Table)>();
        var written = new List<(string, int[])>();
        try
        {
            foreach (var table in tables)
            {
                bool bySubject = table.Columns.Any(c => c.Name == SqlLowering.SubjectColumn);
                string columns = string.Join(", ", table.Columns.Select(c => $"{sql.Quote(c.Name)} {TypeOf(sql, c)}"));
                string order = bySubject ? $"({sql.Quote(SqlLowering.SubjectColumn)}, {sql.Quote(SqlScreeningQuery.RowColumn)})" : sql.Quote(SqlScreeningQuery.RowColumn);
                for (int s = 0; s < cluster.Shards.Count; s++)
                {
                    if (table == tables[0]) cluster.ExecuteOn(s, $"CREATE DATABASE IF NOT EXISTS {sql.Quote(database)}");
                    staged.Add((s, table.Name + token));
                    cluster.ExecuteOn(s, $"CREATE TABLE {Name(table.Name + token)} ({columns}) ENGINE = MergeTree ORDER BY {order}");
                }
                var subject = table.Columns.FirstOrDefault(c => c.Name == SqlLowering.SubjectColumn);
                var rows = new List<int>[cluster.Shards.Count];
                for (int s = 0; s < rows.Length; s++) rows[s] = [];
                // Records without a subject (trial-level domains) all go to the first shard.
                for (int row = 0; row < table.RowCount; row++)
                    rows[subject is null ? 0 : ShardOf(subject.Value(row) as string, rows.Length)].Add(row);
                for (int s = 0; s < rows.Length; s++)
                    for (int start = 0; start < rows[s].Count; start += RowsPerInsert)
                    {
                        var body = Tsv(table, rows[s], start, Math.Min(rows[s].Count, start + RowsPerInsert));
                        using var content = new ByteArrayContent(body);
                        content.Headers.ContentType = new MediaTypeHeaderValue("text/tab-separated-values");
                        cluster.ExecuteOn(s, $"INSERT INTO {Name(table.Name + token)} FORMAT TabSeparated", content);
                    }
                written.Add((table.Name, rows.Select(r => r.Count).ToArray()));
            }
        }
        catch (ClickHouseException ex)
        {
            foreach (var (shard, table) in staged) TryExecute(cluster, shard, $"DROP TABLE IF EXISTS {Name(table)}");
            throw new ClickHouseException($"{ex.Message} (nothing was replaced: the staging tables were dropped)", ex);
        }
        catch
        {
            foreach (var (shard, table) in staged) TryExecute(cluster, shard, $"DROP TABLE IF EXISTS {Name(table)}");
            throw;
        }
        // Every shard holds every row: swap the staging tables in, and a Distributed table over each.
        for (int s = 0; s < cluster.Shards.Count; s++)
            foreach (var table in tables)
                try
                {
                    Swap(cluster, s, table.Name, token, database, sql);
                }
                catch (ClickHouseException ex)
                {
                    throw new ClickHouseException($"{ex.Message} (every shard held the new rows, but renaming them into place failed at {table.Name} on shard {s + 1}: " +
                        $"tables before it hold the new study, {table.Name} and those after it may still hold the previous load or staging tables named *{token}; load again)", ex);
                }
        return written;
    }

    /// <summary>Puts one table's staging table in place on one shard, with a Distributed table over it.</summary>
    private static void Swap(ClickHouseCluster cluster, int shard, string table, string token, string database, SqlSyntax sql)
    {
        string Name(string name) => sql.Quote(database) + "." + sql.Quote(name);
        string local = table + LocalSuffix, old = table + token + "_old";
        cluster.ExecuteOn(shard, $"DROP TABLE IF EXISTS {Name(table)}");
        if (cluster.ExecuteOn(shard, $"EXISTS TABLE {Name(local)}").Trim() == "1") cluster.ExecuteOn(shard, $"RENAME TABLE {Name(local)} TO {Name(old)}");
        cluster.ExecuteOn(shard, $"RENAME TABLE {Name(table + token)} TO {Name(local)}");
        cluster.ExecuteOn(shard, $"CREATE TABLE {Name(table)} AS {Name(local)} ENGINE = Distributed({sql.Quote(cluster.Cluster)}, {sql.Quote(database)}, {sql.Quote(local)})");
        cluster.ExecuteOn(shard, $"DROP TABLE IF EXISTS {Name(old)}");
    }

    /// <summary>The tables (the Distributed ones: what a query reads) and columns of a database (the cluster's when null).</summary>
    /// <exception cref="ClickHouseException">The server refused the query or cannot be reached.</exception>
    public static SqlCatalog Catalog(ClickHouseCluster cluster, string? database = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var sql = new SqlSyntax(SqlDialect.ClickHouse, null);
        var db = sql.Text(database ?? cluster.Database);
        var text = cluster.Execute($"SELECT table, name FROM system.columns WHERE database = {db} AND table IN (SELECT name FROM system.tables WHERE database = {db} AND engine = 'Distributed')");
        return SqlCatalog.Of(ReadTsv(text).Select(r => (r[0] ?? "", r[1] ?? "")));
    }

    /// <summary>How many rows each shard holds of a loaded table (its <c>T_local</c>).</summary>
    /// <exception cref="ClickHouseException">A shard refused the query or cannot be reached.</exception>
    public static IReadOnlyList<long> RowsPerShard(ClickHouseCluster cluster, string table, string? database = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(table);
        var sql = new SqlSyntax(SqlDialect.ClickHouse, null);
        return [.. Enumerable.Range(0, cluster.Shards.Count).Select(s => long.Parse(
            cluster.ExecuteOn(s, $"SELECT count() FROM {sql.Quote(database ?? cluster.Database)}.{sql.Quote(table + LocalSuffix)}").Trim(), CultureInfo.InvariantCulture))];
    }

    /// <summary>Runs the protocol's query over the Distributed tables of a database (the cluster's when the options name none).</summary>
    /// <exception cref="ArgumentException">The protocol has errors or no criteria.</exception>
    /// <exception cref="InvalidOperationException">The database has no PE_SUBJECT table: the study was not loaded.</exception>
    /// <exception cref="ClickHouseException">The server refused the query or cannot be reached.</exception>
    public static SqlScreeningOutcomes Screen(ClickHouseCluster cluster, CompiledProtocol protocol, SqlQueryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(protocol);
        options ??= new SqlQueryOptions();
        var database = options.Schema ?? cluster.Database;
        var catalog = Catalog(cluster, database);
        if (!catalog.HasTable(SqlScreeningQuery.SubjectTable))
            throw new InvalidOperationException($"The ClickHouse database {database} has no {SqlScreeningQuery.SubjectTable} table: load the study first (protocol data load DATA --ch-env NAME).");
        var query = SqlScreeningQuery.Generate(protocol, SqlDialect.ClickHouse, catalog, options with { Schema = database });
        var clock = Stopwatch.StartNew();
        var text = cluster.Execute(query.Text);
        var elapsed = clock.Elapsed;
        using var table = new DataTable();
        table.Locale = CultureInfo.InvariantCulture;
        table.Columns.Add(SqlLowering.SubjectColumn, typeof(string));
        table.Columns.Add(SqlScreeningQuery.RowColumn, typeof(string));
        foreach (var c in query.Criteria)
        {
            table.Columns.Add("RULE_" + c.Criterion.Id, typeof(string));
            table.Columns.Add("OUTCOME_" + c.Criterion.Id, typeof(string));
        }
        if (query.IsComplete) table.Columns.Add("STATUS", typeof(string));
        foreach (var name in query.EvidenceOutput()) table.Columns.Add(name, typeof(string));
        foreach (var row in ReadTsv(text))
        {
            if (row.Length != table.Columns.Count)
                throw new InvalidDataException($"ClickHouse returned a row of {row.Length} columns; the query has {table.Columns.Count}.");
            table.Rows.Add([.. row.Select(v => (object?)v ?? DBNull.Value)]);
        }
        using var reader = table.CreateDataReader();
        return SqlScreeningOutcomes.Read(query, reader, elapsed);
    }

    /// <summary>The shard of a subject: FNV-1a of its UTF-8 bytes (stable across runs and machines).</summary>
    internal static int ShardOf(string? subject, int shards)
    {
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(subject ?? ""))
        {
            hash ^= b;
            hash *= 16777619;
        }
        return (int)(hash % (uint)shards);
    }

    private static string TypeOf(SqlSyntax sql, LoadColumn column) =>
        // The sort key of a MergeTree cannot be Nullable in 18.16: USUBJID and PE_ROW are never null (a missing USUBJID is '').
        column.Name == SqlLowering.SubjectColumn ? "String" : column.Name == SqlScreeningQuery.RowColumn ? "Int64" : sql.TypeName(column.Kind);

    private static byte[] Tsv(LoadTable table, List<int> rows, int start, int end)
    {
        var b = new StringBuilder();
        for (int i = start; i < end; i++)
        {
            int row = rows[i];
            for (int c = 0; c < table.Columns.Count; c++)
            {
                if (c > 0) b.Append('\t');
                var column = table.Columns[c];
                switch (column.Value(row))
                {
                    case null:
                        if (column.Name != SqlLowering.SubjectColumn) b.Append("\\N");
                        break;
                    case string s: Escape(b, s); break;
                    case long l: b.Append(l.ToString(CultureInfo.InvariantCulture)); break;
                    // Decimal(38, 12), as the other databases' DECIMAL(38, 12): ClickHouse refuses more digits rather than rounding.
                    case decimal d: b.Append(Math.Round(d, 12, MidpointRounding.ToEven).ToString(CultureInfo.InvariantCulture)); break;
                    case var other: throw new InvalidOperationException($"Unexpected value {other} in {table.Name}.{column.Name}.");
                }
            }
            b.Append('\n');
        }
        return Encoding.UTF8.GetBytes(b.ToString());
    }

    private static void Escape(StringBuilder b, string s)
    {
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '\\': b.Append("\\\\"); break;
                case '\t': b.Append("\\t"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\0': b.Append("\\0"); break;
                default: b.Append(ch); break;
            }
        }
    }

    /// <summary>TabSeparated rows: \N is null, backslash escapes undone.</summary>
    internal static IEnumerable<string?[]> ReadTsv(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            yield return [.. line.Split('\t').Select(Unescape)];
        }
    }

    private static string? Unescape(string field)
    {
        if (field == "\\N") return null;
        if (!field.Contains('\\', StringComparison.Ordinal)) return field;
        var b = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] != '\\' || i + 1 == field.Length)
            {
                b.Append(field[i]);
                continue;
            }
            char next = field[++i];
            b.Append(next switch { 't' => '\t', 'n' => '\n', 'r' => '\r', '0' => '\0', 'b' => '\b', 'f' => '\f', _ => next });
        }
        return b.ToString();
    }

    private static void TryExecute(ClickHouseCluster cluster, int shard, string statement)
    {
        try
        {
            cluster.ExecuteOn(shard, statement);
        }
        catch (ClickHouseException)
        {
            // Cleaning up after a failure that is being reported: an unreachable shard keeps its staging table, named _pe_load_*.
        }
    }
}
