using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>
/// An open SQLite connection kept by <see cref="SqliteWorkflowStore"/> with the statements it has prepared. Microsoft.Data.Sqlite
/// compiles a command's SQL again for every new command and finalises it when the connection closes; a step runs
/// a dozen statements, so re-compiling them cost a large share of every step. A pooled connection keeps each
/// statement compiled and only binds new values.
/// </summary>
internal sealed class SqlitePooledConnection(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, CachedStatement> _statements = new(StringComparer.Ordinal);

    public SqliteConnection Connection { get; } = connection;

    /// <summary>The compiled statement for <paramref name="sql"/> with <paramref name="args"/> bound, in <paramref name="transaction"/>.</summary>
    public SqliteCommand Bind(string sql, SqliteTransaction? transaction, object? args)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            statement = new CachedStatement(command);
            _statements[sql] = statement;
        }
        statement.Command.Transaction = transaction;
        if (args is not null)
            foreach (var (name, value, _) in StatementArguments.Of(args))
            {
                if (!statement.Parameters.TryGetValue(name, out var parameter))
                {
                    parameter = statement.Command.Parameters.Add(new SqliteParameter("@" + name, value ?? DBNull.Value));
                    statement.Parameters[name] = parameter;
                }
                else parameter.Value = value ?? DBNull.Value;
            }
        return statement.Command;
    }

    private bool _broken;

    /// <summary>Drops a statement after it failed (the next use compiles it afresh); a broken connection is not used again.</summary>
    public void Forget(string sql, bool broken)
    {
        if (_statements.Remove(sql, out var statement)) statement.Command.Dispose();
        _broken |= broken;
    }

    /// <summary>True when the connection is open and outside any transaction: fit to be used again.</summary>
    public bool IsIdle => !_broken && Connection.State == ConnectionState.Open && Connection.Handle is { } handle && SQLitePCL.raw.sqlite3_get_autocommit(handle) != 0;

    public void Dispose()
    {
        foreach (var s in _statements.Values) s.Command.Dispose();
        _statements.Clear();
        Connection.Dispose();
    }

    private sealed record CachedStatement(SqliteCommand Command)
    {
        public Dictionary<string, SqliteParameter> Parameters { get; } = new(StringComparer.Ordinal);
    }
}
