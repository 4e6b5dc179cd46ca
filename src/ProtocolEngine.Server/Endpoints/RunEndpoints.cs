using System.Text.Json;
using ProtocolEngine.Checks;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Screening;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Server.Tasks;
using ProtocolEngine.Server.Validation;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Server.Endpoints;

/// <summary>Screening runs, validation runs and data queries.</summary>
internal static class RunEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var runs = api.MapGroup("/studies/{studyId}/screening-runs").WithTags("Screening");
        runs.MapPost("", async (HttpContext ctx, string studyId, ScreeningRunBody? body, bool? wait, ScreeningService service, ServerStore store) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            var run = await service.StartAsync(Api.User(ctx), study, body ?? new ScreeningRunBody(), ctx.RequestAborted);
            if (wait == true)
            {
                await service.WaitAsync(run.Id).WaitAsync(TimeSpan.FromMinutes(5), ctx.RequestAborted);
                return Results.Ok(service.View((await store.GetScreeningRunAsync(run.Id, ctx.RequestAborted))!));
            }
            return Results.Accepted($"/api/studies/{studyId}/screening-runs/{run.Id}", service.View(run));
        }).WithSummary("Screens the study with its protocol version in the background (?wait=true answers when done). Follow it with GET .../progress (server-sent events).");
        runs.MapGet("", async (HttpContext ctx, string studyId, ScreeningService service, ServerStore store) =>
        {
            await Api.StudyAsync(ctx, studyId);
            return TypedResults.Ok((await store.ListScreeningRunsAsync(studyId, ctx.RequestAborted)).Select(service.View));
        }).WithSummary("The study's screening runs, newest first.");
        runs.MapGet("/{runId}", async (HttpContext ctx, string studyId, string runId, ScreeningService service) =>
            TypedResults.Ok(service.View(await service.GetRunAsync(await Api.StudyAsync(ctx, studyId), runId, ctx.RequestAborted))))
            .WithSummary("A run: status, counts (eligible, ineligible, needs review), criteria, attrition and fairness.");
        runs.MapGet("/{runId}/progress", async (HttpContext ctx, string studyId, string runId, ScreeningService service, ServerStore store) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            var run = await service.GetRunAsync(study, runId, ctx.RequestAborted);
            ctx.Response.Headers.ContentType = "text/event-stream";
            ctx.Response.Headers.CacheControl = "no-cache";
            var until = DateTime.UtcNow + TimeSpan.FromMinutes(30);
            while (!ctx.RequestAborted.IsCancellationRequested && DateTime.UtcNow < until)
            {
                run = await store.GetScreeningRunAsync(runId, ctx.RequestAborted) ?? run;
                var data = JsonSerializer.Serialize(new { status = run.Status, done = service.Progress(run), total = run.Total, error = run.Error });
                await ctx.Response.WriteAsync($"event: {(run.Status == "running" ? "progress" : run.Status)}\ndata: {data}\n\n", ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                if (run.Status != "running") break;
                await Task.Delay(250, ctx.RequestAborted);
            }
        }).WithSummary("Progress as server-sent events (event: progress, then completed or failed).");
        runs.MapGet("/{runId}/subjects", async (HttpContext ctx, string studyId, string runId, string? status, int? offset, int? limit, ScreeningService service, ServerStore store) =>
        {
            var (o, l) = Api.Page(offset, limit);
            var user = Api.User(ctx);
            var study = await Api.StudyAsync(ctx, studyId);
            var run = await service.GetRunAsync(study, runId, ctx.RequestAborted);
            if (status is not (null or "Eligible" or "Ineligible" or "NeedsReview")) throw new ApiException(ApiErrors.BadRequest, "status is Eligible, Ineligible or NeedsReview.");
            var sites = user.SitesIn(studyId);
            var (page, total) = await store.ListScreeningSubjectsAsync(run.Id, status, sites?.ToList(), o, l, withResults: false, ctx.RequestAborted);
            return TypedResults.Ok(new { total, offset = o, limit = l, subjects = page.Select(s => new { subject = s.SubjectId, site = s.SiteId, status = s.Status }) });
        }).WithSummary("A page of the run's subjects (of one status), as far as your sites allow.");
        runs.MapGet("/{runId}/subjects/{subjectId}", async (HttpContext ctx, string studyId, string runId, string subjectId, ScreeningService service, ServerStore store) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            StudyService.EnsureVisible(Api.User(ctx), study, subjectId);
            var run = await service.GetRunAsync(study, runId, ctx.RequestAborted);
            var s = await store.GetScreeningSubjectAsync(run.Id, subjectId, ctx.RequestAborted) ?? throw new ApiException(ApiErrors.NotFound, $"Run {runId} has no result for {subjectId}.");
            var attestations = await store.ListAttestationsAsync(studyId, subjectId, ctx.RequestAborted);
            return TypedResults.Ok(new
            {
                run = run.Id, protocol = run.ProtocolId, asOf = run.AsOf, subject = s.SubjectId, site = s.SiteId, status = s.Status,
                result = JsonSerializer.Deserialize<JsonElement>(s.Result),
                attestations = attestations.Select(a => new { criterion = a.CriterionId, outcome = a.Outcome, reason = a.Reason, at = a.CreatedAt, signature = a.SignatureId }),
            });
        }).WithSummary("One subject's result: every criterion's outcome, cause, rule hash, what is missing, and the values it read (evidence).");
        runs.MapGet("/{runId}/ie", async (HttpContext ctx, string studyId, string runId, string? format, ScreeningService service) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            var run = await service.GetRunAsync(study, runId, ctx.RequestAborted);
            var (bytes, name, type) = await service.ExportIeAsync(study, run, format ?? "json", ctx.RequestAborted);
            return Results.File(bytes, type, name);
        }).WithSummary("The run's IE records (one per subject and criterion) as Dataset-JSON, CSV or XPT (format=json|csv|xpt).");

        var validation = api.MapGroup("/studies/{studyId}/validation-runs").WithTags("Validation and data queries");
        validation.MapPost("", async (HttpContext ctx, string studyId, ValidationRunBody? body, bool? wait, ValidationService service, ServerStore store) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            var run = await service.StartAsync(Api.User(ctx), study, body ?? new ValidationRunBody(), ctx.RequestAborted);
            if (wait == true)
            {
                await service.WaitAsync(run.Id).WaitAsync(TimeSpan.FromMinutes(5), ctx.RequestAborted);
                return Results.Ok(ValidationService.View((await store.GetValidationRunAsync(run.Id, ctx.RequestAborted))!, false));
            }
            return Results.Accepted($"/api/studies/{studyId}/validation-runs/{run.Id}", ValidationService.View(run, false));
        }).WithSummary("Runs the protocol's data checks over the study and reconciles data queries (new findings open them, fixed data close them).");
        validation.MapGet("", async (HttpContext ctx, string studyId, ServerStore store) =>
        {
            await Api.StudyAsync(ctx, studyId);
            return TypedResults.Ok((await store.ListValidationRunsAsync(studyId, ctx.RequestAborted)).Select(r => ValidationService.View(r, false)));
        }).WithSummary("The study's validation runs, newest first.");
        validation.MapGet("/{runId}", async (HttpContext ctx, string studyId, string runId, ServerStore store) =>
        {
            await Api.StudyAsync(ctx, studyId);
            var run = await store.GetValidationRunAsync(runId, ctx.RequestAborted);
            return run is not null && run.StudyId == studyId ? TypedResults.Ok(ValidationService.View(run, true)) : throw new ApiException(ApiErrors.NotFound, $"No validation run {runId} in study {studyId}.");
        }).WithSummary("A validation run with its CORE-shaped report.");

        var queries = api.MapGroup("/studies/{studyId}/queries").WithTags("Validation and data queries");
        queries.MapGet("", async (HttpContext ctx, string studyId, bool? includeClosed) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            var list = await ValidationService.ListQueriesAsync(Api.User(ctx), study, includeClosed == true, ctx.RequestAborted);
            return TypedResults.Ok(list.Select(q => new { id = q.Id, role = q.Role, check = q.CheckId, dataset = q.Dataset, subject = q.SubjectId, site = q.SubjectId is null ? null : study.SiteOf(q.SubjectId),
                recordKey = q.RecordKey, state = q.State, message = q.Message, openedAt = q.OpenedAt, updatedAt = q.UpdatedAt, taskId = q.TaskId }));
        }).WithSummary("Data queries, open first (closed ones with includeClosed=true).");
        queries.MapPost("/{queryId}/answer", async (HttpContext ctx, string studyId, string queryId, AnswerQueryBody? body) =>
        {
            body = Api.Required(body, "the decision and reason");
            var user = Api.User(ctx);
            var study = await Api.StudyAsync(ctx, studyId);
            var q = await ValidationService.GetQueryAsync(user, study, queryId, ctx.RequestAborted);
            if (q.TaskId is null) throw new ApiException(ApiErrors.Conflict, $"Data query {queryId} is {q.State}: it waits for no answer.");
            var r = await study.Engine.CompleteTaskAsync(new CompleteTaskRequest(q.TaskId, user.ActorIn(studyId), body.Decision ?? "", body.Reason ?? "",
                IdempotencyKey: Api.Key(ctx) is { } k ? $"user:{user.Id}:{k}" : null), ctx.RequestAborted);
            study.Inbox.Invalidate();
            return r.Accepted ? TypedResults.Ok(r) : throw TaskService.Refused(r);
        }).WithSummary("Answers a data query: corrected (the data were fixed) or explained, with the reason.");
        queries.MapPost("/{queryId}/close", async (HttpContext ctx, string studyId, string queryId, CloseQueryBody? body) =>
        {
            body = Api.Required(body, "the reason");
            if (string.IsNullOrWhiteSpace(body.Reason)) throw new ApiException(ApiErrors.BadRequest, "Give the reason the query can close.");
            var user = Api.User(ctx);
            var study = await Api.StudyAsync(ctx, studyId);
            await ValidationService.GetQueryAsync(user, study, queryId, ctx.RequestAborted);
            bool closed = await study.Queries.CloseAsync(queryId, body.Reason, user.UserName, ctx.RequestAborted);
            study.Inbox.Invalidate();
            return closed ? TypedResults.Ok(new { id = queryId, state = "Closed" }) : throw new ApiException(ApiErrors.Conflict, $"Data query {queryId} is not open.");
        }).WithSummary("Closes a data query by a person's decision, with the reason (journaled).");
        queries.MapPost("/{queryId}/recheck", async (HttpContext ctx, string studyId, string queryId, string? asOf) =>
        {
            var user = Api.User(ctx);
            var study = await Api.StudyAsync(ctx, studyId);
            await ValidationService.GetQueryAsync(user, study, queryId, ctx.RequestAborted);
            CqlDateTime? today = asOf is null ? null : ScreeningService.ParseAsOf(asOf);
            var r = await study.Queries.RecheckAsync(study.Protocol, study.Data.Data, queryId, new CheckRunOptions { AsOf = today }, user.UserName, ctx.RequestAborted);
            study.Inbox.Invalidate();
            return TypedResults.Ok(new { id = queryId, outcome = r.Outcome.ToString(), resolved = r.Resolved, explanation = r.Explanation, message = r.Message,
                values = r.Values.Select(v => new { variable = v.Variable, value = v.Value }) });
        }).WithSummary("Evaluates the query's check again for its record: closes it with the evidence of the fix, or sends an answered one back.");
    }
}
