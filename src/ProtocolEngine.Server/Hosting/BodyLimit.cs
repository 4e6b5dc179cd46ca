using Microsoft.AspNetCore.Http.Features;
using ProtocolEngine.Server.Problems;

namespace ProtocolEngine.Server.Hosting;

/// <summary>
/// Request size limits: JSON requests up to <see cref="ServerOptions.JsonBodyLimit"/>, study uploads up to
/// <see cref="ServerOptions.UploadLimit"/>. A declared length over the limit is refused before the body is read (413);
/// a body without a declared length is cut off by the server at the same limit.
/// </summary>
internal sealed class BodyLimit(RequestDelegate next, ServerOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        long limit = context.Request.Path.StartsWithSegments("/api/studies/upload") ? options.UploadLimit : options.JsonBodyLimit;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
        if (context.Request.ContentLength is { } length && length > limit)
        {
            context.Response.StatusCode = ApiErrors.PayloadTooLarge.Status;
            await ProblemResults.Of(ApiErrors.PayloadTooLarge, $"The request body has {length:N0} bytes; this endpoint takes at most {limit:N0}.").ExecuteAsync(context);
            return;
        }
        await next(context);
    }
}
