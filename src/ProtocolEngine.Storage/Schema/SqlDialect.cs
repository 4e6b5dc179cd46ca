using System.Text;

namespace ProtocolEngine.Storage.Schema;

/// <summary>
/// What differs between databases: column types, row locks, paging, the journal's append-only trigger and the
/// migration lock. Everything else is the same SQL text.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>The provider name.</summary>
    public abstract string Name { get; }

    /// <summary>The column type for a portable type.</summary>
    public abstract string TypeOf(ColumnType type);

    /// <summary>CREATE TABLE (idempotent where the database allows) plus its indexes.</summary>
    public virtual IEnumerable<string> CreateTable(Table table)
    {
        var sb = new StringBuilder();
        sb.Append(CreateTablePrefix(table.Name)).Append(" (\n");
        foreach (var c in table.Columns)
            sb.Append("    ").Append(c.Name).Append(' ').Append(TypeOf(c.Type)).Append(c.Nullable ? " NULL" : " NOT NULL").Append(",\n");
        sb.Append("    CONSTRAINT pk_").Append(table.Name).Append(" PRIMARY KEY (").Append(string.Join(", ", table.PrimaryKey)).Append(")\n)");
        yield return sb.ToString();
        foreach (var i in table.Indexes) yield return CreateIndex(table.Name, i);
    }

    /// <summary>The start of a CREATE TABLE statement.</summary>
    protected virtual string CreateTablePrefix(string table) => $"CREATE TABLE IF NOT EXISTS {table}";

    /// <summary>A CREATE INDEX statement.</summary>
    protected virtual string CreateIndex(string table, Index i) =>
        $"CREATE {(i.Unique ? "UNIQUE " : "")}INDEX IF NOT EXISTS {i.Name} ON {table} ({string.Join(", ", i.Columns)})";

    /// <summary>ALTER TABLE adding a nullable column.</summary>
    public virtual string AddColumn(string table, Column column) =>
        $"ALTER TABLE {table} ADD COLUMN {column.Name} {TypeOf(column.Type)} NULL";

    /// <summary>Statements that make wf_journal append-only (updates and deletes fail).</summary>
    public abstract IEnumerable<string> JournalAppendOnly();

    /// <summary>The schema-version table (<c>wf_schema_version</c> unless another schema names its own).</summary>
    public virtual string CreateVersionTable(string name = "wf_schema_version") =>
        $"{CreateTablePrefix(name)} (version {TypeOf(ColumnType.Long)} NOT NULL PRIMARY KEY, description {TypeOf(ColumnType.Text)} NOT NULL, applied_at {TypeOf(ColumnType.Long)} NOT NULL)";

    /// <summary>Takes a lock that serialises migrations across processes for the rest of the transaction (empty if the transaction itself does).</summary>
    public abstract string MigrationLock { get; }

    /// <summary>Reads an instance and locks its row for the transaction.</summary>
    public abstract string LockInstance { get; }

    /// <summary>Reads an instance by workflow and key and locks it.</summary>
    public abstract string FindInstance { get; }

    /// <summary>Claims due timers, skipping rows other workers hold (parameters @now, @max).</summary>
    public abstract string ClaimDueTimers { get; }

    /// <summary>Reads a task and locks it.</summary>
    public abstract string GetTaskForUpdate { get; }

    /// <summary>The earliest pending timer.</summary>
    public virtual string NextDueAt => "SELECT MIN(due_at) FROM wf_waits WHERE status = 'pending' AND kind = 'timer'";

    /// <summary>Appended to an ordered SELECT: at most @limit rows, counted by the database (not read and dropped here).</summary>
    public virtual string FirstRows => " LIMIT @limit";

    /// <summary>A page of instance ids after @after (parameters @after, @limit).</summary>
    public abstract string ListInstanceIds { get; }

    /// <summary>Inserts a definition version with the next version number for its name, in one statement.</summary>
    public virtual string InsertDefinition =>
        "INSERT INTO wf_definitions (id, name, version, content_hash, status, body, created_at) " +
        "SELECT @name || '@' || CAST(COALESCE(MAX(version), 0) + 1 AS TEXT), @name, COALESCE(MAX(version), 0) + 1, @hash, @status, @body, @now FROM wf_definitions WHERE name = @name";
}
