namespace ProtocolEngine.Storage.Schema;

/// <summary>SQLite: one writer at a time (BEGIN IMMEDIATE), so plain reads are already exclusive within a write transaction.</summary>
public sealed class SqliteDialect : SqlDialect
{
    /// <inheritdoc />
    public override string Name => "sqlite";

    /// <inheritdoc />
    public override string TypeOf(ColumnType type) => type == ColumnType.Long ? "INTEGER" : "TEXT";

    /// <inheritdoc />
    public override IEnumerable<string> JournalAppendOnly() =>
    [
        "CREATE TRIGGER IF NOT EXISTS wf_journal_no_update BEFORE UPDATE ON wf_journal BEGIN SELECT RAISE(ABORT, 'wf_journal is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS wf_journal_no_delete BEFORE DELETE ON wf_journal BEGIN SELECT RAISE(ABORT, 'wf_journal is append-only'); END",
    ];

    /// <inheritdoc />
    public override string MigrationLock => "";

    /// <inheritdoc />
    public override string LockInstance => "SELECT * FROM wf_instances WHERE id = @id";

    /// <inheritdoc />
    public override string FindInstance => "SELECT * FROM wf_instances WHERE workflow = @workflow AND correlation_key = @key";

    /// <inheritdoc />
    public override string ClaimDueTimers =>
        "SELECT w.*, i.* FROM wf_waits w JOIN wf_instances i ON i.id = w.instance_id WHERE w.status = 'pending' AND w.kind = 'timer' AND w.due_at <= @now ORDER BY w.due_at LIMIT @max";

    /// <inheritdoc />
    public override string GetTaskForUpdate => "SELECT * FROM wf_tasks WHERE id = @id";

    /// <inheritdoc />
    public override string ListInstanceIds => "SELECT id FROM wf_instances WHERE id > @after ORDER BY id LIMIT @limit";
}
