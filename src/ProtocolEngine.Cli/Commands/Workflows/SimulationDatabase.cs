using ProtocolEngine.Storage.Workflows;

namespace ProtocolEngine.Cli.Commands.Workflows;

/// <summary>
/// The SQLite store a simulation or a replay runs on: the file given with <c>--db</c>, which is kept for
/// <c>protocol journal</c>, or a temporary one that is deleted afterwards.
/// </summary>
internal sealed class SimulationDatabase : IDisposable
{
    private readonly string? _temporaryFolder;

    private SimulationDatabase(SqliteWorkflowStore store, string? temporaryFolder)
    {
        Store = store;
        _temporaryFolder = temporaryFolder;
    }

    /// <summary>The migrated store.</summary>
    public SqliteWorkflowStore Store { get; }

    /// <summary>Opens (and migrates) the <c>--db</c> file, or a temporary database named after <paramref name="purpose"/>.</summary>
    public static async Task<SimulationDatabase> OpenAsync(string? db, string purpose, CancellationToken ct)
    {
        string? temporary = db is null ? Path.Combine(Path.GetTempPath(), $"protocol-{purpose}-{Guid.NewGuid():N}") : null;
        if (temporary is not null) Directory.CreateDirectory(temporary);
        // A simulation needs no power-loss durability: the fsync per commit (synchronous=FULL) bounded it at about 140 events/s.
        // A kept --db file gets NORMAL (a crash of this process loses nothing committed), the temporary one OFF.
        var database = new SimulationDatabase(db is null ? new SqliteWorkflowStore(Path.Combine(temporary!, purpose + ".db"), scratch: true) : new SqliteWorkflowStore(db, fullSync: false), temporary);
        try
        {
            await database.Store.MigrateAsync(ct);
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>Deletes the temporary database (a <c>--db</c> file stays).</summary>
    public void Dispose()
    {
        // The store keeps connections open; they close before the temporary folder goes.
        Store.Dispose();
        if (_temporaryFolder is null) return;
        try { Directory.Delete(_temporaryFolder, true); } catch (IOException) { }
    }
}
