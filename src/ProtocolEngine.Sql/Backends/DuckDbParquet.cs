using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Lowering;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Sql.Loading;

namespace ProtocolEngine.Sql.Backends;

/// <summary>
/// A folder of Parquet datasets (what <c>protocol data convert --to parquet</c> writes) opened in place in DuckDB: one view
/// per dataset over <c>read_parquet</c>, named by the dataset and typed exactly as <see cref="DuckDbBackend.Load"/> types
/// the loaded study (the same model types; "" read as null; numbers to 15 significant digits; dates as canonical ISO text,
/// null when malformed; PE_ROW ordering a subject's records as the engine does), and PE_SUBJECT from DM; the study is
/// never loaded into .NET.
/// </summary>
public sealed class ParquetTables
{
    private readonly Dictionary<string, List<string>> _columns;
    private readonly Dictionary<string, string> _files;

    private ParquetTables(string folder, SqlCatalog catalog, SqlCatalog withSupplements, IReadOnlyList<string> tables, IReadOnlyList<string> notInPlace, Dictionary<string, List<string>> columns, Dictionary<string, string> files)
    {
        _columns = columns;
        _files = files;
        Folder = folder;
        Catalog = catalog;
        CatalogWithSupplements = withSupplements;
        Tables = tables;
        NotInPlace = notInPlace;
    }

    /// <summary>The folder read.</summary>
    public string Folder { get; }

    /// <summary>The tables and columns of the views.</summary>
    public SqlCatalog Catalog { get; }

    /// <summary>The catalog with the variables the native loader would merge in from SUPP-- datasets (QNAM) and split datasets.</summary>
    internal SqlCatalog CatalogWithSupplements { get; }

    /// <summary>The views created (the datasets, and PE_SUBJECT).</summary>
    public IReadOnlyList<string> Tables { get; }

    /// <summary>Domains that the native loader completes from other datasets (split datasets): a query reading them cannot run in place.</summary>
    public IReadOnlyList<string> NotInPlace { get; }

