using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Protocols;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Endpoints;

/// <summary>A protocol text to compile.</summary>
/// <param name="Text">The .protocol text (it may import the standard library: import std.x).</param>
internal sealed record CompileBody(string Text);

/// <summary>A protocol text to publish, with its author's signature.</summary>
/// <param name="Text">The .protocol text.</param>
/// <param name="Signature">authorship or approval, with the password again.</param>
internal sealed record PublishBody(string Text, SignatureRequest? Signature = null);

/// <summary>Compile, publish, list, compare and render protocols.</summary>
internal static class ProtocolEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var g = api.MapGroup("/protocols").WithTags("Protocols");
        g.MapPost("/compile", (CompileBody? body) =>
        {
            body = Api.Required(body, "the protocol text");
            var p = ProtocolService.Compile(body.Text ?? "").Protocol;
            return TypedResults.Ok(new
            {
                name = p.Name, version = p.Version, isLibrary = p.IsLibrary, hasErrors = p.HasErrors, contentHash = p.ContentHash,
                criteria = p.Criteria.Length, checks = p.Checks.Length, safetyRules = p.SafetyRules.Length, workflows = p.Workflows.Length,
                diagnostics = ProtocolService.Diagnostics(p),
            });
        }).WithSummary("Compiles a protocol text with the standard library and returns its diagnostics (nothing is stored).");
        g.MapPost("", async (HttpContext ctx, PublishBody? body, ProtocolService protocols, ServerStore store) =>
        {
            body = Api.Required(body, "the protocol text and the signature");
            var (v, created) = await protocols.PublishAsync(Api.User(ctx), body.Text ?? "", body.Signature, ctx.RequestAborted);
            var sig = v.SignatureId is { } id ? await store.GetSignatureAsync(id, ctx.RequestAborted) : null;
            var view = ProtocolService.Summary(v, sig);
            return created ? Results.Created($"/api/protocols/{v.Name}/versions/{v.Number}", view) : Results.Ok(view);
        }).WithSummary("Publishes an immutable version: the text and every library it imports, its content hash, author, time and the author's signature. The same content publishes once.");
        g.MapGet("", async (HttpContext ctx, ServerStore store) =>
        {
            var all = await store.ListProtocolsAsync(ct: ctx.RequestAborted);
            return TypedResults.Ok(all.GroupBy(v => v.Name).Select(grp => new
            {
                name = grp.Key,
                versions = grp.Select(v => new { id = v.Id, number = v.Number, version = v.Label, title = v.Title, contentHash = v.ContentHash, author = v.Author, publishedAt = v.PublishedAt }),
            }));
        }).WithSummary("Every protocol with its published versions.");
        g.MapGet("/{name}/versions", async (HttpContext ctx, string name, ServerStore store) =>
        {
            var list = new List<object>();
            foreach (var v in await store.ListProtocolsAsync(name, ct: ctx.RequestAborted))
                list.Add(ProtocolService.Summary(v, v.SignatureId is { } id ? await store.GetSignatureAsync(id, ctx.RequestAborted) : null));
            return list.Count > 0 ? Results.Ok(list) : throw new ApiException(ApiErrors.NotFound, $"No published protocol {name}.");
        }).WithSummary("The published versions of a protocol, with their signatures.");
        g.MapGet("/{name}/versions/{number}", async (HttpContext ctx, string name, long number, ProtocolService protocols, ServerStore store) =>
        {
            var (v, bundle) = await protocols.GetAsync(name, number, ctx.RequestAborted);
            var sig = v.SignatureId is { } id ? await store.GetSignatureAsync(id, ctx.RequestAborted) : null;
            return TypedResults.Ok(new { protocol = ProtocolService.Summary(v, sig), text = bundle.Main, libraries = bundle.Libraries.Keys.Order(StringComparer.Ordinal) });
        }).WithSummary("A published version: its text, the libraries it imports, hash, author and signature.");
        g.MapGet("/{name}/versions/{number}/render", async (HttpContext ctx, string name, long number, ProtocolService protocols, ServerStore store) =>
        {
            var (v, bundle) = await protocols.GetAsync(name, number, ctx.RequestAborted);
            var sig = v.SignatureId is { } id ? await store.GetSignatureAsync(id, ctx.RequestAborted) : null;
            return TypedResults.Ok(ProtocolService.Render(v, bundle.Protocol, sig));
        }).WithSummary("A version rendered for reading: criteria numbered with their text and formal rule, checks, safety rules, workflows, parameters, arms, visits, citations.");
        g.MapGet("/diff", async (HttpContext ctx, string? from, string? to, ProtocolService protocols) =>
        {
            if (from is null || to is null) throw new ApiException(ApiErrors.BadRequest, "Name both versions: ?from=NAME@N&to=NAME@M.");
            var (a, ba) = await protocols.GetAsync(from, ctx.RequestAborted);
            var (b, bb) = await protocols.GetAsync(to, ctx.RequestAborted);
            return TypedResults.Ok(ProtocolService.Diff(a, b, ProtocolDiff.Compare(ba.Protocol, bb.Protocol)));
        }).WithSummary("Two versions compared criterion by criterion: added, removed, text changed, rule changed, and whether the change can alter an outcome.");
    }
}
