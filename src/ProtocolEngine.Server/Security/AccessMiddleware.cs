using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using ProtocolEngine.Server.Problems;

namespace ProtocolEngine.Server.Security;

/// <summary>
/// Enforces <see cref="AccessTable"/> before an endpoint runs: sign-in, the token's scope and study, the antiforgery
/// token of a browser session on every change, the roles the entry names, and the regulator's read-only access.
/// </summary>
internal sealed class AccessMiddleware(RequestDelegate next, ILogger<AccessMiddleware> logger)
{
    private const string UserKey = "pe.user";

    public static CurrentUser? UserOf(HttpContext context) => context.Items[UserKey] as CurrentUser;

    public static bool IsUnsafe(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    public async Task InvokeAsync(HttpContext context, IdentityService identity, IAntiforgery antiforgery)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            await next(context);
            return;
        }
        var key = AccessTable.Key(context.Request.Method, endpoint.RoutePattern.RawText ?? "");
        if (!AccessTable.Rules.TryGetValue(key, out var rule))
        {
            // Fail closed: an endpoint nobody declared is nobody's.
            logger.LogError("No access rule for {Endpoint}; refused", key);
            await Deny(context, ApiErrors.Forbidden, "This endpoint has no access rule.");
            return;
        }
        if (rule.Anonymous)
        {
            await next(context);
            return;
        }
        var user = await ResolveAsync(context, identity);
        if (user is null)
        {
            await Deny(context, ApiErrors.NotAuthenticated, "Sign in (POST /api/auth/login) or send an API token (Authorization: Bearer pe_...).");
            return;
        }
        var studyId = context.Request.RouteValues.TryGetValue("studyId", out var s) ? s as string : null;
        bool unsafeMethod = IsUnsafe(context.Request.Method);
        if (user.Method == AuthMethod.Token)
        {
            if (rule.Scope is null || !(user.TokenScopes ?? []).Contains(rule.Scope))
            {
                await Deny(context, ApiErrors.OutsideTokenScope, rule.Scope is null
                    ? "API tokens cannot do this; sign in as a person."
                    : $"This needs a token with scope {rule.Scope}; this token has {string.Join(", ", user.TokenScopes ?? [])}.");
                return;
            }
            if (user.TokenStudy is { } only && studyId is not null && studyId != only)
            {
                await Deny(context, ApiErrors.OutsideTokenScope, $"This token is limited to study {only}.");
                return;
            }
        }
        if (unsafeMethod && user.Method == AuthMethod.Cookie)
        {
            // A browser session's cookie travels with any request a page makes; a change needs the token only our pages hold.
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                await Deny(context, ApiErrors.AntiforgeryMissing, "A change made with a browser session needs the antiforgery token in the X-CSRF-TOKEN header (GET /api/auth/csrf).");
                return;
            }
        }
        var roles = user.RolesIn(studyId);
        if (unsafeMethod && roles.Contains(Roles.Regulator) && (rule.Roles is null ? false : !roles.Overlaps(rule.Roles)))
        {
            await Deny(context, ApiErrors.ReadOnlyRole, "A regulator reads everything and changes nothing.");
            return;
        }
        if (rule.Roles is { } allowed && !roles.Overlaps(allowed))
        {
            await Deny(context, ApiErrors.Forbidden, studyId is null
                ? $"This needs one of the roles {string.Join(", ", allowed)}."
                : $"This needs one of the roles {string.Join(", ", allowed)} in study {studyId}.");
            return;
        }
        context.Items[UserKey] = user;
        await next(context);
    }

    private static async Task<CurrentUser?> ResolveAsync(HttpContext context, IdentityService identity)
    {
        var principal = context.User;
        if (principal.Identity?.IsAuthenticated != true) return null;
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null) return null;
        var found = await identity.GetAsync(id, context.RequestAborted);
        if (found is not { } u) return null;
        var method = principal.FindFirstValue(AuthClaims.Method) switch
        {
            "token" => AuthMethod.Token,
            "jwt" => AuthMethod.Jwt,
            _ => AuthMethod.Cookie,
        };
        IReadOnlyList<string>? scopes = method == AuthMethod.Token ? [.. principal.FindAll(AuthClaims.Scope).Select(c => c.Value)] : null;
        return new CurrentUser(u.User, u.Memberships, method, scopes, principal.FindFirstValue(AuthClaims.TokenStudy));
    }

    private static Task Deny(HttpContext context, ApiError error, string detail)
    {
        context.Response.StatusCode = error.Status;
        return ProblemResults.Of(error, detail).ExecuteAsync(context);
    }
}

/// <summary>Claim types the server puts in its principals.</summary>
internal static class AuthClaims
{
    public const string Method = "pe:auth";
    public const string Scope = "pe:scope";
    public const string TokenStudy = "pe:token-study";
    public const string TokenId = "pe:token";
}
