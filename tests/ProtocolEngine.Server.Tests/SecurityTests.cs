using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Tests.Support;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Tests;

/// <summary>Sessions, antiforgery, read-only regulators, token scopes and revocation, sign-in limits, password hashes, JWT.</summary>
public sealed class SecurityTests
{
    private static async Task<string> CodeOf(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()!;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AChangeWithTheSessionCookieButWithoutTheAntiforgeryToken_IsRefused(string provider)
    {
        await using var world = await PilotWorld.CreateAsync(provider, identify: false, screen: false);
        using var dm = await world.SignInAsync(Roles.DataManager);
        var body = new { type = "Custom", name = "Probe", subject = "01-701-1015" };
        // The same session, the token header removed: what a forged cross-site form or script would send.
        dm.DefaultRequestHeaders.Remove("X-CSRF-TOKEN");
        var forged = await dm.PostAsJsonAsync("/api/studies/pilot/events", body);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal("PE8005", await CodeOf(forged));
        dm.DefaultRequestHeaders.Add("X-CSRF-TOKEN", "not-the-token");
        Assert.Equal("PE8005", await CodeOf(await dm.PostAsJsonAsync("/api/studies/pilot/events", body)));
        Assert.Empty((await world.Server.Service<ServerStore>().CountEventsAsync("pilot")).Keys);
        // Reads need no token, and with the real one the change goes through.
        Assert.Equal(HttpStatusCode.OK, (await dm.GetAsync("/api/studies/pilot")).StatusCode);
        var csrf = JsonDocument.Parse(await dm.GetStringAsync("/api/auth/csrf")).RootElement.GetProperty("csrfToken").GetString();
        dm.DefaultRequestHeaders.Remove("X-CSRF-TOKEN");
        dm.DefaultRequestHeaders.Add("X-CSRF-TOKEN", csrf);
        Assert.Equal(HttpStatusCode.Accepted, (await dm.PostAsJsonAsync("/api/studies/pilot/events", body)).StatusCode);
    }

    [Fact]
    public async Task TheSessionCookie_IsHttpOnlyAndSameSiteStrict_WithAnIdleTimeout()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", identify: false, screen: false);
        using var client = world.Server.Anonymous();
        var r = await client.PostAsJsonAsync("/api/auth/login", new { userName = "dm", password = PilotWorld.Password });
        var cookie = r.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pe_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var options = world.Server.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        Assert.Equal(world.Server.Options.IdleTimeout, options.ExpireTimeSpan);
        Assert.True(options.SlidingExpiration);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ARegulator_ReadsEverything_AndEveryChangeIsRefused(string provider)
    {
        await using var world = await PilotWorld.CreateAsync(provider, identify: false, screen: false);
        using var regulator = await world.SignInAsync(Roles.Regulator);
        Assert.Equal(HttpStatusCode.OK, (await regulator.GetAsync("/api/studies/pilot/journal/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await regulator.GetAsync("/api/audit")).StatusCode);
        foreach (var (path, body) in new (string, object)[]
        {
            ("/api/studies/pilot/screening-runs", new { }),
            ("/api/studies/pilot/events", new { type = "Custom", name = "X", subject = "01-701-1015" }),
            ("/api/protocols", new { text = "x" }),
            ("/api/studies/pilot/validation-runs", new { }),
        })
        {
            var r = await regulator.PostAsJsonAsync(path, body);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("PE8006", await CodeOf(r));
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AToken_CannotActOutsideItsScopeOrStudy_AndStopsWhenRevoked(string provider)
    {
        await using var world = await PilotWorld.CreateAsync(provider, identify: false, screen: false);
        using var dm = await world.SignInAsync(Roles.DataManager);
        async Task<(string Id, string Token)> Issue(object body)
        {
            var r = await dm.PostAsJsonAsync("/api/auth/tokens", body);
            var e = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
            return (e.GetProperty("id").GetString()!, e.GetProperty("token").GetString()!);
        }
        var (readId, read) = await Issue(new { name = "reader", scopes = new[] { Scopes.Read } });
        var (_, other) = await Issue(new { name = "elsewhere", scopes = new[] { Scopes.Read }, studyId = "other-study" });
        using var reader = world.Server.WithToken(read);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/studies/pilot")).StatusCode);
        var post = await reader.PostAsJsonAsync("/api/studies/pilot/events", new { type = "Custom", name = "X", subject = "01-701-1015" });
        Assert.Equal("PE8004", await CodeOf(post));
        using var elsewhere = world.Server.WithToken(other);
        Assert.Equal("PE8004", await CodeOf(await elsewhere.GetAsync("/api/studies/pilot")));
        // Only the hash is stored.
        var stored = await world.Server.Service<ServerStore>().GetTokenAsync(readId);
        Assert.NotEqual(read, stored!.TokenHash);
        Assert.Equal(IdentityService.HashToken(read), stored.TokenHash);
        Assert.Equal(HttpStatusCode.NoContent, (await dm.DeleteAsync($"/api/auth/tokens/{readId}")).StatusCode);
        var after = await reader.GetAsync("/api/studies/pilot");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("PE8002", await CodeOf(after));
    }

    [Fact]
    public async Task FailedSignIns_AreJournaled_AndRefusedAfterTheLimit()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", identify: false, screen: false);
        using var client = world.Server.Anonymous();
        for (int i = 0; i < world.Server.Options.LoginFailureLimit; i++)
        {
            var r = await client.PostAsJsonAsync("/api/auth/login", new { userName = "dm", password = "guess " + i });
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Equal("PE8010", await CodeOf(r));
        }
        // Even the right password is refused now: the limit protects the account, not the attempt.
        var refused = await client.PostAsJsonAsync("/api/auth/login", new { userName = "dm", password = PilotWorld.Password });
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal("PE8011", await CodeOf(refused));
        var store = world.Server.Service<ServerStore>();
        var audit = await store.ListAuditAsync(0, 1000);
        Assert.Equal(world.Server.Options.LoginFailureLimit, audit.Count(e => e.Action == "login-failed" && e.InstanceId == "user:dm"));
        Assert.Contains(audit, e => e.Action == "login-refused" && e.InstanceId == "user:dm");
        Assert.DoesNotContain(audit, e => (e.Detail ?? "").Contains("guess", StringComparison.Ordinal));
        Assert.Null((await store.VerifyAuditAsync()).Problem);
        // Another user is not affected.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/login", new { userName = "monitor", password = PilotWorld.Password })).StatusCode);
    }

    [Fact]
    public async Task APerson_ChangesTheirPassword_OnlyWithTheCurrentOne()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", identify: false, screen: false);
        using var monitor = await world.SignInAsync(Roles.Monitor);
        var wrong = await monitor.PostAsJsonAsync("/api/auth/password", new { current = "not it at all", @new = "a brand new password" });
        Assert.Equal("PE8012", await CodeOf(wrong));
        Assert.Equal(HttpStatusCode.NoContent, (await monitor.PostAsJsonAsync("/api/auth/password", new { current = PilotWorld.Password, @new = "a brand new password" })).StatusCode);
        using var client = world.Server.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/login", new { userName = "monitor", password = PilotWorld.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/login", new { userName = "monitor", password = "a brand new password" })).StatusCode);
        var audit = await world.Server.Service<ServerStore>().ListAuditAsync(0, 1000);
        Assert.Contains(audit, e => e.Action == "password-changed" && e.InstanceId == "user:monitor");
        Assert.Contains(audit, e => e.Action == "password-change-failed" && e.InstanceId == "user:monitor");
    }

    [Fact]
    public void PasswordHashes_UsePbkdf2Sha256WithAtLeast600000IterationsByDefault()
    {
        Assert.True(new ServerOptions().PasswordIterations >= 600_000);
        var hash = PasswordHashing.Hash("a long enough password");
        Assert.StartsWith("pbkdf2-sha256$600000$", hash, StringComparison.Ordinal);
        Assert.Equal(600_000, PasswordHashing.IterationsOf(hash));
        Assert.True(PasswordHashing.Verify("a long enough password", hash));
        Assert.False(PasswordHashing.Verify("a long enough passworD", hash));
        Assert.NotEqual(hash, PasswordHashing.Hash("a long enough password"));
    }

    [Fact]
    public async Task AJwtFromTheConfiguredIssuer_SignsInItsLocalUser_AndAForeignOneDoesNot()
    {
        var key = Encoding.UTF8.GetBytes("a shared key of at least thirty-two bytes!");
        await using var server = await TestServer.StartAsync("sqlite", runWorkers: false, configure: o => o with { Jwt = new JwtOptions("https://idp.example", "protocolengine", key) });
        await server.Service<IdentityService>().CreateUserAsync("test", "carol", "Carol Jones", PilotWorld.Password, "person",
            [new MembershipRecord("", MembershipRecord.AllStudies, Roles.Monitor, [])], CancellationToken.None);
        string Jwt(string user, byte[] signingKey) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://idp.example",
            Audience = "protocolengine",
            Claims = new Dictionary<string, object> { ["sub"] = user },
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(signingKey), SecurityAlgorithms.HmacSha256),
        });
        using var carol = server.WithToken(Jwt("carol", key));
        var me = JsonDocument.Parse(await carol.GetStringAsync("/api/auth/me")).RootElement;
        Assert.Equal("carol", me.GetProperty("userName").GetString());
        Assert.Equal("jwt", me.GetProperty("authentication").GetString());
        using var forged = server.WithToken(Jwt("carol", Encoding.UTF8.GetBytes("another key, also at least 32 bytes long")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/auth/me")).StatusCode);
        using var stranger = server.WithToken(Jwt("mallory", key));
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/auth/me")).StatusCode);
    }
}
