using ProtocolEngine.Server.Hosting;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;

namespace ProtocolEngine.Server.Endpoints;

/// <summary>What every endpoint shares: the signed-in user, the study of the route, paging and idempotency keys.</summary>
internal static class Api
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The user the access check admitted (every endpoint that is not public has one).</summary>
    public static CurrentUser User(HttpContext context) =>
        AccessMiddleware.UserOf(context) ?? throw new ApiException(ApiErrors.NotAuthenticated, "Sign in first.");

    /// <summary>The study of the route, loaded.</summary>
    public static Task<StudyRuntime> StudyAsync(HttpContext context, string studyId) =>
        context.RequestServices.GetRequiredService<StudyRegistry>().GetAsync(studyId, context.RequestAborted);

    /// <summary>Checks paging values: offset from 0, limit 1 to 1,000 (default 100).</summary>
    public static (int Offset, int Limit) Page(int? offset, int? limit)
    {
        int o = offset ?? 0, l = limit ?? 100;
        if (o < 0) throw new ApiException(ApiErrors.BadRequest, "offset is 0 or more.");
        if (l is < 1 or > 1000) throw new ApiException(ApiErrors.BadRequest, "limit is 1 to 1,000.");
        return (o, l);
    }

    /// <summary>The request's idempotency key, when sent (at most 190 characters).</summary>
    public static string? Key(HttpContext context)
    {
        var k = context.Request.Headers[IdempotencyHeader].ToString();
        if (k.Length == 0) return null;
        return k.Length <= 190 ? k : throw new ApiException(ApiErrors.BadRequest, "An idempotency key is at most 190 characters.");
    }

    /// <summary>The correlation id of the request.</summary>
    public static string Correlation(HttpContext context) => Hosting.Correlation.Of(context);

    /// <summary>A required body value.</summary>
    public static T Required<T>(T? body, string what) where T : class =>
        body ?? throw new ApiException(ApiErrors.BadRequest, $"Send {what} as JSON.");
}
