using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ProtocolEngine.Server.Security;

/// <summary>Authenticates <c>Authorization: Bearer pe_...</c> personal API tokens: looked up by their SHA-256, live, of a live user.</summary>
internal sealed class ApiTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IdentityService identity)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string Prefix = "pe_";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var text = header["Bearer ".Length..].Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return AuthenticateResult.NoResult();
        var token = await identity.FindTokenAsync(text, Context.RequestAborted);
        if (token is null) return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, token.UserId),
            new(AuthClaims.Method, "token"),
            new(AuthClaims.TokenId, token.Id),
        };
        claims.AddRange(token.Scopes.Select(s => new Claim(AuthClaims.Scope, s)));
        if (token.StudyId is { } study) claims.Add(new Claim(AuthClaims.TokenStudy, study));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }
}
