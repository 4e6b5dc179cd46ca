using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using ProtocolEngine.Storage.Schema;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>
/// The embedded default: one SQLite file in WAL mode, nothing to install. Writers take the database write lock at
/// BEGIN (BEGIN IMMEDIATE), so steps are serialised; <c>synchronous=FULL</c> makes every commit durable on disk.
/// </summary>
public sealed class SqliteWorkflowStore : DapperWorkflowStore, IDisposable
{
    private readonly string _connectionString;
    private readonly string _synchronous;
    // Open connections with their compiled statements, reused by every store call and transaction (see SqlitePooledConnection).
    private readonly ConcurrentBag<SqlitePooledConnection> _pool = [];
    private readonly SqliteConnection? _anchor;
    private int _walSet;

    /// <summary>Opens (or creates) the database file at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="fullSync">True (default) for <c>synchronous=FULL</c>: a commit survives power loss; false for NORMAL (survives a process crash only).</param>
    /// <param name="readOnly">
    /// True to open an existing file read-only (SQLite <c>Mode=ReadOnly</c>, no journal-mode change): every write
    /// fails and the file's bytes and modification time stay as they were. For commands that only read.
    /// </param>
    /// <param name="scratch">
    /// True for a database nobody keeps (a simulation's): it lives in memory, shared by the store's connections, and
    /// goes with the store (<see cref="Dispose"/>); <paramref name="path"/> only names it. Commits then write no file,
    /// which was a large share of a long simulation.
    /// </param>
    public SqliteWorkflowStore(string path, bool fullSync = true, bool readOnly = false, bool scratch = false) : base(new SqliteDialect())
    {
        Path = System.IO.Path.GetFullPath(path);
        ReadOnly = readOnly;
        Scratch = scratch;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = scratch ? $"file:pe-scratch-{Guid.NewGuid():N}?mode=memory&cache=shared" : readOnly ? ReadOnlySource(Path) : Path,
            // The store keeps its own open connections (with their compiled statements); the driver's pool would close them.
            Pooling = false,
            DefaultTimeout = 30,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
        }.ToString();
        _synchronous = scratch ? "OFF" : fullSync ? "FULL" : "NORMAL";
        if (scratch)
        {
            // An in-memory database lives while a connection to it is open: this one holds it for the store's lifetime.
            _anchor = new SqliteConnection(_connectionString);
            _anchor.Open();
        }
    }

    /// <summary>True for an in-memory database that goes with the store.</summary>
    public bool Scratch { get; }

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
        while (_pool.TryTake(out var idle))
        {
            if (idle.IsIdle) return new SqliteLease(idle, _pool);
            idle.Dispose();
        }
        var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(ct);
        // WAL is a property of the file (set once, which writes it); synchronous and busy_timeout are per connection,
        // set once when it opens: a pooled connection keeps them.
        using (var cmd = conn.CreateCommand())
        {
            // Connections to one shared in-memory database lock tables, not the file: a read during another connection's
            // transaction reads without waiting for it (read_uncommitted), as WAL readers do on a file.
            cmd.CommandText = ReadOnly ? "PRAGMA query_only=ON; PRAGMA busy_timeout=30000;"
                : Scratch ? "PRAGMA read_uncommitted=ON; PRAGMA busy_timeout=30000;"
                : (Interlocked.Exchange(ref _walSet, 1) == 0 ? "PRAGMA journal_mode=WAL;" : "") +
                  $"PRAGMA synchronous={_synchronous}; PRAGMA busy_timeout=30000;";
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return new SqliteLease(new SqlitePooledConnection(conn), _pool);
    }

    /// <inheritdoc />
    protected internal override Task<DbTransaction> BeginTransactionAsync(DbConnection connection, CancellationToken ct) =>
        // BEGIN IMMEDIATE: take the write lock now, so two writers never deadlock upgrading a read lock.
        Task.FromResult<DbTransaction>(Unwrap(connection).BeginTransaction(deferred: false));

    /// <inheritdoc />
    protected internal override Task<int> ExecuteStatementAsync(DbConnection connection, DbTransaction? transaction, string sql, object? args, CancellationToken ct)
    {
        if (connection is not SqliteLease lease) return base.ExecuteStatementAsync(connection, transaction, sql, args, ct);
        // The kept statement runs synchronously (SQLite answers in-process): the token is honoured before it starts.
        ct.ThrowIfCancellationRequested();
        try
        {
            return Task.FromResult(lease.Pooled.Bind(sql, (SqliteTransaction?)transaction, args).ExecuteNonQuery());
        }
        catch (Exception ex)
        {
            lease.Pooled.Forget(sql, Broken(ex));
            throw;
        }
    }

    /// <inheritdoc />
    protected internal override Task<IReadOnlyList<T>> QueryStatementAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, object? args, CancellationToken ct)
    {
        if (connection is not SqliteLease lease) return base.QueryStatementAsync<T>(connection, transaction, sql, args, ct);
        ct.ThrowIfCancellationRequested();
        try
        {
            using var reader = lease.Pooled.Bind(sql, (SqliteTransaction?)transaction, args).ExecuteReader();
            var rows = new List<T>();
            if (typeof(T).IsClass && typeof(T) != typeof(string))
            {
                var parse = reader.GetRowParser<T>();
                while (reader.Read()) rows.Add(parse(reader));
            }
            else
            {
                while (reader.Read()) rows.Add(reader.IsDBNull(0) ? default! : (T)Convert.ChangeType(reader.GetValue(0), Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture));
            }
            return Task.FromResult<IReadOnlyList<T>>(rows);
        }
        catch (Exception ex)
        {
            lease.Pooled.Forget(sql, Broken(ex));
            throw;
        }
    }

    /// <summary>
    /// Closes the idle connections the store keeps open, so the next call opens the file afresh (after it was
    /// replaced or restored, for example). The store stays usable.
    /// </summary>
    public void ClearPool()
    {
        while (_pool.TryTake(out var idle)) idle.Dispose();
    }

    /// <summary>Closes the connections the store keeps open (the file can then be deleted or moved); a scratch database goes with them.</summary>
    public void Dispose()
    {
        ClearPool();
        _anchor?.Dispose();
    }

    // A constraint violation or a lock leaves the connection sound; anything else (a file that is no database, an I/O
    // error) may not, and such a connection is not kept.
    private static bool Broken(Exception ex) => ex is not SqliteException { SqliteErrorCode: 19 or 5 or 6 };

    private static SqliteConnection Unwrap(DbConnection connection) => connection is SqliteLease lease ? lease.Pooled.Connection : (SqliteConnection)connection;

    /// <inheritdoc />
    protected internal override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19 } s && (s.SqliteExtendedErrorCode is 2067 or 1555);

    /// <inheritdoc />
    public override bool IsTransient(Exception exception) => exception is SqliteException { SqliteErrorCode: 5 or 6 };
}
