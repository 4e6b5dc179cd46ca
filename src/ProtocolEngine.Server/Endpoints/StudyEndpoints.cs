using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Endpoints;

/// <summary>Studies, their subjects and attestations.</summary>
internal static class StudyEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var g = api.MapGroup("/studies").WithTags("Studies");
        g.MapPost("", async (HttpContext ctx, RegisterStudyBody? body, StudyService studies, ServerStore store) =>
        {
            body = Api.Required(body, "the study");
            var s = await studies.RegisterAsync(Api.User(ctx), body, "folder " + body.DataPath, ctx.RequestAborted);
            return TypedResults.Created($"/api/studies/{s.Id}", StudyService.View(s, await store.GetProtocolAsync(s.ProtocolId, ctx.RequestAborted)));
        }).WithSummary("Registers a study over a folder of datasets on the server (XPT, Dataset-JSON, CSV, with define.xml), with its protocol version; optionally starts every subject's recruitment.");
        g.MapPost("/upload", async (HttpContext ctx, StudyService studies, ServerStore store) =>
        {
            if (!ctx.Request.HasFormContentType) throw new ApiException(ApiErrors.UnsupportedMediaType, "Upload as multipart/form-data: fields id, title, protocolId, identifySubjects, and the files.");
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var body = new RegisterStudyBody(form["id"].ToString(), form["title"].ToString(), form["protocolId"].ToString(), null,
                string.Equals(form["identifySubjects"].ToString(), "true", StringComparison.OrdinalIgnoreCase),
                form.TryGetValue("encoding", out var encoding) ? encoding.ToString() : null);
            var s = await studies.UploadAsync(Api.User(ctx), body, form.Files, ctx.RequestAborted);
            return TypedResults.Created($"/api/studies/{s.Id}", StudyService.View(s, await store.GetProtocolAsync(s.ProtocolId, ctx.RequestAborted)));
        }).WithSummary("Registers a study from uploaded datasets (XPT, Dataset-JSON, NDJSON, CSV, define.xml) or a zip of them.")
            .DisableAntiforgery();
        g.MapGet("", async (HttpContext ctx, ServerStore store) =>
        {
            var user = Api.User(ctx);
            var list = new List<object>();
            foreach (var s in await store.ListStudiesAsync(ctx.RequestAborted))
                if (user.RolesIn(s.Id).Count > 0) list.Add(StudyService.View(s, await store.GetProtocolAsync(s.ProtocolId, ctx.RequestAborted)));
            return TypedResults.Ok(list);
        }).WithSummary("The studies you hold a role in.");
        g.MapGet("/{studyId}", async (HttpContext ctx, string studyId) => TypedResults.Ok(StudyService.Inspect(await Api.StudyAsync(ctx, studyId))))
            .WithSummary("A study: its protocol version and its datasets (records, subjects, variables, missing values).");
        g.MapPut("/{studyId}/protocol", async (HttpContext ctx, string studyId, StudyProtocolBody? body, StudyService studies) =>
        {
            body = Api.Required(body, "the protocol version");
            var study = await Api.StudyAsync(ctx, studyId);
            await studies.SetProtocolAsync(Api.User(ctx), study, body.ProtocolId ?? "", ctx.RequestAborted);
            var now = await Api.StudyAsync(ctx, studyId);
            return TypedResults.Ok(StudyService.View(now.Study with { ProtocolId = now.Version.Id }, now.Version));
        }).WithSummary("Moves the study to another published version: its workflows are published as new versions; running instances stay on theirs until migrated.");
        g.MapGet("/{studyId}/subjects", async (HttpContext ctx, string studyId, string? site, int? offset, int? limit) =>
        {
            var (o, l) = Api.Page(offset, limit);
            return TypedResults.Ok(StudyService.Subjects(Api.User(ctx), await Api.StudyAsync(ctx, studyId), site, o, l));
        }).WithSummary("The subjects you may see (an investigator: those of their sites), with their sites.");
        g.MapGet("/{studyId}/subjects/{subjectId}", async (HttpContext ctx, string studyId, string subjectId, StudyService studies) =>
            TypedResults.Ok(await studies.SubjectAsync(Api.User(ctx), await Api.StudyAsync(ctx, studyId), subjectId, ctx.RequestAborted)))
            .WithSummary("A subject: latest screening with every criterion's evidence, signed attestations, workflow instances with tasks, signatures and clocks, and the history.");
        g.MapPost("/{studyId}/subjects/{subjectId}/attestations", async (HttpContext ctx, string studyId, string subjectId, AttestationBody? body, StudyService studies) =>
        {
            body = Api.Required(body, "the attestation");
            var a = await studies.AttestAsync(Api.User(ctx), await Api.StudyAsync(ctx, studyId), subjectId, body, ctx.RequestAborted);
            return TypedResults.Created($"/api/studies/{studyId}/subjects/{subjectId}", a);
        }).WithSummary("Attests a criterion only a person can decide (attested by Investigator), with an electronic signature (meaning and password again).");
    }
}
