using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Security;

/// <summary>
/// A JWT from the configured identity provider names a person who exists here (its <c>preferred_username</c> or
/// <c>sub</c> is their login name): their roles and printed name come from this server, not from the token.
/// </summary>
internal static class JwtUsers
{
    public static async Task MapAsync(TokenValidatedContext context)
    {
        var principal = context.Principal;
        var name = principal?.FindFirstValue("preferred_username") ?? principal?.FindFirstValue("sub");
        var store = context.HttpContext.RequestServices.GetRequiredService<ServerStore>();
        var user = name is null ? null : await store.FindUserByNameAsync(name, context.HttpContext.RequestAborted);
        if (user is null || user.DisabledAt is not null)
        {
            context.Fail($"The token's user {name ?? "(unnamed)"} has no account here.");
            return;
        }
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, user.UserName), new Claim(AuthClaims.Method, "jwt")], JwtBearerDefaults.AuthenticationScheme));
    }
}
