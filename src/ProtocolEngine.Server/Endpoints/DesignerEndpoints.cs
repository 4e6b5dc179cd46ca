using System.Diagnostics;
using ProtocolEngine.LanguageService.Text;
using ProtocolEngine.LanguageService.Workflows;
using ProtocolEngine.Server.Designer;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Protocols;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Endpoints;

/// <summary>
/// The designer's endpoints: what an editor asks of a text being edited (diagnostics, completion, hover, definition), its
/// workflow graphs and graph edits returned as text edits, workflow pictures, the criteria previewed over a study, and
/// saving a draft version with a conflict when someone saved in between. Every answer is about the text sent with the
/// request; nothing but a saved draft is stored.
/// </summary>
internal static class DesignerEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var g = api.MapGroup("/designer").WithTags("Designer");
        g.MapPost("/diagnostics", async (HttpContext ctx, DesignerTextBody? body, DesignerService designer) =>
        {
            body = Api.Required(body, "the text");
            var watch = Stopwatch.StartNew();
            var diagnostics = await designer.WithTextAsync(Api.User(ctx), body.Text, (service, document) => service.Diagnostics(document.Path), ctx.RequestAborted);
            return TypedResults.Ok(new
            {
                textHash = DesignerService.TextHash(body.Text!),
                elapsedMs = Math.Round(watch.Elapsed.TotalMilliseconds, 1),
                diagnostics = diagnostics.Select(DesignerViews.Diagnostic),
            });
        }).WithSummary("The compiler's diagnostics of a text being edited (its imports resolved from the server's standard library), each with its code, message, span and the catalog's suggestion as a quick fix.");
        g.MapPost("/completion", async (HttpContext ctx, DesignerPositionBody? body, DesignerService designer) =>
        {
            body = Api.Required(body, "the text and the offset");
            var vocabulary = body.StudyId is { } studyId ? await designer.VocabularyAsync(Api.User(ctx), studyId, ctx.RequestAborted) : null;
            return TypedResults.Ok(await designer.WithTextAsync(Api.User(ctx), body.Text, (service, document) =>
            {
                service.Workspace.Study = vocabulary;
                return DesignerViews.Completion(service.Completion(document.Path, document.Lines.PositionOf(Offset(body, document.Text))), document);
            }, ctx.RequestAborted));
        }).WithSummary("Completions at an offset: the language's words that fit there, definitions, SDTM domains and variables with their labels, workflow names, and with a study the codes its data hold.");
        g.MapPost("/hover", async (HttpContext ctx, DesignerPositionBody? body, DesignerService designer) =>
        {
            body = Api.Required(body, "the text and the offset");
            return TypedResults.Ok(await designer.WithTextAsync(Api.User(ctx), body.Text, (service, document) =>
                new { hover = DesignerViews.Hover(service.Hover(document.Path, document.Lines.PositionOf(Offset(body, document.Text))), document) }, ctx.RequestAborted));
        }).WithSummary("Help for the name at an offset: a variable's label and type, a definition's text and type, a rule's hash (Markdown).");
        g.MapPost("/definition", async (HttpContext ctx, DesignerPositionBody? body, DesignerService designer) =>
        {
            body = Api.Required(body, "the text and the offset");
            return TypedResults.Ok(await designer.WithTextAsync(Api.User(ctx), body.Text, (service, document) =>
            {
                var libraries = service.Workspace.Analyze(document.Path).Compiled.Libraries;
                var found = service.Definition(document.Path, document.Lines.PositionOf(Offset(body, document.Text)));
                return new
                {
                    definitions = found.Select(l => DesignerViews.Location(l, document.Path,
                        l.Path == document.Path ? null : libraries.FirstOrDefault(x => x.Source.Path == l.Path)?.Source.Text)),
                };
            }, ctx.RequestAborted));
        }).WithSummary("Where the name at an offset is declared: in the text (offsets) or in an imported library (its file, line and the line's text).");
        g.MapPost("/workflows", async (HttpContext ctx, DesignerTextBody? body, DesignerService designer) =>
        {
            body = Api.Required(body, "the text");
            return TypedResults.Ok(await designer.WithTextAsync(Api.User(ctx), body.Text, (service, document) =>
            {
                var compiled = service.Workspace.Analyze(document.Path).Compiled;
                return new
                {
                    textHash = DesignerService.TextHash(document.Text),
                    syntaxErrors = compiled.Diagnostics.Count(d => d.IsError && d.Code.StartsWith("PE0", StringComparison.Ordinal) && (d.Source is null || d.Source.Path == document.Path)),
                    workflows = service.WorkflowGraphs(document.Path).Select(DesignerViews.Graph),
                };
            }, ctx.RequestAborted));
        }).WithSummary("The graph of each workflow block of a text: states (initial, final), transitions with guards, tasks and gates with roles and due times, clocks and escalations, each with its span in the text; and the text's hash, which a graph edit names.");
        g.MapPost("/workflows/{workflow}/edits", async (HttpContext ctx, string workflow, WorkflowEditBody? body, DesignerService designer) =>
        {
            body = Api.Required(body, "the text, its textHash and the edit");
            DesignerService.CheckText(body.Text);
            if (string.IsNullOrEmpty(body.TextHash)) throw new ApiException(ApiErrors.BadRequest, "Send the textHash of the graph the edit was made on.");
            if (DesignerService.TextHash(body.Text!) != body.TextHash)
                throw new ApiException(ApiErrors.Conflict, "The text changed since the graph was read (its hash differs): read the graph again and redo the edit.",
                    new Dictionary<string, object?> { ["textHash"] = DesignerService.TextHash(body.Text!) });
            var edit = body.ToEdit();
            var outcome = await designer.WithTextAsync(Api.User(ctx), body.Text, (service, document) =>
            {
                try
                {
                    return service.EditWorkflow(document.Path, workflow, edit);
                }
                catch (WorkflowEditException e)
                {
                    throw new ApiException(ApiErrors.WorkflowEditRefused, e.Message);
                }
            }, ctx.RequestAborted);
            return TypedResults.Ok(new
            {
                edits = outcome.Edits.Select(DesignerViews.Edit),
                textHash = DesignerService.TextHash(outcome.Text),
                diagnostics = outcome.Diagnostics.Select(DesignerViews.Diagnostic),
            });
        }).WithSummary("Applies a graph edit (add, rename or delete a state; add or delete a transition; set a guard; set a task's roles or due time; add an escalation) and returns the minimal text edits, computed from the syntax tree, with the diagnostics of the result.");
        g.MapPost("/workflows/{workflow}/export", async (HttpContext ctx, string workflow, string? format, DesignerTextBody? body, DesignerService designer) =>
        {
            body = Api.Required(body, "the text");
            var kind = format ?? "svg";
            if (kind is not ("svg" or "mermaid")) throw new ApiException(ApiErrors.BadRequest, "format is svg or mermaid.");
            var picture = await designer.WithTextAsync(Api.User(ctx), body.Text, (service, document) =>
            {
                var compiled = service.Workspace.Analyze(document.Path).Compiled;
                var syntax = compiled.Diagnostics.Where(d => d.IsError && d.Code.StartsWith("PE0", StringComparison.Ordinal) && (d.Source is null || d.Source.Path == document.Path)).ToList();
                if (syntax.Count > 0)
                    throw new ApiException(ApiErrors.ProtocolHasErrors, $"The text does not parse ({syntax.Count} syntax error(s)); fix them to export a workflow.",
                        new Dictionary<string, object?> { ["diagnostics"] = ProtocolService.Diagnostics(compiled) });
                if (service.WorkflowGraphs(document.Path).All(w => w.Name != workflow))
                    throw new ApiException(ApiErrors.NotFound, $"The text has no workflow {workflow}.");
                return kind == "svg" ? service.WorkflowSvg(document.Path, workflow) : service.WorkflowMermaid(document.Path, workflow);
            }, ctx.RequestAborted);
            return kind == "svg"
                ? Results.File(System.Text.Encoding.UTF8.GetBytes(picture), "image/svg+xml", workflow + ".svg")
                : Results.File(System.Text.Encoding.UTF8.GetBytes(picture), "text/vnd.mermaid", workflow + ".mmd");
        }).WithSummary("A workflow of a text drawn for documents: format=svg (a picture) or format=mermaid (a Mermaid state diagram).");
        g.MapPost("/drafts", async (HttpContext ctx, SaveDraftBody? body, ProtocolService protocols, ServerStore store) =>
        {
            body = Api.Required(body, "the text and the version it was edited from");
            DesignerService.CheckText(body.Text);
            var (v, created) = await protocols.SaveDraftAsync(Api.User(ctx), body.Text!, string.IsNullOrEmpty(body.BaseVersion) ? null : body.BaseVersion, ctx.RequestAborted);
            var sig = v.SignatureId is { } id ? await store.GetSignatureAsync(id, ctx.RequestAborted) : null;
            var view = ProtocolService.Summary(v, sig);
            return created ? Results.Created($"/api/protocols/{v.Name}/versions/{v.Number}", view) : Results.Ok(view);
        }).WithSummary("Saves a text as a draft version (hash, author, time; unsigned until published) on the version it was edited from: when someone saved another version in between, nothing is saved and the answer is 409 naming it.");

        api.MapPost("/studies/{studyId}/criteria-preview", async (HttpContext ctx, string studyId, CriteriaPreviewBody? body, DesignerService designer) =>
        {
            body = Api.Required(body, "the text");
            var study = await Api.StudyAsync(ctx, studyId);
            var watch = Stopwatch.StartNew();
            var compiled = await designer.WithTextAsync(Api.User(ctx), body.Text, (service, document) => service.Workspace.Analyze(document.Path).Compiled, ctx.RequestAborted);
            var compileTime = watch.Elapsed;
            return TypedResults.Ok(await Task.Run(() => CriteriaPreview.Run(compiled, study, body.AsOf, compileTime, ctx.RequestAborted), ctx.RequestAborted));
        }).WithTags("Designer").WithSummary("The criteria of a text being edited screened over the study's subjects by the screening runs' own screener (nothing stored): attrition funnel, outcome counts per criterion and each subject's status.");
    }

    private static int Offset(DesignerPositionBody body, string text) =>
        body.Offset is { } offset && offset >= 0 && offset <= text.Length
            ? offset : throw new ApiException(ApiErrors.BadRequest, $"Send \"offset\", a position in the text from 0 to {text.Length:N0}.");
}
