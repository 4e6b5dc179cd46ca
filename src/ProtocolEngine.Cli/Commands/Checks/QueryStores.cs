using ProtocolEngine.Storage.Workflows;

namespace ProtocolEngine.Cli.Commands.Checks;

/// <summary>Opens the workflow database data queries live in, creating a SQLite file and the schema when missing.</summary>
internal static class QueryStores
{
    public static async Task<DapperWorkflowStore> OpenAsync(string? sqlite, string? postgres, string? sqlServer, CancellationToken ct)
    {
        DapperWorkflowStore store = postgres is not null ? new PostgresWorkflowStore(postgres)
            : sqlServer is not null ? new SqlServerWorkflowStore(sqlServer)
            : new SqliteWorkflowStore(sqlite ?? throw new UserFacingException("Name a query database: --db PATH, --pg CONNSTR or --sqlserver CONNSTR."));
        try
        {
            await store.MigrateAsync(ct);
        }
        catch (System.Data.Common.DbException ex)
        {
            throw new UserFacingException($"The query database cannot be opened: {ex.Message}");
        }
        return store;
    }
}
