using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using ProtocolEngine.Server.Hosting;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Endpoints;

/// <summary>Signs a person in.</summary>
/// <param name="UserName">The login name.</param>
/// <param name="Password">The password.</param>
internal sealed record LoginBody(string UserName, string Password);

/// <summary>Changes the signed-in person's password.</summary>
/// <param name="Current">The password now.</param>
/// <param name="New">The new password (at least 10 characters).</param>
internal sealed record PasswordBody(string Current, string New);

/// <summary>Asks for an API token.</summary>
/// <param name="Name">What it is for.</param>
/// <param name="Scopes">What it may do.</param>
/// <param name="StudyId">The one study it is limited to (optional).</param>
/// <param name="Days">How many days it lives (optional; no expiry otherwise).</param>
internal sealed record TokenBody(string Name, string[] Scopes, string? StudyId = null, int? Days = null);

/// <summary>A role in a study.</summary>
/// <param name="StudyId">The study, or * for every study.</param>
/// <param name="Role">The role.</param>
/// <param name="Sites">For investigators, the sites (DM.SITEID) they see; empty for every site.</param>
internal sealed record MembershipBody(string StudyId, string Role, string[]? Sites = null);

/// <summary>Creates a user.</summary>
/// <param name="UserName">The login name.</param>
/// <param name="DisplayName">The printed name signatures show.</param>
/// <param name="Password">The initial password (at least 10 characters).</param>
/// <param name="Kind">person or system.</param>
/// <param name="Memberships">Roles per study.</param>
internal sealed record CreateUserBody(string UserName, string DisplayName, string Password, string Kind = "person", MembershipBody[]? Memberships = null);

/// <summary>Replaces a user's roles in one study.</summary>
/// <param name="Roles">The roles (empty removes the user from the study).</param>
internal sealed record MembershipsBody(MembershipBody[] Roles);

