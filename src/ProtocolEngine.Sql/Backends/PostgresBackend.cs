using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Lowering;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Sql.Loading;

namespace ProtocolEngine.Sql.Backends;

/// <summary>
/// Screens in PostgreSQL: <see cref="Load"/> writes a study's datasets as tables (what <c>protocol data load</c> does),
/// <see cref="Screen"/> reads which tables and columns the database holds and runs the protocol's one query over them.
/// </summary>
public static class PostgresBackend
{
    /// <summary>
    /// Writes every dataset of the study (and PE_SUBJECT) as a table of the schema, replacing tables of the same names, in
    /// one transaction: a failed load leaves the schema as it was.
    /// </summary>
    /// <returns>The tables written with their record counts.</returns>
    public static IReadOnlyList<(string Table, int Rows)> Load(NpgsqlConnection connection, StudyData study, IDataModel model, string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(model);
        var syntax = new SqlSyntax(SqlDialect.Postgres, schema);
        var written = new List<(string, int)>();
        using var transaction = connection.BeginTransaction();
        if (schema is not null) Execute(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {syntax.Quote(schema)}");
        foreach (var table in StudyTables.Of(study, model))
        {
            var name = syntax.Table(table.Name);
            Execute(connection, transaction, $"DROP TABLE IF EXISTS {name}");
            Execute(connection, transaction, $"CREATE TABLE {name} ({string.Join(", ", table.Columns.Select(c => $"{syntax.Quote(c.Name)} {syntax.TypeName(c.Kind)}"))})");
            using (var writer = connection.BeginBinaryImport($"COPY {name} ({string.Join(", ", table.Columns.Select(c => syntax.Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)"))
            {
                for (int row = 0; row < table.RowCount; row++)
                {
                    writer.StartRow();
                    foreach (var column in table.Columns)
                    {
                        var value = column.Value(row);
                        if (value is null) writer.WriteNull();
                        else writer.Write(value, column.Kind switch { ValueKind.Num => NpgsqlDbType.Numeric, ValueKind.Int => NpgsqlDbType.Bigint, _ => NpgsqlDbType.Text });
                    }
                }
                writer.Complete();
            }
            if (table.Name == SqlScreeningQuery.SubjectTable || table.Columns.Any(c => c.Name == "USUBJID"))
            {
                var key = table.Name == SqlScreeningQuery.SubjectTable ? SqlScreeningQuery.RowColumn : "USUBJID";
                Execute(connection, transaction, $"CREATE INDEX ON {name} ({syntax.Quote(key)})");
            }
            // Statistics, so the planner hash-joins the per-subject aggregates rather than guessing a few hundred rows and
            // nesting loops over them (quadratic in the subjects).
            Execute(connection, transaction, $"ANALYZE {name}");
            written.Add((table.Name, table.RowCount));
        }
        transaction.Commit();
        return written;
    }

    /// <summary>The tables and columns of a schema (the connection's first search-path schema when null).</summary>
    public static SqlCatalog Catalog(NpgsqlConnection connection, string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = COALESCE(@schema, current_schema())";
        command.Parameters.AddWithValue("schema", NpgsqlDbType.Text, (object?)schema ?? DBNull.Value);
        var columns = new List<(string, string)>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) columns.Add((reader.GetString(0), reader.GetString(1)));
        return SqlCatalog.Of(columns);
    }

    /// <summary>Runs the protocol's query over the tables of a schema.</summary>
    /// <exception cref="ArgumentException">The protocol has errors or no criteria.</exception>
    /// <exception cref="InvalidOperationException">The schema has no PE_SUBJECT table: the study was not loaded.</exception>
    public static SqlScreeningOutcomes Screen(NpgsqlConnection connection, CompiledProtocol protocol, SqlQueryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(protocol);
        options ??= new SqlQueryOptions();
        var catalog = Catalog(connection, options.Schema);
        if (!catalog.HasTable(SqlScreeningQuery.SubjectTable))
            throw new InvalidOperationException($"The database has no {SqlScreeningQuery.SubjectTable} table{(options.Schema is null ? "" : " in schema " + options.Schema)}: load the study first (protocol data load DATA --pg-env NAME).");
        var query = SqlScreeningQuery.Generate(protocol, SqlDialect.Postgres, catalog, options);
        var clock = Stopwatch.StartNew();
        using var command = connection.CreateCommand();
        command.CommandText = query.Text;
        command.CommandTimeout = 0;
        using var reader = command.ExecuteReader();
        return SqlScreeningOutcomes.Read(query, reader, clock.Elapsed);
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string text)
    {
        // No timeout: indexing and analysing a million subjects' LB (47 million rows) takes minutes, and Npgsql's default of
        // 30 s cancelled the load after every row was written (seen in the million-subject benchmark).
        using var command = new NpgsqlCommand(text, connection, transaction) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }
}
