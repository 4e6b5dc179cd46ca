using System.Data.Common;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Storage.Connections;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>
/// Opens the store a host names (see <see cref="ConnectionSettings"/>): a SQLite file, a PostgreSQL or a SQL Server
/// database. Every failure is an <see cref="InvalidDataException"/> whose message names the database with its
/// password masked (<see cref="DatabaseConnection.Display"/>), and any password the driver echoed removed.
/// </summary>
public static class WorkflowStores
{
    /// <summary>
    /// Opens an existing workflow database read-only, for commands that only read (journal verify, queries list): a
    /// SQLite file with <c>Mode=ReadOnly</c> (its bytes and modification time never change, even when it is not a
    /// database at all), a PostgreSQL session with <c>default_transaction_read_only</c>. Throws
    /// <see cref="FileNotFoundException"/> for a missing SQLite file and <see cref="InvalidDataException"/> when the
    /// path is not a regular file, the database cannot be reached or holds no workflow schema.
    /// </summary>
    public static async Task<DapperWorkflowStore> OpenExistingAsync(DatabaseConnection connection, CancellationToken ct = default)
    {
        DapperWorkflowStore store;
        switch (connection.Kind)
        {
            case DatabaseKind.Postgres:
                var readOnly = new Npgsql.NpgsqlConnectionStringBuilder(connection.ConnectionString) { Options = "-c default_transaction_read_only=on" };
                store = new PostgresWorkflowStore(readOnly.ConnectionString);
                break;
            case DatabaseKind.SqlServer:
                store = new SqlServerWorkflowStore(connection.ConnectionString);
                break;
            default:
                var path = connection.ConnectionString;
                if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"No workflow database at {path}.", path);
                // A folder, pipe or device is not a database; opening a pipe would wait for a writer forever.
                var kind = OutputFiles.KindOfTarget(path);
                if (kind != PathKind.File) throw new InvalidDataException($"{path} is not a workflow database: it is {OutputFiles.Describe(kind)}, not a file.");
                if (new FileInfo(path).Length == 0) throw new InvalidDataException($"{path} is not a workflow database: the file is empty.");
                store = new SqliteWorkflowStore(path, readOnly: true);
                break;
        }
        try
        {
            var versions = await store.AppliedVersionsAsync(ct);
            if (versions.Count == 0) throw new InvalidDataException($"{connection.Description} has no workflow schema (wf_schema_version is empty).");
            if (versions.Max() > Schema.WorkflowSchema.LatestVersion)
                throw new InvalidDataException($"{connection.Description} has workflow schema version {versions.Max()}, newer than this program ({Schema.WorkflowSchema.LatestVersion}).");
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            throw new InvalidDataException(ConnectionSettings.MaskSecrets(
                connection.Kind == DatabaseKind.Sqlite ? $"{connection.Description} is not a workflow database: {ex.Message}" : $"{connection.Description} cannot be read: {ex.Message}"), ex);
        }
        return store;
    }

    /// <summary>Opens a workflow database to write in, creating a SQLite file and the schema when missing (<c>--db</c> of validate).</summary>
    /// <exception cref="InvalidDataException">The database cannot be opened or migrated; the message names it with its password masked.</exception>
    public static async Task<DapperWorkflowStore> OpenAsync(DatabaseConnection connection, CancellationToken ct = default)
    {
        if (connection.Kind == DatabaseKind.Sqlite) OutputFiles.RequireFile(connection.ConnectionString, "--db");
        DapperWorkflowStore store = connection.Kind switch
        {
            DatabaseKind.Postgres => new PostgresWorkflowStore(connection.ConnectionString),
            DatabaseKind.SqlServer => new SqlServerWorkflowStore(connection.ConnectionString),
            _ => new SqliteWorkflowStore(connection.ConnectionString),
        };
        try
        {
            await store.MigrateAsync(ct);
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            throw new InvalidDataException(ConnectionSettings.MaskSecrets($"{connection.Description} cannot be opened: {ex.Message}"), ex);
        }
        return store;
    }

    // What a driver throws when the server is unreachable, refuses the login or the file is not a database.
    private static bool IsDatabaseFailure(Exception ex) =>
        ex is DbException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException { Source: "Npgsql" };
}
