namespace ProtocolEngine.Storage.Schema;

/// <summary>SQL Server: UPDLOCK row locks, READPAST to skip rows other workers hold, TOP instead of LIMIT.</summary>
public sealed class SqlServerDialect : SqlDialect
{
    /// <inheritdoc />
    public override string Name => "sqlserver";

    /// <inheritdoc />
    public override string TypeOf(ColumnType type) => type switch
    {
        ColumnType.Long => "BIGINT",
        ColumnType.Key => "NVARCHAR(200)",
        _ => "NVARCHAR(MAX)",
    };

    /// <inheritdoc />
    protected override string CreateTablePrefix(string table) => $"IF OBJECT_ID(N'{table}', N'U') IS NULL CREATE TABLE {table}";

    /// <inheritdoc />
    protected override string CreateIndex(string table, Index i) =>
        $"IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'{i.Name}') CREATE {(i.Unique ? "UNIQUE " : "")}INDEX {i.Name} ON {table} ({string.Join(", ", i.Columns)})";

    /// <inheritdoc />
    public override string AddColumn(string table, Column column) =>
        $"IF COL_LENGTH(N'{table}', N'{column.Name}') IS NULL ALTER TABLE {table} ADD {column.Name} {TypeOf(column.Type)} NULL";

    /// <inheritdoc />
    public override IEnumerable<string> JournalAppendOnly() =>
    [
        """
        CREATE OR ALTER TRIGGER wf_journal_no_change ON wf_journal INSTEAD OF UPDATE, DELETE AS
        BEGIN THROW 51000, 'wf_journal is append-only', 1; END
        """,
    ];

    /// <inheritdoc />
    public override string MigrationLock => "EXEC sp_getapplock @Resource = 'wf_migrations', @LockMode = 'Exclusive', @LockOwner = 'Transaction'";

    /// <inheritdoc />
    public override string LockInstance => "SELECT * FROM wf_instances WITH (UPDLOCK, ROWLOCK) WHERE id = @id";

    /// <inheritdoc />
    public override string FindInstance => "SELECT * FROM wf_instances WITH (UPDLOCK, ROWLOCK) WHERE workflow = @workflow AND correlation_key = @key";

    /// <inheritdoc />
    public override string ClaimDueTimers =>
        "SELECT TOP (@max) w.*, i.* FROM wf_waits w WITH (UPDLOCK, READPAST, ROWLOCK) JOIN wf_instances i WITH (UPDLOCK, READPAST, ROWLOCK) ON i.id = w.instance_id " +
        "WHERE w.status = 'pending' AND w.kind = 'timer' AND w.due_at <= @now ORDER BY w.due_at";

    /// <inheritdoc />
    public override string GetTaskForUpdate => "SELECT * FROM wf_tasks WITH (UPDLOCK, ROWLOCK) WHERE id = @id";

    /// <inheritdoc />
    public override string FirstRows => " OFFSET 0 ROWS FETCH NEXT @limit ROWS ONLY";

    /// <inheritdoc />
    public override string ListInstanceIds => "SELECT TOP (@limit) id FROM wf_instances WHERE id > @after ORDER BY id";

    /// <inheritdoc />
    public override string InsertDefinition =>
        "INSERT INTO wf_definitions (id, name, version, content_hash, status, body, created_at) " +
        "SELECT @name + '@' + CAST(COALESCE(MAX(version), 0) + 1 AS NVARCHAR(20)), @name, COALESCE(MAX(version), 0) + 1, @hash, @status, @body, @now FROM wf_definitions WITH (UPDLOCK, HOLDLOCK) WHERE name = @name";
}
