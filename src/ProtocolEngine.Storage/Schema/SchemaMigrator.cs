using System.Data.Common;
using Dapper;
using ProtocolEngine.Storage.Connections;

namespace ProtocolEngine.Storage.Schema;

/// <summary>
/// Applies the versioned migrations of one schema (the workflow runtime's, the server's) inside a transaction the
/// caller holds, under the dialect's migration lock, and records each version in the schema's version table.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>Applies every migration not yet recorded in <paramref name="versionTable"/>.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The transaction the migrations run in (committed by the caller).</param>
    /// <param name="dialect">The database's dialect.</param>
    /// <param name="versionTable">The table recording applied versions.</param>
    /// <param name="migrations">The migrations, in order.</param>
    /// <param name="extra">Statements a version runs after its tables and columns (triggers, ...).</param>
    /// <param name="ct">Cancels the statements.</param>
    /// <returns>The versions applied by this call.</returns>
    public static async Task<IReadOnlyList<int>> ApplyAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, string versionTable,
        IReadOnlyList<SchemaMigration> migrations, Func<int, IEnumerable<string>>? extra = null, CancellationToken ct = default)
    {
        if (dialect.MigrationLock.Length > 0) await connection.ExecuteAsync(ct, dialect.MigrationLock, transaction: transaction);
        await connection.ExecuteAsync(ct, dialect.CreateVersionTable(versionTable), transaction: transaction);
        var applied = (await connection.QueryAsync<long>(ct, $"SELECT version FROM {versionTable}", transaction: transaction)).ToHashSet();
        var done = new List<int>();
        foreach (var m in migrations)
        {
            if (applied.Contains(m.Version)) continue;
            foreach (var table in m.Tables)
                foreach (var sql in dialect.CreateTable(table)) await connection.ExecuteAsync(ct, sql, transaction: transaction);
            foreach (var column in m.Columns ?? [])
                await connection.ExecuteAsync(ct, dialect.AddColumn(column.Table, column.Column), transaction: transaction);
            foreach (var sql in extra?.Invoke(m.Version) ?? []) await connection.ExecuteAsync(ct, sql, transaction: transaction);
            await connection.ExecuteAsync(ct, $"INSERT INTO {versionTable} (version, description, applied_at) VALUES (@v, @d, @at)",
                new { v = (long)m.Version, d = m.Description, at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);
            done.Add(m.Version);
        }
        return done;
    }
}
