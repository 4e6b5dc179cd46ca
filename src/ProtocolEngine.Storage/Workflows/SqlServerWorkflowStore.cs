using System.Data.Common;
using Microsoft.Data.SqlClient;
using ProtocolEngine.Storage.Schema;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>SQL Server through Microsoft.Data.SqlClient, on the same schema: UPDLOCK row locks and READPAST claims.</summary>
/// <param name="connectionString">A SqlClient connection string.</param>
public sealed class SqlServerWorkflowStore(string connectionString) : DapperWorkflowStore(new SqlServerDialect())
{
    /// <inheritdoc />
    protected internal override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var conn = new SqlConnection(connectionString);
        await conn.OpenAsync(ct);
        return conn;
    }

    /// <inheritdoc />
    protected internal override bool IsUniqueViolation(Exception exception) => exception is SqlException { Number: 2627 or 2601 };

    /// <inheritdoc />
    public override bool IsTransient(Exception exception) => exception is SqlException { Number: 1205 or 1222 };
}
