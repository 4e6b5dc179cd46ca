using System.Data.Common;
using Microsoft.Data.Sqlite;
using ProtocolEngine.Storage.Schema;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>
/// The embedded default: one SQLite file in WAL mode, nothing to install. Writers take the database write lock at
/// BEGIN (BEGIN IMMEDIATE), so steps are serialised; <c>synchronous=FULL</c> makes every commit durable on disk.
/// </summary>
public sealed class SqliteWorkflowStore : DapperWorkflowStore
{
    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _prepared = [];
    private int _walSet;

    /// <summary>Opens (or creates) the database file at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="fullSync">True (default) for <c>synchronous=FULL</c>: a commit survives power loss; false for NORMAL (survives a process crash only).</param>
    /// <param name="readOnly">
    /// True to open an existing file read-only (SQLite <c>Mode=ReadOnly</c>, no journal-mode change): every write
    /// fails and the file's bytes and modification time stay as they were. For commands that only read.
    /// </param>
    /// <param name="scratch">
    /// True for a database nobody keeps (a simulation's): <c>synchronous=OFF</c>, so no commit waits for the disk. A
    /// crash loses it, which is what a temporary database is for.
    /// </param>
    public SqliteWorkflowStore(string path, bool fullSync = true, bool readOnly = false, bool scratch = false) : base(new SqliteDialect())
    {
        Path = System.IO.Path.GetFullPath(path);
        ReadOnly = readOnly;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = readOnly ? ReadOnlySource(Path) : Path,
            Pooling = !readOnly,
            DefaultTimeout = 30,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
        }.ToString();
        _synchronous = scratch ? "OFF" : fullSync ? "FULL" : "NORMAL";
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    // A read-only connection to a WAL database creates -wal and -shm files beside it and cannot remove them. When
    // there is no -wal file nobody has the database open, and "immutable" reads the file alone, creating nothing;
    // with one (a live database) the connection shares the existing files.
    private static string ReadOnlySource(string path) =>
        File.Exists(path + "-wal") ? path : "file:" + Uri.EscapeDataString(path).Replace("%2F", "/", StringComparison.Ordinal) + "?immutable=1";

    /// <summary>True when the file is open read-only.</summary>
    public bool ReadOnly { get; }

    /// <inheritdoc />
    protected internal override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(ct);
        // WAL is a property of the file (set once, which writes it); synchronous and busy_timeout are per connection,
        // and a pooled connection keeps them: set once per SQLite handle, not on every open (one statement per store call).
        if (_prepared.TryGetValue(conn.Handle!, out _)) return conn;
        using var cmd = conn.CreateCommand();
        cmd.CommandText = ReadOnly ? "PRAGMA query_only=ON; PRAGMA busy_timeout=30000;"
            : (Interlocked.Exchange(ref _walSet, 1) == 0 ? "PRAGMA journal_mode=WAL;" : "") +
              $"PRAGMA synchronous={_synchronous}; PRAGMA busy_timeout=30000;";
        await cmd.ExecuteNonQueryAsync(ct);
        _prepared.AddOrUpdate(conn.Handle!, this);
        return conn;
    }

    /// <inheritdoc />
    protected internal override Task<DbTransaction> BeginTransactionAsync(DbConnection connection, CancellationToken ct) =>
        // BEGIN IMMEDIATE: take the write lock now, so two writers never deadlock upgrading a read lock.
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    /// <inheritdoc />
    protected internal override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19 } s && (s.SqliteExtendedErrorCode is 2067 or 1555);

    /// <inheritdoc />
    public override bool IsTransient(Exception exception) => exception is SqliteException { SqliteErrorCode: 5 or 6 };
}
