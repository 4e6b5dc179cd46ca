using System.Data.Common;
using Dapper;

namespace ProtocolEngine.Storage.Connections;

/// <summary>
/// Dapper's calls with the caller's <see cref="CancellationToken"/> first: every statement of the stores goes through
/// these, so a request that is cancelled (a closed HTTP connection, Ctrl-C, a stopping worker) stops its query in the
/// database too, and no call can forget the token.
/// </summary>
internal static class CancellableCommands
{
    private static CommandDefinition Command(string sql, object? param, DbTransaction? transaction, CancellationToken ct) =>
        new(sql, param, transaction, cancellationToken: ct);

    public static Task<int> ExecuteAsync(this DbConnection connection, CancellationToken ct, string sql, object? param = null, DbTransaction? transaction = null) =>
        connection.ExecuteAsync(Command(sql, param, transaction, ct));

    public static Task<T?> ExecuteScalarAsync<T>(this DbConnection connection, CancellationToken ct, string sql, object? param = null, DbTransaction? transaction = null) =>
        connection.ExecuteScalarAsync<T>(Command(sql, param, transaction, ct));

    public static Task<IEnumerable<T>> QueryAsync<T>(this DbConnection connection, CancellationToken ct, string sql, object? param = null, DbTransaction? transaction = null) =>
        connection.QueryAsync<T>(Command(sql, param, transaction, ct));

    public static Task<IEnumerable<dynamic>> QueryAsync(this DbConnection connection, CancellationToken ct, string sql, object? param = null, DbTransaction? transaction = null) =>
        connection.QueryAsync(Command(sql, param, transaction, ct));

    public static Task<T> QuerySingleAsync<T>(this DbConnection connection, CancellationToken ct, string sql, object? param = null, DbTransaction? transaction = null) =>
        connection.QuerySingleAsync<T>(Command(sql, param, transaction, ct));

    public static Task<T?> QuerySingleOrDefaultAsync<T>(this DbConnection connection, CancellationToken ct, string sql, object? param = null, DbTransaction? transaction = null) =>
        connection.QuerySingleOrDefaultAsync<T>(Command(sql, param, transaction, ct));

    public static Task<dynamic> QuerySingleAsync(this DbConnection connection, CancellationToken ct, string sql, object? param = null, DbTransaction? transaction = null) =>
        connection.QuerySingleAsync(Command(sql, param, transaction, ct));
}