/// <summary>Sign-in, session, API tokens, users and the server's audit chain.</summary>
internal static class AuthEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Sign-in and tokens");
        auth.MapPost("/login", LoginAsync).WithSummary("Sign in: starts a browser session (HttpOnly, SameSite=Strict cookie) and returns the antiforgery token for changes.")
            .RequireRateLimiting(ServerApp.LoginRateLimit);
        auth.MapPost("/logout", async (HttpContext ctx) =>
        {
            await ctx.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.NoContent();
        }).WithSummary("Ends the browser session.");
        auth.MapGet("/me", (HttpContext ctx) =>
        {
            var u = Api.User(ctx);
            return TypedResults.Ok(new
            {
                id = u.Id, userName = u.UserName, displayName = u.User.DisplayName, kind = u.User.Kind, authentication = u.Method.ToString().ToLowerInvariant(),
                scopes = u.TokenScopes, memberships = u.Memberships.Select(m => new { studyId = m.StudyId, role = m.Role, sites = m.Sites }),
            });
        }).WithSummary("The signed-in user and their roles per study.");
        auth.MapGet("/csrf", (HttpContext ctx, IAntiforgery antiforgery) =>
            TypedResults.Ok(new { csrfToken = antiforgery.GetAndStoreTokens(ctx).RequestToken, header = ServerApp.CsrfHeader }))
            .WithSummary("A fresh antiforgery token for the browser session (send it as X-CSRF-TOKEN with every change).");
        auth.MapPost("/password", async (HttpContext ctx, PasswordBody? body, IdentityService identity) =>
        {
            body = Api.Required(body, "the current and the new password");
            await identity.ChangePasswordAsync(Api.User(ctx), body.Current ?? "", body.New ?? "", ctx.RequestAborted);
            return TypedResults.NoContent();
        }).WithSummary("Changes your password (the current one again, then the new one); journaled.");
        auth.MapGet("/tokens", async (HttpContext ctx, ServerStore store) =>
        {
            var u = Api.User(ctx);
            var tokens = await store.ListTokensAsync(u.Id, ctx.RequestAborted);
            return TypedResults.Ok(tokens.Select(t => new { id = t.Id, name = t.Name, scopes = t.Scopes, studyId = t.StudyId, createdAt = t.CreatedAt, expiresAt = t.ExpiresAt, revokedAt = t.RevokedAt }));
        }).WithSummary("Your API tokens (never their text).");
        auth.MapPost("/tokens", async (HttpContext ctx, TokenBody? body, IdentityService identity) =>
        {
            var u = Api.User(ctx);
            body = Api.Required(body, "the token's name and scopes");
            if (body.StudyId is { } study && !u.RolesIn(study).Any())
                throw new ApiException(ApiErrors.Forbidden, $"You hold no role in study {study}.");
            var (token, text) = await identity.CreateTokenAsync(u, body.Name ?? "", body.Scopes ?? [], body.StudyId, body.Days, ctx.RequestAborted);
            return TypedResults.Created($"/api/auth/tokens/{token.Id}", new { id = token.Id, token = text, name = token.Name, scopes = token.Scopes, studyId = token.StudyId, expiresAt = token.ExpiresAt,
                note = "Keep the token now: only its hash is stored, it cannot be shown again." });
        }).WithSummary("Issues a personal API token acting as you within its scopes; its text is shown once.");
        auth.MapDelete("/tokens/{tokenId}", async (HttpContext ctx, string tokenId, ServerStore store, IdentityService identity) =>
        {
            var u = Api.User(ctx);
            var token = await store.GetTokenAsync(tokenId, ctx.RequestAborted);
            if (token is null || (token.UserId != u.Id && !u.RolesIn(null).Contains(Roles.Admin))) throw new ApiException(ApiErrors.NotFound, $"No token {tokenId} of yours.");
            await identity.RevokeTokenAsync(u, token, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).WithSummary("Revokes a token (yours, or any for an administrator).");

        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("", async (HttpContext ctx, ServerStore store) =>
        {
            var list = new List<object>();
            foreach (var u in await store.ListUsersAsync(ctx.RequestAborted))
                list.Add(new { id = u.Id, userName = u.UserName, displayName = u.DisplayName, kind = u.Kind, createdAt = u.CreatedAt, disabledAt = u.DisabledAt,
                    memberships = (await store.ListMembershipsAsync(u.Id, ctx.RequestAborted)).Select(m => new { studyId = m.StudyId, role = m.Role, sites = m.Sites }) });
            return TypedResults.Ok(list);
        }).WithSummary("Every user with their roles.");
        users.MapPost("", async (HttpContext ctx, CreateUserBody? body, IdentityService identity) =>
        {
            var actor = Api.User(ctx);
            body = Api.Required(body, "the user");
            var memberships = Memberships(body.Memberships ?? []);
            var user = await identity.CreateUserAsync(actor.UserName, body.UserName ?? "", body.DisplayName ?? "", body.Password ?? "", body.Kind ?? "person", memberships, ctx.RequestAborted);
            return TypedResults.Created($"/api/users/{user.Id}", new { id = user.Id, userName = user.UserName, displayName = user.DisplayName, kind = user.Kind });
        }).WithSummary("Creates a person or system account with roles per study.");
        users.MapPut("/{userId}/memberships/{studyId}", async (HttpContext ctx, string userId, string studyId, MembershipsBody? body, ServerStore store, IdentityService identity, AuditLog audit) =>
        {
            var actor = Api.User(ctx);
            body = Api.Required(body, "the roles");
            var user = await store.GetUserAsync(userId, ctx.RequestAborted) ?? throw new ApiException(ApiErrors.NotFound, $"No user {userId}.");
            if (studyId != MembershipRecord.AllStudies && await store.GetStudyAsync(studyId, ctx.RequestAborted) is null) throw new ApiException(ApiErrors.NotFound, $"No study {studyId}.");
            var list = Memberships([.. (body.Roles ?? []).Select(r => r with { StudyId = studyId })]).Select(m => m with { UserId = userId }).ToList();
            var before = await store.ListMembershipsAsync(userId, ctx.RequestAborted);
            await store.SetMembershipsAsync(userId, studyId, list, ctx.RequestAborted);
            identity.Forget(userId, user.UserName);
            await audit.WriteAsync(actor.UserName, "roles-changed", "user:" + user.UserName, string.Join(", ", before.Where(m => m.StudyId == studyId).Select(IdentityService.Describe)),
                string.Join(", ", list.Select(IdentityService.Describe)), null, ct: ctx.RequestAborted);
            return TypedResults.Ok(list.Select(m => new { studyId = m.StudyId, role = m.Role, sites = m.Sites }));
        }).WithSummary("Replaces a user's roles in one study.");
        users.MapPost("/{userId}/disable", async (HttpContext ctx, string userId, ServerStore store, IdentityService identity, AuditLog audit, NodaTime.IClock clock) =>
        {
            var actor = Api.User(ctx);
            var user = await store.GetUserAsync(userId, ctx.RequestAborted) ?? throw new ApiException(ApiErrors.NotFound, $"No user {userId}.");
            if (user.Id == actor.Id) throw new ApiException(ApiErrors.BadRequest, "You cannot disable yourself.");
            await store.DisableUserAsync(userId, clock.GetCurrentInstant(), ctx.RequestAborted);
            identity.Forget(userId, user.UserName);
            await audit.WriteAsync(actor.UserName, "user-disabled", "user:" + user.UserName, ct: ctx.RequestAborted);
            return TypedResults.NoContent();
        }).WithSummary("Disables a user: they can no longer sign in, use tokens or sign.");

        var audit = api.MapGroup("/audit").WithTags("Journal");
        audit.MapGet("", async (HttpContext ctx, ServerStore store, long? after, int? limit) =>
        {
            var (_, l) = Api.Page(0, limit);
            var entries = await store.ListAuditAsync(after ?? 0, l, ctx.RequestAborted);
            return TypedResults.Ok(new
            {
                entries = entries.Select(e => new { seq = e.Sequence, at = e.At, actor = e.Actor, action = e.Action, target = e.InstanceId, oldValue = e.OldValue, newValue = e.NewValue,
                    detail = e.Detail, correlationId = e.CorrelationId, hash = e.Hash, previousHash = e.PreviousHash }),
                next = entries.Count == l ? entries[^1].Sequence : (long?)null,
            });
        }).WithSummary("Pages through the server's audit chain (sign-ins, failed sign-ins, tokens, users, publications, registrations, attestations).");
        audit.MapGet("/verify", async (HttpContext ctx, ServerStore store) =>
        {
            var (entries, problem) = await store.VerifyAuditAsync(ctx.RequestAborted);
            return TypedResults.Ok(new { intact = problem is null, entries, problem = problem is null ? null : new { seq = problem.Sequence, kind = problem.Kind.ToString().ToLowerInvariant(), message = problem.Message } });
        }).WithSummary("Verifies the audit chain: every hash, every link, and its head.");
    }

    private static async Task<IResult> LoginAsync(HttpContext ctx, LoginBody? body, IdentityService identity, IAntiforgery antiforgery, ServerOptions options)
    {
        body = Api.Required(body, "the user name and password");
        var user = await identity.SignInAsync(body.UserName ?? "", body.Password ?? "", ctx.Connection.RemoteIpAddress?.ToString(), ctx.RequestAborted);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, user.UserName), new Claim(AuthClaims.Method, "cookie")],
            CookieAuthenticationDefaults.AuthenticationScheme));
        await ctx.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal,
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        // The antiforgery token is bound to the signed-in user, so it is made for the new principal.
        ctx.User = principal;
        var tokens = antiforgery.GetAndStoreTokens(ctx);
        return TypedResults.Ok(new { userName = user.UserName, displayName = user.DisplayName, csrfToken = tokens.RequestToken, header = ServerApp.CsrfHeader,
            idleTimeoutMinutes = (int)options.IdleTimeout.TotalMinutes });
    }

    private static List<MembershipRecord> Memberships(IReadOnlyList<MembershipBody> list)
    {
        var result = new List<MembershipRecord>();
        foreach (var m in list)
        {
            if (!Roles.IsRole(m.Role ?? "")) throw new ApiException(ApiErrors.BadRequest, $"Unknown role {m.Role}; roles are {string.Join(", ", Roles.All)}.");
            if (m.StudyId != MembershipRecord.AllStudies && !ServerDatabase.IsStudyId(m.StudyId ?? "")) throw new ApiException(ApiErrors.BadRequest, $"Not a study id: {m.StudyId}.");
            var sites = (m.Sites ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).ToList();
            if (sites.Count > 0 && m.Role != Roles.Investigator) throw new ApiException(ApiErrors.BadRequest, "Only investigators are limited to sites.");
            result.Add(new MembershipRecord("", m.StudyId!, m.Role!, sites));
        }
        return result;
    }
}