    /// <summary>
    /// Why the query cannot run over the files in place (it reads a supplemental qualifier or a split domain the native
    /// loader would have merged), or null when it can.
    /// </summary>
    public string? WhyNotInPlace(CompiledProtocol protocol, SqlQueryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        var query = SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, Catalog, options);
        var split = query.DomainsRead.Where(d => NotInPlace.Contains(d, StringComparer.OrdinalIgnoreCase)).ToList();
        if (split.Count > 0) return $"the protocol reads {string.Join(", ", split)}, which the folder holds as split datasets the loader joins";
        var supplemented = SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, CatalogWithSupplements, options);
        return supplemented.Text == query.Text ? null : "the protocol reads a supplemental qualifier (SUPP--) that the loader merges into its domain";
    }

    /// <summary>
    /// Creates the views over the folder's Parquet files in an open DuckDB connection.
    /// </summary>
    /// <param name="connection">An open DuckDB connection.</param>
    /// <param name="folder">The folder of Parquet datasets (<c>protocol data convert DATA --to parquet</c>).</param>
    /// <param name="model">The data model that types the variables.</param>
    /// <param name="allowMalformedDates">Reads a date that is not ISO 8601 as missing (Unknown), as the loader's <c>AllowMalformedDates</c> does; otherwise it is an error, as when loading.</param>
    /// <exception cref="InvalidDataException">A file cannot be read as Parquet, has a column of an unsupported type, breaks what the loader requires (a record of a subject-level dataset without USUBJID, a USUBJID twice in DM, a malformed date), or the folder has no DM dataset; the message names the file and record.</exception>
    public static ParquetTables Open(DuckDBConnection connection, string folder, IDataModel model, bool allowMalformedDates = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(model);
        if (!Directory.Exists(folder)) throw new InvalidDataException($"{folder}: no such folder of Parquet datasets.");
        var files = Directory.EnumerateFiles(folder, "*.parquet").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidDataException($"{folder}: no .parquet files (write them with protocol data convert DATA --to parquet --out {folder}).");
        RegisterFunctions(connection);
        var syntax = new SqlSyntax(SqlDialect.DuckDb, null);
        var columns = new List<(string, string)>();
        var supplements = new List<(string, string)>();
        var tables = new List<string>();
        var notInPlace = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? dmFile = null;
        (string Name, string? FirstDate, bool HasSeq, bool HasSubject)? dm = null;
        foreach (var file in files)
        {
            var source = Source(file);
            var (described, kinds) = Describe(connection, file, source);
            var ordered = Schema(connection, file, source);
            var physical = ordered.ToDictionary(c => c.Key, c => c.Value, StringComparer.OrdinalIgnoreCase);
            var name = described ?? Path.GetFileNameWithoutExtension(file).ToUpperInvariant();
            if (seen.TryGetValue(name, out var other))
                throw new InvalidDataException($"{file}: dataset {name} is also in {other}; a folder holds each dataset once.");
            seen[name] = file;
            if (name.StartsWith("SUPP", StringComparison.OrdinalIgnoreCase) && name.Length > 4)
            {
                // Supplemental qualifiers become variables of their parent domain when the native loader merges them.
                foreach (var qnam in Strings(connection, $"SELECT DISTINCT CAST(\"QNAM\" AS VARCHAR) FROM {source} WHERE \"QNAM\" IS NOT NULL AND \"QNAM\" <> ''", file, physical.ContainsKey("QNAM")))
                    supplements.Add((name[4..], qnam));
            }
            else if (model.FindDomain(name) is null && physical.ContainsKey("DOMAIN"))
            {
                // A split dataset (QSPH with DOMAIN = QS) is joined into its domain by the loader.
                foreach (var domain in Strings(connection, $"SELECT DISTINCT CAST(\"DOMAIN\" AS VARCHAR) FROM {source} WHERE \"DOMAIN\" IS NOT NULL AND \"DOMAIN\" <> ''", file, true))
                    if (!string.Equals(domain, name, StringComparison.OrdinalIgnoreCase) && model.FindDomain(domain) is not null) notInPlace.Add(domain.ToUpperInvariant());
            }
            var schema = model.FindDomain(name);
            var select = new List<string>();
            var dateColumns = new List<string>();
            string? firstDate = null;
            foreach (var (column, type) in ordered)
            {
                if (string.Equals(column, SqlScreeningQuery.RowColumn, StringComparison.OrdinalIgnoreCase)) continue;
                bool numeric = type switch
                {
                    "DOUBLE" or "FLOAT" or "INTEGER" or "BIGINT" => true,
                    "VARCHAR" => false,
                    _ => throw new InvalidDataException($"{file}: column {column} holds {type} values; expected text (UTF-8) or numbers (double, float, 32- or 64-bit integers)."),
                };
                // The reader marks a text column as dates from the file's description, else by the model (or a name ending in DTC).
                bool isDate = !numeric && (kinds.TryGetValue(column, out var kind) ? kind == "datetime"
                    : schema?.FindVariable(column)?.Type is { } t ? t == VariableType.DateTime : column.EndsWith("DTC", StringComparison.OrdinalIgnoreCase));
                if (isDate) firstDate ??= column;
                var sqlKind = schema?.FindVariable(column)?.Type switch
                {
                    VariableType.Num => ValueKind.Num,
                    VariableType.Integer => ValueKind.Int,
                    VariableType.DateTime => ValueKind.Date,
                    VariableType.Char or VariableType.Duration => ValueKind.Text,
                    _ => numeric ? ValueKind.Num : ValueKind.Text,
                };
                select.Add($"{Convert(syntax.Quote(column), sqlKind, numeric, type)} AS {syntax.Quote(column)}");
                if (sqlKind == ValueKind.Date && !numeric) dateColumns.Add(column);
                columns.Add((name, column));
            }
            bool hasSubject = physical.TryGetValue("USUBJID", out var subjectType) && subjectType == "VARCHAR";
            bool hasSeq = physical.TryGetValue(name + "SEQ", out var seqType) && seqType != "VARCHAR";
            columns.Add((name, SqlScreeningQuery.RowColumn));
            // The engine orders a subject's records by --SEQ (missing first), then its first date column (as text), then
            // file order (StudyDataBuilder); PE_ROW only orders records within a subject, except in DM, where it is the
            // file row (unique: PE_SUBJECT.DM_ROW points at it).
            string row = hasSubject && !string.Equals(name, "DM", StringComparison.OrdinalIgnoreCase)
                ? $"row_number() OVER (PARTITION BY NULLIF(\"USUBJID\", '') ORDER BY {Order(hasSeq ? name + "SEQ" : null, firstDate)}) - 1"
                : "file_row_number";
            select.Add($"{row} AS {syntax.Quote(SqlScreeningQuery.RowColumn)}");
            Execute(connection, $"CREATE OR REPLACE VIEW {syntax.Quote(ViewPrefix + name)} AS SELECT {string.Join(", ", select)} FROM read_parquet({syntax.Text(file)}, file_row_number = true)", file);
            bool subjectLevel = schema is not null ? schema.FindVariable("USUBJID")?.Core == VariableCore.Required : physical.ContainsKey("USUBJID");
            CheckAsLoaderDoes(connection, file, name, subjectLevel, hasSubject, allowMalformedDates ? [] : dateColumns);
            tables.Add(name);
            if (string.Equals(name, "DM", StringComparison.OrdinalIgnoreCase))
            {
                dmFile = file;
                dm = (name, firstDate, hasSeq, hasSubject);
            }
        }
        if (dm is not { HasSubject: true } d)
            throw new InvalidDataException(dmFile is null
                ? $"{folder}: no DM dataset (dm.parquet); the subjects screened are DM's."
                : $"{dmFile}: DM has no USUBJID text column; the subjects screened are DM's.");
        // The subjects: DM's USUBJIDs in the order of first appearance (StudyDataBuilder), DM_ROW each one's first DM
        // record in the engine's order.
        Execute(connection, $"CREATE OR REPLACE VIEW {syntax.Quote(ViewPrefix + SqlScreeningQuery.SubjectTable)} AS SELECT \"USUBJID\", " +
            $"row_number() OVER (ORDER BY PE_FIRST) - 1 AS {syntax.Quote(SqlScreeningQuery.RowColumn)}, PE_DM AS \"DM_ROW\" FROM (" +
            $"SELECT \"USUBJID\", min(file_row_number) AS PE_FIRST, max(CASE WHEN PE_K = 1 THEN file_row_number END) AS PE_DM FROM (" +
            $"SELECT NULLIF(\"USUBJID\", '') AS \"USUBJID\", file_row_number, row_number() OVER (PARTITION BY NULLIF(\"USUBJID\", '') ORDER BY {Order(d.HasSeq ? "DMSEQ" : null, d.FirstDate)}) AS PE_K " +
            $"FROM read_parquet({syntax.Text(dmFile!)}, file_row_number = true)) WHERE \"USUBJID\" IS NOT NULL GROUP BY 1)", dmFile!);
        tables.Add(SqlScreeningQuery.SubjectTable);
        columns.Add((SqlScreeningQuery.SubjectTable, "USUBJID"));
        columns.Add((SqlScreeningQuery.SubjectTable, SqlScreeningQuery.RowColumn));
        columns.Add((SqlScreeningQuery.SubjectTable, "DM_ROW"));
        var byTable = columns.GroupBy(c => c.Item1, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Select(c => c.Item2).ToList(), StringComparer.OrdinalIgnoreCase);
        return new ParquetTables(folder, SqlCatalog.Of(columns), SqlCatalog.Of(columns.Concat(supplements)), tables, notInPlace.Distinct().ToList(), byTable, seen);
    }

    /// <summary>
    /// The characters .NET's <see cref="char.IsWhiteSpace(char)"/> accepts, as an RE2 class: the loader refuses a USUBJID
    /// that <see cref="string.IsNullOrWhiteSpace(string)"/> calls blank (a tab, a no-break space), and so must this check.
    /// </summary>
    private const string DotNetWhiteSpace = @"[\x{9}-\x{D}\x{85}\p{Z}]";

    /// <summary>
    /// Refuses what the loader refuses, so that reading in place never answers where loading the same files would stop
    /// (SubjectRequirements and the loader's date check): a record of a subject-level dataset without USUBJID (it would
    /// belong to no subject; in DM, a subject would silently not be screened), a USUBJID twice in DM, a date that is not
    /// ISO 8601 (the view reads it as null). Records are numbered from 1, as the loader numbers a Parquet file's.
    /// </summary>
    private static void CheckAsLoaderDoes(DuckDBConnection connection, string file, string name, bool subjectLevel, bool hasSubject, List<string> dateColumns)
    {
        var syntax = new SqlSyntax(SqlDialect.DuckDb, null);
        string raw = $"read_parquet({syntax.Text(file)}, file_row_number = true)";
        if (subjectLevel && !hasSubject)
            throw new InvalidDataException($"{file}: {name} has no USUBJID text column: its records belong to no subject; expected a USUBJID variable on every record of a subject-level dataset.");
        if (subjectLevel && First(connection, $"SELECT min(file_row_number) FROM {raw} WHERE \"USUBJID\" IS NULL OR regexp_full_match(\"USUBJID\", '{DotNetWhiteSpace}*')", file) is { } empty)
            throw new InvalidDataException($"{file}: record {empty + 1}: USUBJID is empty in {name}: the record belongs to no subject; expected a USUBJID on every record of a subject-level dataset.");
        if (string.Equals(name, "DM", StringComparison.OrdinalIgnoreCase) && hasSubject &&
            First(connection, $"SELECT min(file_row_number) FROM (SELECT file_row_number, row_number() OVER (PARTITION BY \"USUBJID\" ORDER BY file_row_number) AS k FROM {raw}) WHERE k = 2", file) is { } twice)
            throw new InvalidDataException($"{file}: record {twice + 1}: its USUBJID is also on an earlier record: DM has one record per subject, and a second would be silently ignored; expected unique USUBJID values in DM.");
        foreach (var column in dateColumns)
        {
            string c = syntax.Quote(column);
            if (First(connection, $"SELECT min(file_row_number) FROM {raw} WHERE {c} IS NOT NULL AND {c} <> '' AND ({Converted(c, ValueKind.Date, false)}) IS NULL", file) is { } malformed)
                throw new InvalidDataException($"{file}: record {malformed + 1}: {column} is not an ISO 8601 date/time; expected an ISO 8601 value such as 2014-03-17, 2014-03 or 2014-03-17T10:30 (SDTM partial dates allowed).");
        }
    }

    private static long? First(DuckDBConnection connection, string sql, string file)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar() is { } value and not DBNull ? System.Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
        }
        catch (DuckDBException e)
        {
            throw new InvalidDataException($"{file}: it cannot be read as Parquet ({First(e.Message)}).", e);
        }
    }

    /// <summary>The views over the files are named by the dataset with this prefix; <see cref="Materialize"/> writes the tables the query reads.</summary>
    internal const string ViewPrefix = "PE_PARQUET_";

    /// <summary>
    /// Writes, for each table the query reads, a DuckDB table of the columns it names from the view over the file: each
    /// value converted and each record ordered once, where the views would convert and order them again for every use of a
    /// domain in the query.
    /// </summary>
    /// <returns>The records written.</returns>
    public long Materialize(DuckDBConnection connection, SqlScreeningQuery query)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(query);
        var syntax = new SqlSyntax(SqlDialect.DuckDb, null);
        // Every quoted name in the query: a superset of the columns it reads (a column the query does not name is not needed).
        var named = new HashSet<string>(System.Text.RegularExpressions.Regex.Matches(query.Text, "\"((?:[^\"]|\"\")+)\"").Select(m => m.Groups[1].Value.Replace("\"\"", "\"", StringComparison.Ordinal)), StringComparer.OrdinalIgnoreCase);
        long rows = 0;
        foreach (var table in Tables.Where(t => named.Contains(t)))
        {
            var columns = _columns[table].Where(c => named.Contains(c) || c is "USUBJID" || c == SqlScreeningQuery.RowColumn).Select(syntax.Quote).ToList();
            Execute(connection, $"CREATE OR REPLACE TABLE {syntax.Quote(table)} AS SELECT {string.Join(", ", columns)} FROM {syntax.Quote(ViewPrefix + table)}", _files.GetValueOrDefault(table, Folder));
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM {syntax.Quote(table)}";
            rows += System.Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        return rows;
    }

    private static string Order(string? seq, string? firstDate) =>
        (seq is null ? "" : $"\"{seq}\" ASC NULLS FIRST, ") + (firstDate is null ? "" : $"NULLIF(\"{firstDate}\", '') ASC NULLS FIRST, ") + "file_row_number";

    /// <summary>The SQL that converts a column as <see cref="StudyTables"/> does: exact fast paths, the same .NET code otherwise.</summary>
    private static string Convert(string column, ValueKind kind, bool numeric, string type)
    {
        // The reader holds every number as a double (a float widened): convert from that double, as the loader does.
        string c = numeric && type != "DOUBLE" ? $"CAST({column} AS DOUBLE)" : column;
        return Converted(c, kind, numeric);
    }

    private static string Converted(string c, ValueKind kind, bool numeric) => (kind, numeric) switch
    {
        // A double whose shortest text has at most 15 significant digits (and no exponent) is what (decimal)double keeps;
        // others go through NumberConversions itself.
        (ValueKind.Num, true) => $"CASE WHEN {c} IS NULL OR isnan({c}) THEN NULL WHEN {c} = floor({c}) AND abs({c}) < 1e15 THEN CAST(CAST({c} AS BIGINT) AS DECIMAL(38, 12)) " +
                               $"WHEN regexp_full_match(CAST({c} AS VARCHAR), '-?[0-9]{{1,15}}\\.[0-9]{{1,12}}') AND length(ltrim(replace(replace(CAST({c} AS VARCHAR), '-', ''), '.', ''), '0')) <= 15 " +
                               $"THEN CAST(CAST({c} AS VARCHAR) AS DECIMAL(38, 12)) ELSE CAST(pe_num_decimal({c}) AS DECIMAL(38, 12)) END",
        (ValueKind.Num, false) => $"CAST(pe_text_decimal({c}) AS DECIMAL(38, 12))",
        (ValueKind.Int, true) => $"CASE WHEN NOT isnan({c}) AND {c} = floor({c}) AND {c} >= -2147483648 AND {c} <= 2147483647 THEN CAST({c} AS BIGINT) END",
        (ValueKind.Int, false) => $"pe_text_whole({c})",
        // An ISO date or minute whose fields are in range is its own canonical form; anything else goes through the engine's parser.
        (ValueKind.Date, false) => $"CASE WHEN {c} IS NULL OR {c} = '' THEN NULL " +
                                 $"WHEN regexp_full_match({c}, '[1-9][0-9]{{3}}-[0-9]{{2}}-[0-9]{{2}}(T([01][0-9]|2[0-3]):[0-5][0-9])?') AND TRY_CAST(substr({c}, 1, 10) AS DATE) IS NOT NULL THEN {c} " +
                                 $"ELSE pe_canonical_date({c}) END",
        (ValueKind.Date, true) => "CAST(NULL AS VARCHAR)",
        (_, false) => $"NULLIF({c}, '')",
        (_, true) => $"pe_num_text({c})",
    };

    private static void RegisterFunctions(DuckDBConnection connection)
    {
        connection.RegisterScalarFunction<double, string>("pe_num_decimal", (readers, writer, rows) =>
        {
            for (ulong i = 0; i < rows; i++)
            {
                if (!readers[0].IsValid(i)) { writer.WriteNull(i); continue; }
                double v = readers[0].GetValue<double>(i);
                if (double.IsNaN(v)) writer.WriteNull(i);
                else writer.WriteValue(NumberConversions.ToDecimal(v).ToString(CultureInfo.InvariantCulture), i);
            }
        });
        connection.RegisterScalarFunction<string, string>("pe_text_decimal", (readers, writer, rows) =>
        {
            for (ulong i = 0; i < rows; i++)
            {
                if (readers[0].IsValid(i) && decimal.TryParse(readers[0].GetValue<string>(i), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    writer.WriteValue(d.ToString(CultureInfo.InvariantCulture), i);
                else writer.WriteNull(i);
            }
        });
        connection.RegisterScalarFunction<string, long>("pe_text_whole", (readers, writer, rows) =>
        {
            for (ulong i = 0; i < rows; i++)
            {
                if (readers[0].IsValid(i) && double.TryParse(readers[0].GetValue<string>(i), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                    && v == Math.Floor(v) && v >= int.MinValue && v <= int.MaxValue)
                    writer.WriteValue((long)v, i);
                else writer.WriteNull(i);
            }
        });
        connection.RegisterScalarFunction<double, string>("pe_num_text", (readers, writer, rows) =>
        {
            for (ulong i = 0; i < rows; i++)
            {
                if (readers[0].IsValid(i) && readers[0].GetValue<double>(i) is var v && !double.IsNaN(v)) writer.WriteValue(v.ToString("R", CultureInfo.InvariantCulture), i);
                else writer.WriteNull(i);
            }
        });
        connection.RegisterScalarFunction<string, string>("pe_canonical_date", (readers, writer, rows) =>
        {
            for (ulong i = 0; i < rows; i++)
            {
                if (readers[0].IsValid(i) && CqlDateTime.TryParseIso(readers[0].GetValue<string>(i), out var dt) && dt is not null) writer.WriteValue(StudyTables.Canonical(dt), i);
                else writer.WriteNull(i);
            }
        });
    }

    private static string Source(string file) => $"read_parquet('{file.Replace("'", "''", StringComparison.Ordinal)}')";

    private static (string? Name, Dictionary<string, string> Kinds) Describe(DuckDBConnection connection, string file, string source)
    {
        var kinds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? json = null;
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT value FROM parquet_kv_metadata('{file.Replace("'", "''", StringComparison.Ordinal)}') WHERE decode(key) = 'protocolengine.dataset'";
            using var reader = command.ExecuteReader();
            if (reader.Read() && !reader.IsDBNull(0)) json = reader.GetValue(0) switch { byte[] b => Encoding.UTF8.GetString(b), Stream s => new StreamReader(s, Encoding.UTF8).ReadToEnd(), var v => v.ToString() };
        }
        catch (DuckDBException e)
        {
            throw new InvalidDataException($"{file}: it cannot be read as Parquet ({First(e.Message)}).", e);
        }
        if (json is null) return (null, kinds);
        try
        {
            using var doc = JsonDocument.Parse(json);
            string? name = doc.RootElement.TryGetProperty("Name", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() is { Length: > 0 } s ? s.ToUpperInvariant() : null;
            if (doc.RootElement.TryGetProperty("Columns", out var cols) && cols.ValueKind == JsonValueKind.Array)
                foreach (var col in cols.EnumerateArray())
                    if (col.TryGetProperty("Name", out var cn) && cn.GetString() is { } c && col.TryGetProperty("Kind", out var ck) && ck.GetString() is { } k)
                        kinds.TryAdd(c, k);
            return (name, kinds);
        }
        catch (JsonException)
        {
            // A description that is not ours: the reader ignores it too.
            return (null, kinds);
        }
    }

    private static List<KeyValuePair<string, string>> Schema(DuckDBConnection connection, string file, string source)
    {
        var columns = new List<KeyValuePair<string, string>>();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"DESCRIBE SELECT * FROM {source}";
            using var reader = command.ExecuteReader();
            while (reader.Read()) columns.Add(new(reader.GetString(0), reader.GetString(1)));
        }
        catch (DuckDBException e)
        {
            throw new InvalidDataException($"{file}: it cannot be read as Parquet ({First(e.Message)}).", e);
        }
        var duplicate = columns.GroupBy(c => c.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidDataException($"{file}: column {duplicate.Key} appears more than once.");
        return columns;
    }

    private static List<string> Strings(DuckDBConnection connection, string sql, string file, bool hasColumn)
    {
        var values = new List<string>();
        if (!hasColumn) return values;
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read()) values.Add(reader.GetString(0));
        }
        catch (DuckDBException e)
        {
            throw new InvalidDataException($"{file}: it cannot be read as Parquet ({First(e.Message)}).", e);
        }
        return values;
    }

    private static void Execute(DuckDBConnection connection, string sql, string file)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
        catch (DuckDBException e)
        {
            throw new InvalidDataException($"{file}: it cannot be read as Parquet ({First(e.Message)}).", e);
        }
    }

    internal static string First(string message) => message.Split('\n')[0].Trim();
}

