using Npgsql;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Sql.Backends;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Sql.Tests.Support;

/// <summary>One database for this run's SQL tests, each study loaded once into a schema of its own.</summary>
internal static class PostgresStudies
{
    private static readonly Lazy<string> Database = new(() => PostgresServer.NewDatabaseAsync("pe_sql").GetAwaiter().GetResult());
    private static readonly HashSet<string> Loaded = [];

    public static string ConnectionString => Database.Value;

    /// <summary>The schema holding the study (loaded on first use).</summary>
    public static string Schema(string study)
    {
        var schema = study.Replace('-', '_');
        lock (Loaded)
        {
            if (Loaded.Add(schema))
            {
                using var connection = Open();
                PostgresBackend.Load(connection, Studies.Get(study), SdtmModel.Sdtmig34, schema);
            }
        }
        return schema;
    }

    public static NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }
}
