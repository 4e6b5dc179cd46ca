namespace ProtocolEngine.Storage.Schema;

/// <summary>PostgreSQL: row locks, and workers claim due timers with FOR UPDATE SKIP LOCKED.</summary>
public sealed class PostgresDialect : SqlDialect
{
    /// <inheritdoc />
    public override string Name => "postgresql";

    /// <inheritdoc />
    public override string TypeOf(ColumnType type) => type == ColumnType.Long ? "BIGINT" : "TEXT";

    /// <inheritdoc />
    public override string AddColumn(string table, Column column) =>
        $"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column.Name} {TypeOf(column.Type)} NULL";

    /// <inheritdoc />
    public override IEnumerable<string> JournalAppendOnly() =>
    [
        """
        CREATE OR REPLACE FUNCTION wf_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'wf_journal is append-only'; END $$
        """,
        "DROP TRIGGER IF EXISTS wf_journal_no_change ON wf_journal",
        "CREATE TRIGGER wf_journal_no_change BEFORE UPDATE OR DELETE ON wf_journal FOR EACH ROW EXECUTE FUNCTION wf_journal_append_only()",
    ];

    /// <inheritdoc />
    public override string MigrationLock => "SELECT pg_advisory_xact_lock(7246001)";

    /// <inheritdoc />
    public override string LockInstance => "SELECT * FROM wf_instances WHERE id = @id FOR UPDATE";

    /// <inheritdoc />
    public override string FindInstance => "SELECT * FROM wf_instances WHERE workflow = @workflow AND correlation_key = @key FOR UPDATE";

    /// <inheritdoc />
    /// <remarks>The timer and its instance are locked together, skipping either if another worker holds it, so two engines never run the same step.</remarks>
    public override string ClaimDueTimers =>
        "SELECT w.*, i.* FROM wf_waits w JOIN wf_instances i ON i.id = w.instance_id " +
        "WHERE w.status = 'pending' AND w.kind = 'timer' AND w.due_at <= @now ORDER BY w.due_at LIMIT @max FOR UPDATE OF w, i SKIP LOCKED";

    /// <inheritdoc />
    public override string GetTaskForUpdate => "SELECT * FROM wf_tasks WHERE id = @id";

    /// <inheritdoc />
    public override string ListInstanceIds => "SELECT id FROM wf_instances WHERE id > @after ORDER BY id LIMIT @limit";
}
