using System.Text.Json;
using NodaTime;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Persistence;

namespace ProtocolEngine.Storage.Workflows;

// Row shapes as Dapper reads them (snake_case columns to properties); every integer column is BIGINT so one
// shape fits SQLite, PostgreSQL and SQL Server.

internal sealed class DefinitionRow
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public long Version { get; set; }
    public string ContentHash { get; set; } = "";
    public string Status { get; set; } = "";
    public string Body { get; set; } = "";
    public long CreatedAt { get; set; }

    public DefinitionRecord ToRecord() => new(Id, Name, Version, ContentHash,
        Status == "published" ? DefinitionStatus.Published : DefinitionStatus.Draft,
        DefinitionSerializer.FromJson(Body, $"wf_definitions row {Id}"), Rows.At(CreatedAt));
}

internal sealed class InstanceRow
{
    public string Id { get; set; } = "";
    public string DefinitionId { get; set; } = "";
    public string Workflow { get; set; } = "";
    public string CorrelationKey { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string State { get; set; } = "";
    public string Status { get; set; } = "";
    public string Data { get; set; } = "";
    public long RowVersion { get; set; }
    public long JournalSeq { get; set; }
    public string JournalHead { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long StateEnteredAt { get; set; }

    public InstanceRecord ToRecord() => new()
    {
        Id = Id, DefinitionId = DefinitionId, Workflow = Workflow, CorrelationKey = CorrelationKey, SubjectId = SubjectId, State = State,
        Status = Status, Data = Data, RowVersion = RowVersion, JournalSeq = JournalSeq, JournalHead = JournalHead,
        CreatedAt = Rows.At(CreatedAt), UpdatedAt = Rows.At(UpdatedAt), StateEnteredAt = Rows.At(StateEnteredAt),
    };

    public static object Params(InstanceRecord i) => new
    {
        id = i.Id, definition_id = i.DefinitionId, workflow = i.Workflow, correlation_key = i.CorrelationKey, subject_id = i.SubjectId,
        state = i.State, status = i.Status, data = i.Data, row_version = i.RowVersion, journal_seq = i.JournalSeq, journal_head = i.JournalHead,
        created_at = Rows.Ms(i.CreatedAt), updated_at = Rows.Ms(i.UpdatedAt), state_entered_at = Rows.Ms(i.StateEnteredAt),
    };
}

internal sealed class WaitRow
{
    public string Id { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Purpose { get; set; } = "";
    public long? DueAt { get; set; }
    public string? EventName { get; set; }
    public string? CorrelationKey { get; set; }
    public string? TaskId { get; set; }
    public string? State { get; set; }
    public string Payload { get; set; } = "";
    public string Status { get; set; } = "";
    public long CreatedAt { get; set; }

    public WaitRecord ToRecord() => new(Id, InstanceId, Kind, Purpose, DueAt is { } d ? Rows.At(d) : null, EventName, CorrelationKey, TaskId, State, Payload, Status, Rows.At(CreatedAt));

    public static object Params(WaitRecord w) => new
    {
        id = w.Id, instance_id = w.InstanceId, kind = w.Kind, purpose = w.Purpose, due_at = w.DueAt is { } d ? Rows.Ms(d) : (long?)null,
        event_name = w.EventName, correlation_key = w.CorrelationKey, task_id = w.TaskId, state = w.State, payload = w.Payload,
        status = w.Status, created_at = Rows.Ms(w.CreatedAt),
    };
}

internal sealed class TaskRow
{
    public string Id { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string? Title { get; set; }
    public string State { get; set; } = "";
    public string CandidateRoles { get; set; } = "[]";
    public string CandidateUsers { get; set; } = "[]";
    public string? Assignee { get; set; }
    public string Status { get; set; } = "";
    public string? Decision { get; set; }
    public string? Reason { get; set; }
    public long? DueAt { get; set; }
    public string? SignatureMeaning { get; set; }
    public long RowVersion { get; set; }
    public long CreatedAt { get; set; }
    public long? CompletedAt { get; set; }
    public string? CompletedBy { get; set; }

    public TaskRecord ToRecord() => new()
    {
        Id = Id, InstanceId = InstanceId, Name = Name, Kind = StoredText.TaskKind(Kind), Title = Title, State = State,
        CandidateRoles = JsonSerializer.Deserialize<List<string>>(CandidateRoles) ?? [], CandidateUsers = JsonSerializer.Deserialize<List<string>>(CandidateUsers) ?? [],
        Assignee = Assignee, Status = StoredText.TaskStatus(Status), Decision = Decision, Reason = Reason, DueAt = DueAt is { } d ? Rows.At(d) : null,
        SignatureMeaning = StoredText.SignatureMeaning(SignatureMeaning), RowVersion = RowVersion, CreatedAt = Rows.At(CreatedAt),
        CompletedAt = CompletedAt is { } c ? Rows.At(c) : null, CompletedBy = CompletedBy,
    };

    public static object Params(TaskRecord t, long expected = 0) => new
    {
        id = t.Id, instance_id = t.InstanceId, name = t.Name, kind = StoredText.Of(t.Kind), title = t.Title, state = t.State,
        candidate_roles = JsonSerializer.Serialize(t.CandidateRoles), candidate_users = JsonSerializer.Serialize(t.CandidateUsers),
        assignee = t.Assignee, status = StoredText.Of(t.Status), decision = t.Decision, reason = t.Reason, due_at = t.DueAt is { } d ? Rows.Ms(d) : (long?)null,
        signature_meaning = t.SignatureMeaning is { } m ? StoredText.Of(m) : null, row_version = t.RowVersion, created_at = Rows.Ms(t.CreatedAt),
        completed_at = t.CompletedAt is { } c ? Rows.Ms(c) : (long?)null, completed_by = t.CompletedBy, expected,
    };
}

internal sealed class JournalRow
{
    public string InstanceId { get; set; } = "";
    public long Seq { get; set; }
    public long At { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    public string? RuleHashes { get; set; }
    public string? Detail { get; set; }
    public string PrevHash { get; set; } = "";
    public string Hash { get; set; } = "";
    public string? CorrelationId { get; set; }

    public JournalEntry ToRecord() => new(InstanceId, Seq, Rows.At(At), Actor, Action, OldValue, NewValue, RuleHashes, Detail, PrevHash, Hash, CorrelationId);
}

internal sealed class OutboxRow
{
    public string Id { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string DedupeKey { get; set; } = "";
    public string? Recipient { get; set; }
    public string Payload { get; set; } = "";
    public long CreatedAt { get; set; }

    public OutboxMessage ToRecord() => new(Id, InstanceId, Kind, DedupeKey, StoredText.Recipients(Recipient), Payload, Rows.At(CreatedAt));
}

internal sealed class SignatureRow
{
    public string Id { get; set; } = "";
    public string TaskId { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string SignerId { get; set; } = "";
    public string PrintedName { get; set; } = "";
    public string Meaning { get; set; } = "";
    public long SignedAt { get; set; }
    public string RecordHash { get; set; } = "";
    public string SignatureHash { get; set; } = "";

    public SignatureRecord ToRecord() => new(Id, TaskId, InstanceId, SignerId, PrintedName, Meaning, Rows.At(SignedAt), RecordHash, SignatureHash);
}

internal sealed class CommandRow
{
    public string IdempotencyKey { get; set; } = "";
    public string? InstanceId { get; set; }
    public string Kind { get; set; } = "";
    public string Result { get; set; } = "";
    public long CreatedAt { get; set; }
}

internal sealed class UnmatchedRow
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string CorrelationKey { get; set; } = "";
    public string Payload { get; set; } = "";
    public long ReceivedAt { get; set; }
}

internal static class Rows
{
    /// <summary>
    /// Tells Dapper how the row types above read snake_case columns (created_at to CreatedAt). Only these types: the
    /// process-wide <c>DefaultTypeMap.MatchNamesWithUnderscores</c> would change how every other Dapper user in the
    /// process maps its columns. Safe to call from any thread and any number of times (the static constructor of
    /// <see cref="RowTypeMaps"/> runs once, and <c>SqlMapper.SetTypeMap</c> takes its own lock).
    /// </summary>
    public static void MapSnakeCaseColumns() => RowTypeMaps.Ensure();

    public static Instant At(long ms) => Instant.FromUnixTimeMilliseconds(ms);

    public static long Ms(Instant i) => i.ToUnixTimeMilliseconds();
}
