namespace ProtocolEngine.Storage.Schema;

/// <summary>
/// The server's own tables (people, tokens, protocol versions, studies, screening runs, events, the audit chain), kept
/// beside the workflow tables in the server's database and rendered by the same dialects. Versioned in
/// <c>srv_schema_version</c>, never edited once shipped.
/// </summary>
internal static class ServerSchema
{
    /// <summary>The table recording applied versions.</summary>
    public const string VersionTable = "srv_schema_version";

    private static Column K(string n, bool nullable = false) => new(n, ColumnType.Key, nullable);
    private static Column T(string n, bool nullable = false) => new(n, ColumnType.Text, nullable);
    private static Column L(string n, bool nullable = false) => new(n, ColumnType.Long, nullable);

    /// <summary>Every migration, in order. Never edit a shipped one: add the next.</summary>
    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new SchemaMigration(1, "server: users, memberships, tokens, protocol versions, signatures, studies, subjects, screening runs, attestations, events, allocations, idempotency, audit chain, data-protection keys, validation runs",
        [
            new Table("srv_users", [K("id"), K("user_name"), T("display_name"), T("password_hash"), K("kind"), L("created_at"), L("disabled_at", true)], ["id"],
                [new Index("ux_srv_users_name", ["user_name"], true)]),
            new Table("srv_memberships", [K("id"), K("user_id"), K("study_id"), K("role"), T("sites")], ["id"],
                [new Index("ux_srv_memberships_role", ["user_id", "study_id", "role"], true), new Index("ix_srv_memberships_study", ["study_id"])]),
            new Table("srv_tokens",
                [K("id"), K("user_id"), T("name"), K("token_hash"), T("scopes"), K("study_id", true), L("created_at"), L("expires_at", true), L("revoked_at", true)], ["id"],
                [new Index("ux_srv_tokens_hash", ["token_hash"], true), new Index("ix_srv_tokens_user", ["user_id"])]),
            new Table("srv_protocols",
                [K("id"), K("name"), L("number"), K("label", true), K("content_hash"), T("title", true), T("sources"), K("author"), L("published_at"), K("signature_id", true)], ["id"],
                [new Index("ux_srv_protocols_number", ["name", "number"], true), new Index("ux_srv_protocols_hash", ["name", "content_hash"], true)]),
            new Table("srv_signatures",
                [K("id"), K("record_kind"), K("record_id"), K("record_hash"), K("signer_id"), T("printed_name"), K("meaning"), L("signed_at"), K("signature_hash")], ["id"],
                [new Index("ix_srv_signatures_record", ["record_kind", "record_id"])]),
            new Table("srv_studies",
                [K("id"), T("title"), K("protocol_id"), T("data_path"), T("data_source"), K("created_by"), L("created_at"), L("subjects"), T("sites"), K("randomization_seed"), K("encoding", true)], ["id"], []),
            new Table("srv_subjects", [K("study_id"), K("subject_id"), K("site_id", true)], ["study_id", "subject_id"],
                [new Index("ix_srv_subjects_site", ["study_id", "site_id"])]),
            new Table("srv_screening_runs",
                [K("id"), K("study_id"), K("protocol_id"), K("status"), K("as_of"), K("phase", true), K("started_by"), L("started_at"), L("finished_at", true),
                 L("done"), L("total"), T("summary", true), T("error", true)], ["id"],
                [new Index("ix_srv_screening_runs_study", ["study_id", "started_at"])]),
            new Table("srv_screening_subjects", [K("run_id"), K("subject_id"), K("site_id", true), K("status"), T("result")], ["run_id", "subject_id"],
                [new Index("ix_srv_screening_subjects_status", ["run_id", "status", "site_id"])]),
            new Table("srv_attestations",
                [K("id"), K("study_id"), K("subject_id"), K("criterion_id"), K("criterion_hash"), K("outcome"), T("reason"), K("signature_id"), L("created_at")], ["id"],
                [new Index("ix_srv_attestations_subject", ["study_id", "subject_id"])]),
            new Table("srv_events",
                [K("id"), L("seq"), K("study_id"), K("subject_id"), K("name"), K("domain", true), K("record_id", true), T("payload"), K("idempotency_key"),
                 K("status"), L("attempts"), K("lease_owner", true), L("lease_until", true), L("received_at"), L("processed_at", true), T("result", true),
                 T("error", true), K("actor"), K("correlation_id", true)], ["id"],
                [new Index("ux_srv_events_key", ["study_id", "idempotency_key"], true), new Index("ix_srv_events_status", ["status", "seq"]),
                 new Index("ix_srv_events_subject", ["study_id", "subject_id", "seq"])]),
            new Table("srv_allocations", [K("study_id"), L("seq"), K("subject_id"), K("stratum"), K("arm"), L("at")], ["study_id", "seq"],
                [new Index("ux_srv_allocations_subject", ["study_id", "subject_id"], true)]),
            new Table("srv_locks", [K("name"), L("at")], ["name"], []),
            new Table("srv_idempotency", [K("user_id"), K("idempotency_key"), K("method"), T("path"), L("status"), T("body"), L("created_at")], ["user_id", "idempotency_key"], []),
            new Table("srv_audit",
                [L("seq"), L("at"), K("actor"), K("action"), K("target"), T("old_value", true), T("new_value", true), T("detail", true), K("correlation_id", true),
                 K("prev_hash"), K("hash")], ["seq"],
                [new Index("ix_srv_audit_action", ["action", "target", "at"])]),
            new Table("srv_audit_head", [K("id"), L("seq"), K("hash")], ["id"], []),
            new Table("srv_keys", [K("id"), T("xml"), L("created_at")], ["id"], []),
            new Table("srv_validation_runs",
                [K("id"), K("study_id"), K("protocol_id"), K("status"), K("started_by"), L("started_at"), L("finished_at", true), T("summary", true), T("report", true), T("error", true)], ["id"],
                [new Index("ix_srv_validation_runs_study", ["study_id", "started_at"])]),
        ]),
    ];

    /// <summary>The newest schema version.</summary>
    public static int LatestVersion => Migrations[^1].Version;
}
