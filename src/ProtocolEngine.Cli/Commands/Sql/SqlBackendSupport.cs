using System.Data.Common;
using Npgsql;
using ProtocolEngine.Sql;
using ProtocolEngine.Sql.Backends;
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

    /// <summary>The options that name a ClickHouse cluster, for messages.</summary>
    public const string ClickHouseOptions = "--ch-env NAME, --ch-file PATH or --ch CONNSTR (without a password)";

    /// <summary>
    /// The ClickHouse cluster named by --ch / --ch-env / --ch-file (the connection string .ci/start-clickhouse.sh prints:
    /// Host, Port, Username, Database, Cluster, ShardPorts, and PasswordFile or, in the environment or a file, Password),
    /// checked to answer. A password on the command line is refused, as for PostgreSQL.
    /// </summary>
    public static ClickHouseCluster OpenClickHouse(string? ch, string? chEnv, string? chFile, CliConsole console)
    {
        if ((ch is null ? 0 : 1) + (chEnv is null ? 0 : 1) + (chFile is null ? 0 : 1) != 1)
            throw new UserFacingException($"Name the ClickHouse cluster once: {ClickHouseOptions}.");
        string text, origin;
        if (ch is not null)
        {
            origin = "--ch";
            text = ch;
            if (HasPassword(ch))
                throw new UserFacingException("--ch: the connection string holds a password, which every user of this machine can read in the process list (ps). " +
                    "Give it in an environment variable (--ch-env NAME), in a file only you can read (--ch-file PATH, chmod 600), or name a password file (PasswordFile=PATH).");
        }
        else if (chEnv is not null)
        {
            origin = "--ch-env " + chEnv;
            text = Environment.GetEnvironmentVariable(chEnv) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim()
                : throw new UserFacingException($"--ch-env {chEnv}: the environment variable {chEnv} is not set (or is empty); set it to the ClickHouse connection string.");
        }
        else
        {
            origin = "--ch-file " + chFile;
            try
            {
                if (!File.Exists(chFile)) throw new UserFacingException($"--ch-file {chFile}: no such file.");
                if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(chFile!) & (UnixFileMode.OtherRead | UnixFileMode.GroupRead)) != 0)
                    console.Error.WriteLine($"warning: --ch-file {chFile} can be read by other users; make it readable only by its owner: chmod 600 {chFile}");
                text = File.ReadAllLines(chFile!).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'))
                    ?? throw new UserFacingException($"--ch-file {chFile}: the file holds no connection string.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UserFacingException($"--ch-file {chFile}: the file cannot be read ({ex.Message}).");
            }
        }
        ClickHouseCluster cluster;
        try
        {
            cluster = ClickHouseCluster.Parse(text);
        }
        catch (ArgumentException ex)
        {
            throw new UserFacingException($"{origin}: {ex.Message}");
        }
        try
        {
            cluster.Execute("SELECT 1");
        }
        catch (ClickHouseException ex)
        {
            cluster.Dispose();
            throw new UserFacingException($"Cannot connect to ClickHouse ({origin}): {ex.Message}");
        }
        return cluster;
    }

    private static bool HasPassword(string connectionString)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            return builder.Keys.Cast<string>().Any(k => k.Trim().Equals("password", StringComparison.OrdinalIgnoreCase) || k.Trim().Equals("pwd", StringComparison.OrdinalIgnoreCase));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Writes each PE4001 warning on standard error; only <paramref name="only"/>'s when given.</summary>
    public static void ReportNotPushedDown(SqlScreeningQuery query, CliConsole console, ProtocolEngine.Language.Binding.BoundCriterion? only = null)
    {
        foreach (var d in query.Diagnostics)
        {
            if (only is not null && !(ReferenceEquals(d.Source, only.Source) && d.Span == only.Syntax.Name.Span)) continue;
            var (line, column) = d.Source?.GetLinePosition(d.Span.Start) ?? (0, 0);
            console.Error.WriteLine($"{d.Source?.Path}({line},{column}): warning {d.Code}: {d.Message}");
        }
    }
}
