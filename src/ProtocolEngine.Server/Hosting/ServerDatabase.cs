using System.Text.RegularExpressions;
using Npgsql;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Storage.Workflows;

namespace ProtocolEngine.Server.Hosting;

/// <summary>
/// Where everything is kept. The server's tables are in the main database (a SQLite file in the data folder, or the
/// PostgreSQL database configured); each study's workflow tables are kept apart (a SQLite file per study, or a
/// PostgreSQL schema per study in the same database), so studies never see each other's instances, tasks or journal.
/// </summary>
internal sealed partial class ServerDatabase : IAsyncDisposable
{
    private readonly ServerOptions _options;
    private readonly List<DapperWorkflowStore> _opened = [];

    public ServerDatabase(ServerOptions options)
    {
        _options = options;
        Main = options.Postgres is { } pg ? new PostgresWorkflowStore(pg) : new SqliteWorkflowStore(Path.Combine(options.DataDir, "protocol.db"));
        Store = new ServerStore(Main);
    }

    /// <summary>The main database's connections.</summary>
    public DapperWorkflowStore Main { get; }

    /// <summary>The server's tables.</summary>
    public ServerStore Store { get; }

    /// <summary>A short description for logs and errors (never a password).</summary>
    public string Describe() => _options.Postgres is { } pg ? DescribePostgres(pg) : Path.GetFullPath(Path.Combine(_options.DataDir, "protocol.db"));

    public static string DescribePostgres(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return $"PostgreSQL {b.Host}:{b.Port}/{b.Database} as {b.Username}";
        }
        catch (ArgumentException)
        {
            return "PostgreSQL (the connection string cannot be read)";
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex StudyIdPattern();

    /// <summary>True for a study id the server accepts: lower-case letters, digits and dashes, up to 40.</summary>
    public static bool IsStudyId(string id) => StudyIdPattern().IsMatch(id);

    /// <summary>Opens (creating and migrating when needed) a study's workflow store.</summary>
    public async Task<DapperWorkflowStore> OpenStudyStoreAsync(string studyId, CancellationToken ct)
    {
        if (!IsStudyId(studyId)) throw new ArgumentException($"Not a study id: {studyId}", nameof(studyId));
        DapperWorkflowStore store;
        if (_options.Postgres is { } pg)
        {
            var schema = "study_" + studyId.Replace('-', '_');
            await Store.CreateSchemaAsync(schema, ct);
            store = new PostgresWorkflowStore(new NpgsqlConnectionStringBuilder(pg) { SearchPath = schema }.ConnectionString);
        }
        else
        {
            var folder = Path.Combine(_options.DataDir, "studies", studyId);
            Directory.CreateDirectory(folder);
            store = new SqliteWorkflowStore(Path.Combine(folder, "workflows.db"));
        }
        await store.MigrateAsync(ct);
        lock (_opened) _opened.Add(store);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        List<DapperWorkflowStore> stores;
        lock (_opened) stores = [.. _opened, Main];
        foreach (var s in stores) if (s is IAsyncDisposable d) await d.DisposeAsync();
    }
}
