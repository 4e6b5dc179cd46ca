using Npgsql;
using ProtocolEngine.Sql;
using ProtocolEngine.Storage.Connections;

namespace ProtocolEngine.Cli.Commands.Sql;

/// <summary>What the SQL commands share: the dialect words, the PostgreSQL connection (from the environment or a file), and the diagnostics of criteria not pushed down.</summary>
internal static class SqlBackendSupport
{
    public const string Dialects = "duckdb, postgres, clickhouse, spark, trino or sqlserver";

    public static SqlDialect? ParseDialect(string text) =>
        Enum.GetValues<SqlDialect>().Cast<SqlDialect?>().FirstOrDefault(d => SqlScreeningQuery.NameOf(d!.Value) == text.ToLowerInvariant());

    /// <summary>An open PostgreSQL connection named by --pg / --pg-env / --pg-file (never a password on the command line).</summary>
    public static NpgsqlConnection OpenPostgres(string? pg, string? pgEnv, string? pgFile, CliConsole console)
    {
        var database = Databases.Resolve(new DatabaseOptions(null, pg, pgEnv, pgFile, null, null, null), console)
            ?? throw new UserFacingException("Name the PostgreSQL database: --pg-env NAME, --pg-file PATH or --pg CONNSTR (without a password).");
        try
        {
            var connection = new NpgsqlConnection(database.ConnectionString);
            connection.Open();
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            throw new UserFacingException($"Cannot connect to PostgreSQL ({database.Origin}): {ConnectionSettings.MaskSecrets(ex.Message)}");
        }
    }

    /// <summary>Writes each PE4001 warning on standard error.</summary>
    public static void ReportNotPushedDown(SqlScreeningQuery query, CliConsole console)
    {
        foreach (var d in query.Diagnostics)
        {
            var (line, column) = d.Source?.GetLinePosition(d.Span.Start) ?? (0, 0);
            console.Error.WriteLine($"{d.Source?.Path}({line},{column}): warning {d.Code}: {d.Message}");
        }
    }
}
