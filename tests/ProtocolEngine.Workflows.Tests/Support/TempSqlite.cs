using ProtocolEngine.Storage.Workflows;

namespace ProtocolEngine.Workflows.Tests.Support;

/// <summary>A migrated SQLite store in a temporary folder, deleted afterwards.</summary>
public sealed class TempSqlite : IDisposable
{
    public TempSqlite(bool fullSync = true)
    {
        Folder = Path.Combine(Path.GetTempPath(), "pe-wf-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Store = new SqliteWorkflowStore(Path.Combine(Folder, "workflows.db"), fullSync);
        Store.MigrateAsync().GetAwaiter().GetResult();
    }

    public string Folder { get; }

    public SqliteWorkflowStore Store { get; }

    public string DbPath => Store.Path;

    public void Dispose()
    {
        Store.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
