namespace ProtocolEngine.Storage.Server;

/// <summary>The server statements that differ between databases: row locks, paging, claiming events.</summary>
internal static class ServerSql
{
    /// <summary>Reads a row of <c>srv_locks</c> and holds it for the transaction (a named mutex shared by every process).</summary>
    public static string LockRow(string dialect) => dialect switch
    {
        "postgresql" => "SELECT name FROM srv_locks WHERE name = @name FOR UPDATE",
        "sqlserver" => "SELECT name FROM srv_locks WITH (UPDLOCK, ROWLOCK) WHERE name = @name",
        // SQLite: BEGIN IMMEDIATE already holds the database write lock.
        _ => "SELECT name FROM srv_locks WHERE name = @name",
    };

    /// <summary>Reads the audit chain head and locks it.</summary>
    public static string LockAuditHead(string dialect) => dialect switch
    {
        "postgresql" => "SELECT seq, hash FROM srv_audit_head WHERE id = 'server' FOR UPDATE",
        "sqlserver" => "SELECT seq, hash FROM srv_audit_head WITH (UPDLOCK, ROWLOCK) WHERE id = 'server'",
        _ => "SELECT seq, hash FROM srv_audit_head WHERE id = 'server'",
    };

    /// <summary>"column is one of the list @name": Dapper expands IN lists, but hands PostgreSQL an array, which needs ANY.</summary>
    public static string InList(string dialect, string column, string parameter) =>
        dialect == "postgresql" ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";

    /// <summary>A page: @offset rows skipped, at most @limit returned (the statement must end with ORDER BY).</summary>
    public static string Page(string dialect) => dialect == "sqlserver" ? " OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY" : " LIMIT @limit OFFSET @offset";

    // An event waits while an earlier event of the same subject is pending or being processed: a subject's events are
    // taken in the order they arrived. A lease that ran out (its process died) makes the event claimable again.
    private const string Claimable =
        "(e.status = 'pending' OR (e.status = 'processing' AND e.lease_until < @now)) AND NOT EXISTS (SELECT 1 FROM srv_events p " +
        "WHERE p.study_id = e.study_id AND p.subject_id = e.subject_id AND p.seq < e.seq AND p.status IN ('pending', 'processing'))";

    /// <summary>Claims up to @max events with a lease for @owner until @until, skipping rows other workers hold.</summary>
    public static string ClaimEvents(string dialect) => dialect switch
    {
        "postgresql" =>
            "UPDATE srv_events SET status = 'processing', lease_owner = @owner, lease_until = @until, attempts = attempts + 1 WHERE id IN (" +
            "SELECT e.id FROM srv_events e WHERE " + Claimable + " ORDER BY e.seq LIMIT @max FOR UPDATE SKIP LOCKED) RETURNING *",
        "sqlserver" =>
            "UPDATE srv_events SET status = 'processing', lease_owner = @owner, lease_until = @until, attempts = attempts + 1 OUTPUT inserted.* WHERE id IN (" +
            "SELECT TOP (@max) e.id FROM srv_events e WITH (UPDLOCK, READPAST, ROWLOCK) WHERE " + Claimable + " ORDER BY e.seq)",
        _ =>
            "UPDATE srv_events SET status = 'processing', lease_owner = @owner, lease_until = @until, attempts = attempts + 1 WHERE id IN (" +
            "SELECT e.id FROM srv_events e WHERE " + Claimable + " ORDER BY e.seq LIMIT @max) RETURNING *",
    };

    /// <summary>Statements that make srv_audit append-only, as wf_journal is.</summary>
    public static IEnumerable<string> AuditAppendOnly(string dialect) => dialect switch
    {
        "postgresql" =>
        [
            """
            CREATE OR REPLACE FUNCTION srv_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'srv_audit is append-only'; END $$
            """,
            "DROP TRIGGER IF EXISTS srv_audit_no_change ON srv_audit",
            "CREATE TRIGGER srv_audit_no_change BEFORE UPDATE OR DELETE ON srv_audit FOR EACH ROW EXECUTE FUNCTION srv_audit_append_only()",
        ],
        "sqlserver" =>
        [
            """
            CREATE OR ALTER TRIGGER srv_audit_no_change ON srv_audit INSTEAD OF UPDATE, DELETE AS
            BEGIN THROW 51000, 'srv_audit is append-only', 1; END
            """,
        ],
        _ =>
        [
            "CREATE TRIGGER IF NOT EXISTS srv_audit_no_update BEFORE UPDATE ON srv_audit BEGIN SELECT RAISE(ABORT, 'srv_audit is append-only'); END",
            "CREATE TRIGGER IF NOT EXISTS srv_audit_no_delete BEFORE DELETE ON srv_audit BEGIN SELECT RAISE(ABORT, 'srv_audit is append-only'); END",
        ],
    };
}
