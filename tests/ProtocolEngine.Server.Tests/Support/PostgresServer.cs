using System.Diagnostics;
using Npgsql;
using ProtocolEngine.Storage.Workflows;

namespace ProtocolEngine.Server.Tests.Support;

/// <summary>
/// The PostgreSQL the tests use: PROTOCOLENGINE_PG when set, otherwise the throwaway cluster .ci/start-postgres.sh
/// starts (so these tests never silently skip). Each test gets its own database.
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
        return stdout.Result.Trim().Split('\n').Last().Trim();
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> NewDatabaseAsync(string prefix = "pe_srv")
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
