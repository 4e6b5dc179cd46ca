using System.Diagnostics;
using Npgsql;
using ProtocolEngine.Storage.Workflows;

namespace ProtocolEngine.Workflows.Tests.Support;

/// <summary>
/// The PostgreSQL the tests use: PROTOCOLENGINE_PG when set (tests/run sets it), otherwise a throwaway cluster that
/// .ci/start-postgres.sh starts for this run and .ci/stop-postgres.sh removes when the run ends (so these tests never
/// silently skip). Logins use a random password in a mode-600 file the connection string names. Each test gets its
/// own database.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<string> Admin = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string AdminConnectionString => Admin.Value;

    private static string Start()
    {
        var fromEnv = Environment.GetEnvironmentVariable("PROTOCOLENGINE_PG");
        if (!string.IsNullOrWhiteSpace(fromEnv)) return fromEnv;
        var script = Path.Combine(RepoPaths.Root, ".ci", "start-postgres.sh");
        var psi = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) throw new InvalidOperationException("start-postgres.sh did not finish in 5 minutes.");
        if (p.ExitCode != 0) throw new InvalidOperationException($"start-postgres.sh failed ({p.ExitCode}): {stderr.Result}");
        var connectionString = stdout.Result.Trim().Split('\n').Last().Trim();
        // The cluster is this test run's own: a watcher outside this process stops and deletes it once the process has
        // ended (normally, killed or crashed), unless PROTOCOLENGINE_KEEP_PG=1.
        var folder = Path.GetDirectoryName(new NpgsqlConnectionStringBuilder(connectionString).Passfile);
        if (folder is not null && Environment.GetEnvironmentVariable("PROTOCOLENGINE_KEEP_PG") != "1")
            StopWhenThisProcessEnds(folder);
        return connectionString;
    }

    private static void StopWhenThisProcessEnds(string folder)
    {
        var stop = Path.Combine(RepoPaths.Root, ".ci", "stop-postgres.sh");
        var watch = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; bash '{stop}' '{folder}'";
        var psi = new ProcessStartInfo("setsid", ["bash", "-c", watch])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        Process.Start(psi)?.Dispose();
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> NewDatabaseAsync(string prefix = "pe_wf")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var conn = new NpgsqlConnection(AdminConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 50 }.ConnectionString;
    }

    /// <summary>A migrated store on a new database.</summary>
    public static async Task<PostgresWorkflowStore> NewStoreAsync()
    {
        var store = new PostgresWorkflowStore(await NewDatabaseAsync());
        await store.MigrateAsync();
        return store;
    }
}
