using System.Data.Common;
using ProtocolEngine.Workflows.Persistence;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>Opens the store a host names: a SQLite file, a PostgreSQL or a SQL Server connection string.</summary>
public static class WorkflowStores
{
    /// <summary>
    /// Opens an existing workflow database without changing it. Throws <see cref="FileNotFoundException"/> for a missing
    /// SQLite file and <see cref="InvalidDataException"/> when the database holds no workflow schema.
    /// </summary>
    public static async Task<DapperWorkflowStore> OpenExistingAsync(string? sqlitePath, string? postgres, string? sqlServer, CancellationToken ct = default)
    {
        DapperWorkflowStore store;
        string what;
        if (postgres is not null) { store = new PostgresWorkflowStore(postgres); what = "the PostgreSQL database"; }
        else if (sqlServer is not null) { store = new SqlServerWorkflowStore(sqlServer); what = "the SQL Server database"; }
        else
        {
            var path = sqlitePath ?? throw new ArgumentException("Name a database: a SQLite file, a PostgreSQL or a SQL Server connection string.");
            if (!File.Exists(path)) throw new FileNotFoundException($"No workflow database at {path}.", path);
            store = new SqliteWorkflowStore(path);
            what = path;
        }
        try
        {
            var versions = await store.AppliedVersionsAsync(ct);
            if (versions.Count == 0) throw new InvalidDataException($"{what} has no workflow schema (wf_schema_version is empty).");
            if (versions.Max() > Schema.WorkflowSchema.LatestVersion)
                throw new InvalidDataException($"{what} has workflow schema version {versions.Max()}, newer than this program ({Schema.WorkflowSchema.LatestVersion}).");
        }
        catch (DbException ex)
        {
            throw new InvalidDataException($"{what} is not a workflow database: {ex.Message}", ex);
        }
        return store;
    }
}
