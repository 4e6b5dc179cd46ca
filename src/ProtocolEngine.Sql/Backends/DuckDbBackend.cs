using System.Diagnostics;
using DuckDB.NET.Data;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Sql.Loading;

namespace ProtocolEngine.Sql.Backends;

/// <summary>Screens a loaded study in an embedded, in-memory DuckDB: the study's datasets are appended as tables and the protocol's one query runs over them.</summary>
public static class DuckDbBackend
{
    /// <summary>Loads the study and runs the protocol's query.</summary>
    /// <exception cref="ArgumentException">The protocol has errors or no criteria.</exception>
    public static SqlScreeningOutcomes Screen(CompiledProtocol protocol, StudyData study, SqlQueryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(study);
        var query = SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, SqlCatalog.FromStudy(study), options);
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        Load(connection, study, protocol.DataModel ?? SdtmModel.Sdtmig34);
        return Run(connection, query);
    }

    /// <summary>Runs a DuckDB query over an open connection whose tables are loaded.</summary>
    public static SqlScreeningOutcomes Run(DuckDBConnection connection, SqlScreeningQuery query)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(query);
        var clock = Stopwatch.StartNew();
        using var command = connection.CreateCommand();
        command.CommandText = query.Text;
        using var reader = command.ExecuteReader();
        return SqlScreeningOutcomes.Read(query, reader, clock.Elapsed);
    }

    /// <summary>Creates and fills a table per dataset (and PE_SUBJECT) in an open DuckDB connection.</summary>
    public static void Load(DuckDBConnection connection, StudyData study, IDataModel model)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(model);
        var syntax = new SqlSyntax(SqlDialect.DuckDb, null);
        foreach (var table in StudyTables.Of(study, model))
        {
            using (var create = connection.CreateCommand())
            {
                create.CommandText = $"CREATE TABLE {syntax.Quote(table.Name)} ({string.Join(", ", table.Columns.Select(c => $"{syntax.Quote(c.Name)} {syntax.TypeName(c.Kind)}"))})";
                create.ExecuteNonQuery();
            }
            using var appender = connection.CreateAppender(table.Name);
            for (int row = 0; row < table.RowCount; row++)
            {
                var r = appender.CreateRow();
                foreach (var column in table.Columns)
                {
                    switch (column.Value(row))
                    {
                        case null: r.AppendNullValue(); break;
                        case string s: r.AppendValue(s); break;
                        case long l: r.AppendValue(l); break;
                        case decimal d: r.AppendValue(d); break;
                        case var other: throw new InvalidOperationException($"Unexpected value {other} in {table.Name}.{column.Name}.");
                    }
                }
                r.EndRow();
            }
        }
    }
}
