using System.Text.RegularExpressions;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Server.Hosting;

/// <summary>
/// Gives every request a correlation id (the caller's X-Correlation-Id when it is a sensible token, else a new one),
/// returns it in the response header, puts it in every log line of the request, and sets it for the workflow
/// journal so the entries a request causes name it.
/// </summary>
internal sealed partial class Correlation(RequestDelegate next, ILogger<Correlation> logger)
{
    public const string Header = "X-Correlation-Id";
    private const string ItemKey = "pe.correlation";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Valid();

    public static string Of(HttpContext context) => context.Items[ItemKey] as string ?? context.TraceIdentifier;

    public async Task InvokeAsync(HttpContext context)
    {
        var given = context.Request.Headers[Header].ToString();
        var id = given.Length > 0 && Valid().IsMatch(given) ? given : Guid.CreateVersion7().ToString("N");
        context.Items[ItemKey] = id;
        context.Response.Headers[Header] = id;
        using var scope = logger.BeginScope("CorrelationId:{CorrelationId}", id);
        using var journal = WorkflowCorrelation.Begin(id);
        await next(context);
    }
}
