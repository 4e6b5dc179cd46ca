using ProtocolEngine.Server.Events;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Server.Tasks;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Migration;

namespace ProtocolEngine.Server.Endpoints;

/// <summary>A migration of running instances between two versions of a workflow.</summary>
/// <param name="From">The definition id instances run on (Name@version).</param>
/// <param name="To">The definition id they move to.</param>
/// <param name="StateMap">States of the old version renamed in the new one (unmapped states keep their name).</param>
internal sealed record MigrationBody(string From, string To, Dictionary<string, string>? StateMap = null);

/// <summary>Events, tasks, workflow instances and migrations, and the journal.</summary>
internal static class WorkEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var events = api.MapGroup("/studies/{studyId}/events").WithTags("Events");
        events.MapPost("", async (HttpContext ctx, string studyId, EventRequest? body, bool? wait, EventService service) =>
        {
            body = Api.Required(body, "the event");
            var study = await Api.StudyAsync(ctx, studyId);
            var (ev, created) = await service.IngestAsync(Api.User(ctx), study, body, Api.Key(ctx), Api.Correlation(ctx), ctx.RequestAborted);
            if (wait == true) ev = await service.WaitAsync(ev.Id, TimeSpan.FromSeconds(10), ctx.RequestAborted);
            var location = $"/api/studies/{studyId}/events/{ev.Id}";
            if (wait == true || !created) return Results.Ok(EventService.View(ev));
            return Results.Accepted(location, EventService.View(ev));
        }).WithSummary("Posts an event (adverse event reported or updated, lab result, subject identified, consent signed, visit done, or a custom one): kept durably, then run through the workflows. The idempotency key (header or body) makes a retry the same event. ?wait=true answers once the workflows took it.");
        events.MapGet("", async (HttpContext ctx, string studyId, string? subject, int? offset, int? limit, ServerStore store) =>
        {
            var (o, l) = Api.Page(offset, limit);
            var user = Api.User(ctx);
            var study = await Api.StudyAsync(ctx, studyId);
            if (subject is not null) StudyService.EnsureVisible(user, study, subject);
            var list = await store.ListEventsAsync(studyId, subject, o, l, ctx.RequestAborted);
            return TypedResults.Ok(new
            {
                counts = await store.CountEventsAsync(studyId, ctx.RequestAborted),
                events = list.Where(e => user.CanSeeSite(studyId, study.SiteOf(e.SubjectId))).Select(EventService.View),
            });
        }).WithSummary("The study's events, newest first, with how many are pending, processed or failed.");
        events.MapGet("/{eventId}", async (HttpContext ctx, string studyId, string eventId, ServerStore store) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            var ev = await store.GetEventAsync(eventId, ctx.RequestAborted);
            if (ev is null || ev.StudyId != studyId) throw new ApiException(ApiErrors.NotFound, $"No event {eventId} in study {studyId}.");
            StudyService.EnsureVisible(Api.User(ctx), study, ev.SubjectId);
            return TypedResults.Ok(EventService.View(ev));
        }).WithSummary("One event: its status and what it started or advanced.");

        var tasks = api.MapGroup("/studies/{studyId}/tasks").WithTags("Tasks");
        tasks.MapGet("", async (HttpContext ctx, string studyId, string? view, string? status, int? offset, int? limit, TaskService service,
            Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) =>
        {
            var (o, l) = Api.Page(offset, limit);
            var page = await service.InboxJsonAsync(Api.User(ctx), await Api.StudyAsync(ctx, studyId), view ?? "mine", status, o, l, json.Value.SerializerOptions, ctx.RequestAborted);
            return Results.Bytes(page, "application/json");
        }).Produces(StatusCodes.Status200OK, contentType: "application/json").WithSummary("The inbox: tasks you can act on (view=mine, default) or every active task you may see (view=all), due first; an investigator sees their sites only.");
        tasks.MapGet("/{taskId}", async (HttpContext ctx, string studyId, string taskId, TaskService service) =>
            TypedResults.Ok(await service.GetAsync(Api.User(ctx), await Api.StudyAsync(ctx, studyId), taskId, ctx.RequestAborted)))
            .WithSummary("A task: its decisions, signature meaning, instance and signatures.");
        tasks.MapPost("/{taskId}/claim", async (HttpContext ctx, string studyId, string taskId, ClaimTaskBody? body, TaskService service) =>
            TypedResults.Ok(await service.ClaimAsync(Api.User(ctx), await Api.StudyAsync(ctx, studyId), taskId, body?.ExpectedVersion, Api.Key(ctx), ctx.RequestAborted)))
            .WithSummary("Claims a task. Of two people claiming at once one wins; the other gets 409 with the winner's name.");
        tasks.MapPost("/{taskId}/release", async (HttpContext ctx, string studyId, string taskId, TaskService service) =>
            TypedResults.Ok(await service.ReleaseAsync(Api.User(ctx), await Api.StudyAsync(ctx, studyId), taskId, Api.Key(ctx), ctx.RequestAborted)))
            .WithSummary("Gives a claimed task back to its candidates.");
        tasks.MapPost("/{taskId}/complete", async (HttpContext ctx, string studyId, string taskId, CompleteTaskBody? body, TaskService service) =>
        {
            body = Api.Required(body, "the decision and reason");
            return TypedResults.Ok(await service.CompleteAsync(Api.User(ctx), await Api.StudyAsync(ctx, studyId), taskId, body, Api.Key(ctx), ctx.RequestAborted));
        }).WithSummary("Completes a task with a decision and a reason; a task that requires a signature takes its meaning and the password again (21 CFR 11.50, 11.200).");

        var wf = api.MapGroup("/studies/{studyId}").WithTags("Workflows");
        wf.MapGet("/workflows", async (HttpContext ctx, string studyId) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            var defs = await study.Store.ListDefinitionsAsync(ctx.RequestAborted);
            return TypedResults.Ok(defs.Select(d => new { id = d.Id, name = d.Name, version = d.Version, contentHash = d.ContentHash, status = d.Status.ToString().ToLowerInvariant(),
                protocolHash = d.Definition.ProtocolHash, createdAt = d.CreatedAt, states = d.Definition.States.Select(s => s.Name) }));
        }).WithSummary("The workflow definitions published to the study, every version.");
        wf.MapGet("/instances", async (HttpContext ctx, string studyId, string? workflow, string? subject, int? offset, int? limit) =>
        {
            var (o, l) = Api.Page(offset, limit);
            var user = Api.User(ctx);
            var study = await Api.StudyAsync(ctx, studyId);
            IEnumerable<Workflows.Persistence.InstanceRecord> list = subject is not null
                ? await WorkflowQueries.ListSubjectInstancesAsync(study.Store, subject, ctx.RequestAborted)
                : await study.Store.ListInstancesAsync(workflow, ctx.RequestAborted);
            var visible = list.Where(i => (workflow is null || i.Workflow == workflow) && user.CanSeeSite(studyId, study.SiteOf(i.SubjectId))).ToList();
            return TypedResults.Ok(new
            {
                total = visible.Count,
                instances = visible.Skip(o).Take(l).Select(i => new { id = i.Id, workflow = i.Workflow, definition = i.DefinitionId, key = i.CorrelationKey, subject = i.SubjectId,
                    site = study.SiteOf(i.SubjectId), state = i.State, status = i.Status, startedAt = i.CreatedAt, updatedAt = i.UpdatedAt }),
            });
        }).WithSummary("Workflow instances (of one workflow or subject), as far as your sites allow.");
        wf.MapGet("/instances/{instanceId}", async (HttpContext ctx, string studyId, string instanceId) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            var inst = await study.Store.GetInstanceAsync(instanceId, ctx.RequestAborted) ?? throw new ApiException(ApiErrors.NotFound, $"No instance {instanceId} in study {studyId}.");
            StudyService.EnsureVisible(Api.User(ctx), study, inst.SubjectId);
            var taskList = new List<object>();
            foreach (var t in await study.Store.ListTasksAsync(inst.Id, ct: ctx.RequestAborted))
                taskList.Add(new { id = t.Id, name = t.Name, status = t.Status, assignee = t.Assignee, decision = t.Decision, reason = t.Reason, dueAt = t.DueAt,
                    signatures = (await study.Store.ListSignaturesAsync(t.Id, ctx.RequestAborted)).Select(TaskService.SignatureView) });
            var journal = await study.Store.GetJournalAsync(inst.Id, ctx.RequestAborted);
            var problem = JournalVerifier.Verify(inst.Id, journal, inst.JournalSeq, inst.JournalHead);
            return TypedResults.Ok(new
            {
                id = inst.Id, workflow = inst.Workflow, definition = inst.DefinitionId, key = inst.CorrelationKey, subject = inst.SubjectId, site = study.SiteOf(inst.SubjectId),
                state = inst.State, status = inst.Status, startedAt = inst.CreatedAt, updatedAt = inst.UpdatedAt,
                clocks = (await study.Engine.GetClocksAsync(inst.Id, ctx.RequestAborted)).Select(c => new { name = c.Name, party = c.Party, day0 = c.Day0, dueAt = c.DueAt, status = c.Status,
                    remainingSeconds = (long)c.Remaining.TotalSeconds, day = c.Day, metAt = c.MetAt }),
                tasks = taskList,
                journal = journal.Select(e => StudyService.JournalView(e, inst.Workflow)),
                journalIntact = problem is null,
                journalProblem = problem?.Message,
            });
        }).WithSummary("A workflow instance with its clocks, tasks, signatures and journal (verified).");
        wf.MapPost("/migrations/dry-run", async (HttpContext ctx, string studyId, MigrationBody? body) =>
        {
            body = Api.Required(body, "the migration plan");
            var study = await Api.StudyAsync(ctx, studyId);
            var preview = await study.Engine.DryRunMigrationAsync(Plan(body), ctx.RequestAborted);
            return TypedResults.Ok(Preview(preview));
        }).WithSummary("Lists every instance a migration would move and every problem (a state with no counterpart).");
        wf.MapPost("/migrations", async (HttpContext ctx, string studyId, MigrationBody? body) =>
        {
            body = Api.Required(body, "the migration plan");
            var study = await Api.StudyAsync(ctx, studyId);
            var preview = await study.Engine.ApplyMigrationAsync(Plan(body), Api.User(ctx).UserName, ctx.RequestAborted);
            study.Inbox.Invalidate();
            if (!preview.Applied) throw new ApiException(ApiErrors.WorkflowRefused, "The migration has problems; nothing was moved.", new Dictionary<string, object?> { ["preview"] = Preview(preview) });
            return TypedResults.Ok(Preview(preview));
        }).WithSummary("Moves every instance of one version to another, all or nothing, each journaled and re-armed from the new version.");

        var journal = api.MapGroup("/studies/{studyId}/journal").WithTags("Journal");
        journal.MapGet("", async (HttpContext ctx, string studyId, long? since, string? correlationId, int? limit) =>
        {
            var (_, l) = Api.Page(0, limit);
            var study = await Api.StudyAsync(ctx, studyId);
            var page = await study.Store.GetJournalPageAsync(NodaTime.Instant.FromUnixTimeMilliseconds(since ?? 0), l, correlationId, ctx.RequestAborted);
            return TypedResults.Ok(new { entries = page.Select(e => StudyService.JournalView(e)), next = page.Count == l ? page[^1].At.ToUnixTimeMilliseconds() : (long?)null });
        }).WithSummary("Pages through the study's journal in time order (since a Unix-millisecond time); correlationId picks the entries one request caused.");
        journal.MapGet("/verify", async (HttpContext ctx, string studyId, ServerStore store) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            var result = await JournalAudit.VerifyAsync(study.Store, ct: ctx.RequestAborted);
            var (auditEntries, auditProblem) = await store.VerifyAuditAsync(ctx.RequestAborted);
            return TypedResults.Ok(new
            {
                intact = result.Problems.Count == 0 && auditProblem is null,
                instances = result.Instances,
                entries = result.Entries,
                problems = result.Problems.Select(p => new { instance = p.InstanceId, seq = p.Sequence, kind = p.Kind.ToString().ToLowerInvariant(), message = p.Message }),
                audit = new { entries = auditEntries, intact = auditProblem is null, problem = auditProblem?.Message },
            });
        }).WithSummary("Verifies every instance's hash chain and every signature against the record it signed, and the server's audit chain (what `protocol journal verify` does).");
    }

    private static MigrationPlan Plan(MigrationBody body) =>
        new(body.From ?? throw new ApiException(ApiErrors.BadRequest, "Name the version instances run on (from)."),
            body.To ?? throw new ApiException(ApiErrors.BadRequest, "Name the version to move them to (to)."),
            body.StateMap ?? []);

    private static object Preview(MigrationPreview p) => new
    {
        applied = p.Applied,
        moves = p.Moves.Select(m => new { instance = m.InstanceId, key = m.CorrelationKey, fromState = m.FromState, toState = m.ToState }),
        problems = p.Problems,
    };
}
