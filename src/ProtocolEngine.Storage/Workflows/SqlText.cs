namespace ProtocolEngine.Storage.Workflows;

/// <summary>The SQL every dialect shares (standard SQL with @parameters).</summary>
internal static class SqlText
{
    public const string InsertInstance =
        "INSERT INTO wf_instances (id, definition_id, workflow, correlation_key, subject_id, state, status, data, row_version, journal_seq, journal_head, created_at, updated_at, state_entered_at) " +
        "VALUES (@id, @definition_id, @workflow, @correlation_key, @subject_id, @state, @status, @data, @row_version, @journal_seq, @journal_head, @created_at, @updated_at, @state_entered_at)";

    public const string UpdateInstance =
        "UPDATE wf_instances SET definition_id = @definition_id, state = @state, status = @status, data = @data, row_version = @row_version, " +
        "journal_seq = @journal_seq, journal_head = @journal_head, updated_at = @updated_at, state_entered_at = @state_entered_at " +
        "WHERE id = @id AND row_version = @expected";

    public const string InsertJournal =
        "INSERT INTO wf_journal (instance_id, seq, at, actor, action, old_value, new_value, rule_hashes, detail, prev_hash, hash, correlation_id) " +
        "VALUES (@InstanceId, @Sequence, @at, @Actor, @Action, @OldValue, @NewValue, @RuleHashes, @Detail, @PreviousHash, @Hash, @CorrelationId)";

    public const string InsertOutbox =
        "INSERT INTO wf_outbox (id, instance_id, kind, dedupe_key, recipient, payload, created_at) VALUES (@Id, @InstanceId, @Kind, @DedupeKey, @Recipient, @Payload, @at)";

    public const string InsertWait =
        "INSERT INTO wf_waits (id, instance_id, kind, purpose, due_at, event_name, correlation_key, task_id, state, payload, status, created_at) " +
        "VALUES (@id, @instance_id, @kind, @purpose, @due_at, @event_name, @correlation_key, @task_id, @state, @payload, @status, @created_at)";

    public const string CloseWait = "UPDATE wf_waits SET status = @status, closed_at = @at WHERE id = @id AND status = 'pending'";

    public const string CancelStateWaits =
        "UPDATE wf_waits SET status = 'cancelled', closed_at = @at WHERE instance_id = @instance AND state = @state AND status = 'pending'";

    public const string CancelTaskWaits = "UPDATE wf_waits SET status = 'cancelled', closed_at = @at WHERE task_id = @task AND status = 'pending'";

    public const string FindEventWaits =
        "SELECT * FROM wf_waits WHERE event_name = @name AND correlation_key = @key AND status = 'pending' AND kind = 'event' ORDER BY created_at, id";

    public const string InsertTask =
        "INSERT INTO wf_tasks (id, instance_id, name, kind, title, state, candidate_roles, candidate_users, assignee, status, decision, reason, due_at, signature_meaning, row_version, created_at, completed_at, completed_by) " +
        "VALUES (@id, @instance_id, @name, @kind, @title, @state, @candidate_roles, @candidate_users, @assignee, @status, @decision, @reason, @due_at, @signature_meaning, @row_version, @created_at, @completed_at, @completed_by)";

    public const string UpdateTask =
        "UPDATE wf_tasks SET candidate_roles = @candidate_roles, candidate_users = @candidate_users, assignee = @assignee, status = @status, decision = @decision, " +
        "reason = @reason, row_version = @row_version, completed_at = @completed_at, completed_by = @completed_by WHERE id = @id AND row_version = @expected";

    public const string OpenTasks = "SELECT * FROM wf_tasks WHERE instance_id = @instance AND state = @state AND status IN ('open', 'claimed') ORDER BY created_at, id";

    public const string InsertSignature =
        "INSERT INTO wf_signatures (id, task_id, instance_id, signer_id, printed_name, meaning, signed_at, record_hash, signature_hash) " +
        "VALUES (@Id, @TaskId, @InstanceId, @SignerId, @PrintedName, @Meaning, @at, @RecordHash, @SignatureHash)";

    public const string FindCommand = "SELECT * FROM wf_commands WHERE idempotency_key = @key";

    public const string InsertCommand =
        "INSERT INTO wf_commands (idempotency_key, instance_id, kind, result, created_at) VALUES (@IdempotencyKey, @InstanceId, @Kind, @Result, @at)";

    public const string InsertUnmatched =
        "INSERT INTO wf_unmatched_events (id, name, correlation_key, payload, received_at) VALUES (@Id, @Name, @CorrelationKey, @Payload, @at)";
}
