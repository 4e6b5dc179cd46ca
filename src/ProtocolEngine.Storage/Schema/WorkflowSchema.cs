namespace ProtocolEngine.Storage.Schema;

/// <summary>Portable column types; each dialect renders them.</summary>
public enum ColumnType
{
    /// <summary>A short indexed text (ids, names, keys, statuses).</summary>
    Key,
    /// <summary>Unbounded text (JSON, messages).</summary>
    Text,
    /// <summary>A 64-bit integer (versions, sequences, Unix-millisecond times).</summary>
    Long,
}

/// <summary>A column.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The portable type.</param>
/// <param name="Nullable">True when it may be null.</param>
public sealed record Column(string Name, ColumnType Type, bool Nullable = false);

/// <summary>An index.</summary>
/// <param name="Name">The index name.</param>
/// <param name="Columns">Its columns.</param>
/// <param name="Unique">True for a unique index.</param>
public sealed record Index(string Name, IReadOnlyList<string> Columns, bool Unique = false);

/// <summary>A table.</summary>
/// <param name="Name">The table name.</param>
/// <param name="Columns">Its columns.</param>
/// <param name="PrimaryKey">Its primary key columns.</param>
/// <param name="Indexes">Its indexes.</param>
public sealed record Table(string Name, IReadOnlyList<Column> Columns, IReadOnlyList<string> PrimaryKey, IReadOnlyList<Index> Indexes);

/// <summary>A column added to an existing table.</summary>
/// <param name="Table">The table.</param>
/// <param name="Column">The column (nullable: rows written before have none).</param>
public sealed record AddedColumn(string Table, Column Column);

/// <summary>A versioned schema migration: the tables it creates and the columns it adds.</summary>
/// <param name="Version">The version, 1 upwards.</param>
/// <param name="Description">What it does.</param>
/// <param name="Tables">Tables it creates.</param>
/// <param name="Columns">Columns it adds to existing tables.</param>
public sealed record SchemaMigration(int Version, string Description, IReadOnlyList<Table> Tables, IReadOnlyList<AddedColumn>? Columns = null);

/// <summary>
/// The workflow schema, one definition for every database, so SQLite, PostgreSQL and SQL Server hold the same tables.
/// All times are Unix milliseconds (BIGINT), all ids text.
/// </summary>
internal static class WorkflowSchema
{
    private static Column K(string n, bool nullable = false) => new(n, ColumnType.Key, nullable);
    private static Column T(string n, bool nullable = false) => new(n, ColumnType.Text, nullable);
    private static Column L(string n, bool nullable = false) => new(n, ColumnType.Long, nullable);

    /// <summary>Every migration, in order. Never edit a shipped one: add the next.</summary>
    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new SchemaMigration(1, "workflow runtime: definitions, instances, waits, tasks, signatures, journal, outbox, commands, unmatched events",
        [
            new Table("wf_definitions", [K("id"), K("name"), L("version"), K("content_hash"), K("status"), T("body"), L("created_at")], ["id"],
                [new Index("ux_wf_definitions_name_version", ["name", "version"], true), new Index("ux_wf_definitions_name_hash", ["name", "content_hash"], true)]),
            new Table("wf_instances",
                [K("id"), K("definition_id"), K("workflow"), K("correlation_key"), K("subject_id"), K("state"), K("status"), T("data"),
                 L("row_version"), L("journal_seq"), K("journal_head"), L("created_at"), L("updated_at"), L("state_entered_at")], ["id"],
                [new Index("ux_wf_instances_key", ["workflow", "correlation_key"], true), new Index("ix_wf_instances_definition", ["definition_id", "status"])]),
            new Table("wf_waits",
                [K("id"), K("instance_id"), K("kind"), K("purpose"), L("due_at", true), K("event_name", true), K("correlation_key", true),
                 K("task_id", true), K("state", true), T("payload"), K("status"), L("created_at"), L("closed_at", true)], ["id"],
                [new Index("ix_wf_waits_due", ["status", "due_at"]), new Index("ix_wf_waits_event", ["event_name", "correlation_key", "status"]),
                 new Index("ix_wf_waits_instance", ["instance_id", "status"]), new Index("ix_wf_waits_task", ["task_id", "status"])]),
            new Table("wf_tasks",
                [K("id"), K("instance_id"), K("name"), K("kind"), T("title", true), K("state"), T("candidate_roles"), T("candidate_users"),
                 K("assignee", true), K("status"), K("decision", true), T("reason", true), L("due_at", true), K("signature_meaning", true),
                 L("row_version"), L("created_at"), L("completed_at", true), K("completed_by", true)], ["id"],
                [new Index("ix_wf_tasks_instance", ["instance_id", "state", "status"]), new Index("ix_wf_tasks_status", ["status"])]),
            new Table("wf_signatures",
                [K("id"), K("task_id"), K("instance_id"), K("signer_id"), T("printed_name"), K("meaning"), L("signed_at"), K("record_hash"), K("signature_hash")], ["id"],
                [new Index("ix_wf_signatures_task", ["task_id"])]),
            new Table("wf_journal",
                [K("instance_id"), L("seq"), L("at"), K("actor"), K("action"), T("old_value", true), T("new_value", true), T("rule_hashes", true),
                 T("detail", true), K("prev_hash"), K("hash")], ["instance_id", "seq"],
                [new Index("ix_wf_journal_at", ["at"])]),
            new Table("wf_outbox",
                [K("id"), K("instance_id"), K("kind"), K("dedupe_key"), T("recipient", true), T("payload"), L("created_at"), L("dispatched_at", true)], ["id"],
                [new Index("ux_wf_outbox_dedupe", ["dedupe_key"], true), new Index("ix_wf_outbox_instance", ["instance_id"])]),
            new Table("wf_commands", [K("idempotency_key"), K("instance_id", true), K("kind"), T("result"), L("created_at")], ["idempotency_key"], []),
            new Table("wf_unmatched_events", [K("id"), K("name"), K("correlation_key"), T("payload"), L("received_at")], ["id"],
                [new Index("ix_wf_unmatched_key", ["correlation_key"])]),
        ]),
        new SchemaMigration(2, "journal entries name the request that caused them (correlation_id)", [],
            [new AddedColumn("wf_journal", K("correlation_id", true))]),
    ];

    /// <summary>The newest schema version.</summary>
    public static int LatestVersion => Migrations[^1].Version;
}