/// <summary>Screens a Parquet folder in place with DuckDB (<see cref="ParquetTables"/>).</summary>
public static class DuckDbParquet
{
    /// <summary>
    /// Opens the folder's Parquet files as views in DuckDB (a temporary database file), writes the columns the protocol's
    /// query reads as DuckDB tables (<see cref="ParquetTables.Materialize"/>) and runs the query over them.
    /// <paramref name="open"/> is the time taken to open and read the files into those tables; the outcomes' own elapsed
    /// time is the query's.
    /// </summary>
    /// <exception cref="ArgumentException">The protocol has errors or no criteria.</exception>
    /// <exception cref="InvalidDataException">A file cannot be read (the message names it), or the folder has no DM.</exception>
    /// <exception cref="NotSupportedException">The query reads what the native loader merges from other datasets (SUPP--, split datasets): load the study instead.</exception>
    public static SqlScreeningOutcomes Screen(CompiledProtocol protocol, string folder, out TimeSpan open, SqlQueryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(folder);
        var clock = Stopwatch.StartNew();
        // A temporary database file rather than memory: DuckDB compresses the tables it writes there and pages them, so a
        // million subjects' records need not fit in memory beside everything else.
        var scratch = Directory.CreateTempSubdirectory("pe-duckdb-");
        try
        {
            using var connection = new DuckDBConnection($"Data Source={Path.Combine(scratch.FullName, "screen.duckdb")}");
            connection.Open();
            var tables = ParquetTables.Open(connection, folder, protocol.DataModel ?? SdtmModel.Sdtmig34);
            if (tables.WhyNotInPlace(protocol, options) is { } why) throw new NotSupportedException($"{folder} cannot be screened in place: {why}.");
            var query = SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, tables.Catalog, options);
            try
            {
                tables.Materialize(connection, query);
                open = clock.Elapsed;
                return DuckDbBackend.Run(connection, query);
            }
            catch (DuckDBException e)
            {
                // A file that changed or is corrupt past its footer fails while it is read; DuckDB names the file.
                throw new InvalidDataException($"DuckDB could not read the Parquet files in {folder}: {ParquetTables.First(e.Message)}", e);
            }
        }
        finally
        {
            try
            {
                scratch.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A scratch folder left in the temporary directory is not worth failing a screening for.
            }
        }
    }
}
