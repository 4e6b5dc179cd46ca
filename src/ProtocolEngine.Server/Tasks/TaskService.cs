using NodaTime;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Persistence;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Server.Tasks;

/// <summary>Completes a task: the decision, the reason, and the signature when the task requires one.</summary>
/// <param name="Decision">completed, approved, rejected, or a decision the task declares.</param>
/// <param name="Reason">Why (required).</param>
/// <param name="Signature">The meaning and the password again, when the task requires a signature.</param>
/// <param name="ExpectedVersion">The task version the person saw (a stale page is refused).</param>
internal sealed record CompleteTaskBody(string Decision, string Reason, SignatureRequest? Signature = null, long? ExpectedVersion = null);

/// <summary>Claims a task.</summary>
/// <param name="ExpectedVersion">The task version the person saw.</param>
internal sealed record ClaimTaskBody(long? ExpectedVersion = null);

/// <summary>
/// Human tasks over HTTP: the inbox of a person (tasks their workflow roles or name make them a candidate for, their
/// claimed ones, and only subjects of their sites), and claim, release and complete through the study's engine, which
/// checks the candidate, the decision, the reason and the signature, and journals everything.
/// </summary>
internal sealed class TaskService(IdentityService identity, IClock clock)
{
    /// <summary>
    /// A page of the inbox as JSON: "mine" (what the person can act on) or "all" (every active task they may see). The
    /// most frequent request of all: a page is computed once per version of the task list, person, query and second.
    /// </summary>
    public async Task<byte[]> InboxJsonAsync(CurrentUser user, StudyRuntime study, string view, string? status, int offset, int limit, System.Text.Json.JsonSerializerOptions json, CancellationToken ct)
    {
        if (view is not ("mine" or "all")) throw new ApiException(ApiErrors.BadRequest, "view is mine or all.");
        if (status is not (null or "open" or "claimed")) throw new ApiException(ApiErrors.BadRequest, "status is open or claimed.");
        var (tasks, version) = await study.Inbox.GetVersionedAsync(ct);
        var now = clock.GetCurrentInstant();
        // "Overdue" depends on the time: a cached page lives within one second.
        var key = (study.Id, version, user.Id, string.Join(',', user.Memberships.Select(m => $"{m.StudyId}:{m.Role}:{string.Join(' ', m.Sites)}")), view, status, offset, limit, now.ToUnixTimeSeconds());
        if (_pages.TryGetValue(key, out var cached)) return cached;
        var page = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Inbox(user, study, tasks, view, status, offset, limit, now), json);
        if (_pages.Count > 10_000) _pages.Clear();
        _pages[key] = page;
        return page;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, long, string, string, string, string?, int, int, long), byte[]> _pages = new();

    private static object Inbox(CurrentUser user, StudyRuntime study, IReadOnlyList<ActiveTask> all, string view, string? status, int offset, int limit, Instant now)
    {
        var actor = user.ActorIn(study.Id);
        var sites = user.SitesIn(study.Id);
        var matching = new List<ActiveTask>();
        foreach (var t in all)
        {
            if (status is not null && StoredText.Of(t.Task.Status) != status) continue;
            if (sites is not null && (study.SiteOf(t.SubjectId) is not { } site || !sites.Contains(site))) continue;
            if (view == "mine" && !(t.Task.Assignee == actor.UserId || t.Task.CandidateUsers.Contains(actor.UserId)
                || (t.Task.Status == TaskStatus.Open && t.Task.CandidateRoles.Any(actor.Roles.Contains)))) continue;
            matching.Add(t);
        }
        var page = matching.OrderBy(t => t.Task.DueAt ?? Instant.MaxValue).ThenBy(t => t.Task.CreatedAt).ThenBy(t => t.Task.Id, StringComparer.Ordinal)
            .Skip(offset).Take(limit).Select(t => Summary(study, t, now)).ToList();
        return new { total = matching.Count, offset, limit, tasks = page };
    }

    private static object Summary(StudyRuntime study, ActiveTask t, Instant now) => new
    {
        id = t.Task.Id,
        name = t.Task.Name,
        kind = t.Task.Kind,
        title = t.Task.Title,
        workflow = t.Workflow,
        instanceId = t.Task.InstanceId,
        key = t.CorrelationKey,
        subject = t.SubjectId,
        site = study.SiteOf(t.SubjectId),
        status = t.Task.Status,
        assignee = t.Task.Assignee,
        candidateRoles = t.Task.CandidateRoles,
        dueAt = t.Task.DueAt,
        overdue = t.Task.DueAt is { } due && due < now,
        signatureMeaning = t.Task.SignatureMeaning,
        version = t.Task.RowVersion,
        createdAt = t.Task.CreatedAt,
    };

    /// <summary>A task with its instance, the decisions it takes and its signatures; refused for a subject of another site.</summary>
    public async Task<object> GetAsync(CurrentUser user, StudyRuntime study, string taskId, CancellationToken ct)
    {
        var (task, inst) = await LoadAsync(user, study, taskId, ct);
        var def = (await study.Store.GetDefinitionAsync(inst.DefinitionId, ct))?.Definition;
        var decisions = def?.States.FirstOrDefault(s => s.Name == task.State)?.FindTask(task.Name)?.AllowedDecisions() ?? ["completed"];
        var signatures = await study.Store.ListSignaturesAsync(task.Id, ct);
        return new
        {
            id = task.Id,
            name = task.Name,
            kind = task.Kind,
            title = task.Title,
            state = task.State,
            status = task.Status,
            assignee = task.Assignee,
            candidateRoles = task.CandidateRoles,
            candidateUsers = task.CandidateUsers,
            dueAt = task.DueAt,
            decisions,
            signatureMeaning = task.SignatureMeaning,
            decision = task.Decision,
            reason = task.Reason,
            completedAt = task.CompletedAt,
            completedBy = task.CompletedBy,
            version = task.RowVersion,
            instance = new { id = inst.Id, workflow = inst.Workflow, key = inst.CorrelationKey, subject = inst.SubjectId, site = study.SiteOf(inst.SubjectId), state = inst.State, status = inst.Status },
            signatures = signatures.Select(SignatureView).ToList(),
        };
    }

    /// <summary>A workflow signature as it is shown wherever its task is shown.</summary>
    public static object SignatureView(SignatureRecord s) => new
    {
        signer = s.SignerId,
        printedName = s.PrintedName,
        meaning = s.Meaning,
        signedAt = s.SignedAt,
        recordHash = s.RecordHash,
        signatureHash = s.SignatureHash,
    };

    public async Task<CommandResult> ClaimAsync(CurrentUser user, StudyRuntime study, string taskId, long? expectedVersion, string? key, CancellationToken ct)
    {
        await LoadAsync(user, study, taskId, ct);
        var r = await study.Engine.ClaimTaskAsync(taskId, user.ActorIn(study.Id), expectedVersion, Key(user, key), ct);
        study.Inbox.Invalidate();
        if (r.Accepted) return r;
        var current = await study.Store.GetTaskAsync(taskId, ct);
        if (current?.Status == TaskStatus.Claimed && current.Assignee != user.UserName)
            throw new ApiException(ApiErrors.Conflict, r.Message, new Dictionary<string, object?> { ["assignee"] = current.Assignee, ["version"] = current.RowVersion });
        throw Refused(r);
    }

    public async Task<CommandResult> ReleaseAsync(CurrentUser user, StudyRuntime study, string taskId, string? key, CancellationToken ct)
    {
        await LoadAsync(user, study, taskId, ct);
        var r = await study.Engine.ReleaseTaskAsync(taskId, user.ActorIn(study.Id), Key(user, key), ct);
        study.Inbox.Invalidate();
        return r.Accepted ? r : throw Refused(r);
    }

    public async Task<CommandResult> CompleteAsync(CurrentUser user, StudyRuntime study, string taskId, CompleteTaskBody body, string? key, CancellationToken ct)
    {
        var (task, _) = await LoadAsync(user, study, taskId, ct);
        if (task.SignatureMeaning is not null && body.Signature is null)
            throw new ApiException(ApiErrors.BadRequest, $"Task {task.Name} requires an electronic signature meaning \"{StoredText.Of(task.SignatureMeaning.Value)}\": give the meaning and your password again.");
        // The signer is looked up inside the engine's step: load them now so the step does not wait on the database.
        await identity.WarmAsync(user.UserName, ct);
        var r = await study.Engine.CompleteTaskAsync(new CompleteTaskRequest(taskId, user.ActorIn(study.Id), body.Decision ?? "", body.Reason ?? "",
            body.Signature is { } s ? new SignatureInput(s.Meaning ?? "", s.Password ?? "") : null, Key(user, key), body.ExpectedVersion), ct);
        study.Inbox.Invalidate();
        return r.Accepted ? r : throw Refused(r);
    }

    /// <summary>The problem a refused engine command becomes, decided on the engine's reason, never on its words.</summary>
    internal static ApiException Refused(CommandResult r) => new(r.Refusal switch
    {
        CommandRefusal.Conflict => ApiErrors.Conflict,
        CommandRefusal.SignatureFailed => ApiErrors.SignatureFailed,
        CommandRefusal.NotFound => ApiErrors.NotFound,
        _ => ApiErrors.WorkflowRefused,
    }, r.Message);

    // Engine idempotency keys are global to a study's store: each person's keys are their own.
    private static string? Key(CurrentUser user, string? key) => key is null ? null : $"user:{user.Id}:{key}";

    private static async Task<(TaskRecord Task, InstanceRecord Instance)> LoadAsync(CurrentUser user, StudyRuntime study, string taskId, CancellationToken ct)
    {
        var task = await study.Store.GetTaskAsync(taskId, ct) ?? throw new ApiException(ApiErrors.NotFound, $"No task {taskId} in study {study.Id}.");
        var inst = await study.Store.GetInstanceAsync(task.InstanceId, ct) ?? throw new ApiException(ApiErrors.NotFound, $"The instance of task {taskId} is gone.");
        if (!user.CanSeeSite(study.Id, study.SiteOf(inst.SubjectId)))
            throw new ApiException(ApiErrors.SiteNotAssigned, $"Task {taskId} concerns subject {inst.SubjectId} at site {study.SiteOf(inst.SubjectId) ?? "(none)"}, which you are not assigned to.");
        return (task, inst);
    }
}
