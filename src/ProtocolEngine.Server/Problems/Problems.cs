using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ProtocolEngine.Server.Hosting;

namespace ProtocolEngine.Server.Problems;

/// <summary>RFC 9457 problem details for every error: the PE8xxx code, the correlation id, never a stack trace.</summary>
internal static class ProblemResults
{
    public static ProblemHttpResult Of(ApiError error, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = error.Status,
            Title = error.Title,
            Detail = detail,
            Type = $"https://protocolengine.dev/problems/{error.Code}",
        };
        problem.Extensions["code"] = error.Code;
        if (extensions is not null) foreach (var (k, v) in extensions) problem.Extensions[k] = v;
        return TypedResults.Problem(problem);
    }

    /// <summary>The error a status code stands for when nothing more specific was said (unknown routes, wrong methods, limits).</summary>
    public static ApiError ForStatus(int status) => status switch
    {
        401 => ApiErrors.NotAuthenticated,
        403 => ApiErrors.Forbidden,
        404 => ApiErrors.NotFound,
        409 => ApiErrors.Conflict,
        413 => ApiErrors.PayloadTooLarge,
        415 => ApiErrors.UnsupportedMediaType,
        429 => ApiErrors.TooManyAttempts,
        503 => ApiErrors.NotReady,
        >= 500 => ApiErrors.Internal,
        _ => ApiErrors.BadRequest,
    };

    /// <summary>Adds the code (when missing) and the correlation id to every problem the framework writes.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var p = context.ProblemDetails;
        if (!p.Extensions.ContainsKey("code"))
        {
            var error = ForStatus(p.Status ?? context.HttpContext.Response.StatusCode);
            p.Extensions["code"] = error.Code;
            p.Title ??= error.Title;
            p.Type = $"https://protocolengine.dev/problems/{error.Code}";
        }
        p.Extensions["correlationId"] = Correlation.Of(context.HttpContext);
        // The framework's own trace id would be a second, different id for the same request.
        p.Extensions.Remove("traceId");
    }

    /// <summary>Turns an exception that reached the top into a problem: API errors as they are, bad requests as 400/413, anything else as 500 (logged).</summary>
    public static async Task HandleAsync(HttpContext context)
    {
        var ex = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (error, detail, ext) = ex switch
        {
            ApiException api => (api.Error, api.Message, api.Extensions),
            BadHttpRequestException { StatusCode: 413 } => (ApiErrors.PayloadTooLarge, "The request body is larger than the server accepts.", null),
            BadHttpRequestException b => (ApiErrors.BadRequest, Sanitize(b.Message), null),
            Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException => (ApiErrors.AntiforgeryMissing, "Send the antiforgery token (header X-CSRF-TOKEN) with every change.", null),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (ApiErrors.BadRequest, "The request was cancelled.", null),
            _ => (ApiErrors.Internal, $"The server failed on this request; its log names correlation id {Correlation.Of(context)}.", (IReadOnlyDictionary<string, object?>?)null),
        };
        if (error == ApiErrors.Internal)
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ProtocolEngine.Server").LogError(ex, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = error.Status;
        await Of(error, detail, ext).ExecuteAsync(context);
    }

    // Framework messages can quote internal type names; the user needs the gist only.
    private static string Sanitize(string message) => message.Contains("Failed to read parameter", StringComparison.Ordinal)
        ? "The request body is not valid JSON for this endpoint, or a required value is missing."
        : message;
}
