using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Workbench;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Endpoints;

/// <summary>What the workbench's pages need beyond the resources: the adverse-event queue, findings grouped, every signature, amendment impact, the evidence pack.</summary>
internal static class WorkbenchEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var g = api.MapGroup("/studies/{studyId}").WithTags("Workbench");
        g.MapGet("/adverse-events", async (HttpContext ctx, string studyId, AdverseEventQueue queue) =>
            TypedResults.Ok(await queue.ListAsync(Api.User(ctx), await Api.StudyAsync(ctx, studyId), ctx.RequestAborted)))
            .WithSummary("The adverse events in escalation: the record, what the rules propose (serious, expected, related, SUSAR), the reporting clocks with the time left, open tasks, escalations and missed deadlines; running clocks first.");
        g.MapGet("/subjects/{subjectId}/record-dates", async (HttpContext ctx, string studyId, string subjectId) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            Studies.StudyService.EnsureVisible(Api.User(ctx), study, subjectId);
            return TypedResults.Ok(SubjectRecordDates.Of(study, subjectId));
        }).WithSummary("The date of each of the subject's records by domain and sequence (--DTC, else --STDTC), shown beside the values the criteria read.");
        g.MapGet("/validation-runs/{runId}/findings", async (HttpContext ctx, string studyId, string runId, string? by, int? perGroup, ServerStore store) =>
        {
            var study = await Api.StudyAsync(ctx, studyId);
            var run = await store.GetValidationRunAsync(runId, ctx.RequestAborted);
            if (run is null || run.StudyId != studyId) throw new ApiException(ApiErrors.NotFound, $"No validation run {runId} in study {studyId}.");
            if (perGroup is < 1 or > 1000) throw new ApiException(ApiErrors.BadRequest, "perGroup is 1 to 1,000.");
            return TypedResults.Ok(FindingsView.Group(Api.User(ctx), study, run, by ?? "check", perGroup ?? 20));
        }).WithSummary("A validation run's findings grouped by check or by subject (by=check|subject), the largest groups first, as far as your sites allow.");
        g.MapGet("/signatures", async (HttpContext ctx, string studyId, ServerStore store) =>
        {
            var list = await StudySignatures.ListAsync(Api.User(ctx), await Api.StudyAsync(ctx, studyId), store, ctx.RequestAborted);
            return TypedResults.Ok(new
            {
                total = list.Count,
                signatures = list.Select(s => new
                {
                    kind = s.Kind, record = s.RecordId, subject = s.SubjectId, what = s.What,
                    signature = new { signer = s.Signer, printedName = s.PrintedName, meaning = s.Meaning, signedAt = s.SignedAt, recordHash = s.RecordHash, signatureHash = s.SignatureHash, valid = s.Valid },
                }),
            });
        }).WithSummary("Every electronic signature of the study (task decisions, attestations, the protocol's publication) with the record it signs, each recomputed.");
        g.MapGet("/amendment-impact", async (HttpContext ctx, string studyId, string? from, string? to, string? asOf, AmendmentImpactService impact) =>
            TypedResults.Ok(await impact.AssessAsync(Api.User(ctx), await Api.StudyAsync(ctx, studyId), from, to, asOf, ctx.RequestAborted)))
            .WithSummary("Two published versions compared criterion by criterion (by the compiler's hashes) and the subjects of this study whose eligibility changes between them (both versions screen the study on the date of its latest screening, or asOf).");
        g.MapGet("/evidence-pack", async (HttpContext ctx, string studyId, EvidenceService evidence) =>
        {
            var (zip, name) = await evidence.BuildAsync(Api.User(ctx), await Api.StudyAsync(ctx, studyId), ctx.RequestAborted);
            return Results.File(zip, "application/zip", name);
        }).WithSummary("The evidence pack (zip): protocol texts and hashes, compiler version, conformance results, screening results, validation report, journal verification and signatures, and manifest.json with each file's SHA-256.");
    }
}
