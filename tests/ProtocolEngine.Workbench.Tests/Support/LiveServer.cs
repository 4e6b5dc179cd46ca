using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using ProtocolEngine.Server;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Workbench.Tests.Support;

/// <summary>
/// What every browser test world starts and tears down alike: the server on a real port serving the built web app
/// from a fresh data folder, its users (one password for all), a signed-in API client per user, and one chromium;
/// a folder for the screenshots, copied to docs/images when PROTOCOLENGINE_UPDATE_SCREENSHOTS=1. The worlds add
/// their own studies and data.
/// </summary>
public sealed class LiveServer : IAsyncDisposable
{
    /// <summary>Every test user's password.</summary>
    public const string Password = "correct horse battery staple";

    private readonly Factory _factory;
    private readonly IReadOnlyDictionary<string, string> _users;
    private IPlaywright? _playwright;

    private LiveServer(Factory factory, IReadOnlyDictionary<string, string> users, string screenshotDir)
    {
        _factory = factory;
        _users = users;
        ScreenshotDir = screenshotDir;
    }

    /// <summary>The server's address (http://127.0.0.1:port).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The one chromium of the world.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The server's services.</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>Where the tests put their screenshots.</summary>
    public string ScreenshotDir { get; }

    /// <summary>The server's data folder (deleted with the server): a world may keep its own files there.</summary>
    public string DataDir => _factory.Options.DataDir;

    /// <summary>
    /// Starts the server with <paramref name="users"/> (key: the name tests use, value: the user name), each created
    /// with the membership and kind ("person" or "system") <paramref name="account"/> gives it, then chromium.
    /// </summary>
    public static async Task<LiveServer> StartAsync(string name, IReadOnlyDictionary<string, string> users, Func<string, (MembershipRecord Membership, string Kind)> account)
    {
        if (!File.Exists(Path.Combine(RepoPaths.WebApp, "index.html")))
            throw new InvalidOperationException($"The web app is not built ({RepoPaths.WebApp}): building the server builds it (npm ci, vite build).");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var screenshots = Path.Combine(Path.GetTempPath(), $"pe-{name}-shots-{suffix}");
        var dir = Path.Combine(Path.GetTempPath(), $"pe-{name}-test-{suffix}");
        Directory.CreateDirectory(screenshots);
        Directory.CreateDirectory(dir);
        var factory = new Factory(new ServerOptions { DataDir = dir, PasswordIterations = 1_000, WorkerPollInterval = TimeSpan.FromMilliseconds(20), StaticRoot = RepoPaths.WebApp });
        var server = new LiveServer(factory, users, screenshots);
        factory.UseKestrel(0);
        factory.StartServer();
        server.BaseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        var identity = factory.Services.GetRequiredService<IdentityService>();
        foreach (var (key, user) in users)
        {
            var (membership, kind) = account(key);
            await identity.CreateUserAsync("test", user, "Dr. " + user, Password, kind, [membership], CancellationToken.None);
        }
        // CI has two cores for everything: generous waits, so a busy machine is slow rather than failing.
        Assertions.SetDefaultExpectTimeout(20_000);
        server._playwright = await Playwright.CreateAsync();
        server.Browser = await server._playwright.Chromium.LaunchAsync(ProtocolEngine.Screening.Tests.Browser.Options);
        return server;
    }

    /// <summary>An API client signed in as a user (cookie session with the antiforgery header).</summary>
    public async Task<HttpClient> ApiAsync(string who)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new() }) { BaseAddress = new Uri(BaseUrl) };
        var body = await Ok(await client.PostAsJsonAsync("/api/auth/login", new { userName = _users[who], password = Password }));
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", JsonDocument.Parse(body).RootElement.GetProperty("csrfToken").GetString());
        return client;
    }

    /// <summary>A new browser page on the sign-in page, signed in as a user.</summary>
    public async Task<IPage> SignInPageAsync(string who, IBrowserContext context)
    {
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(BaseUrl + "/#/signin");
        await page.GetByLabel("User name").FillAsync(_users[who]);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        return page;
    }

    /// <summary>Publishes a protocol file as a signed draft and returns the server's answer (the version, its hash).</summary>
    public static async Task<JsonElement> PublishAsync(HttpClient designer, string path) =>
        JsonDocument.Parse(await Ok(await designer.PostAsJsonAsync("/api/protocols", new { text = File.ReadAllText(path), signature = new { meaning = "authorship", password = Password } }))).RootElement;

    /// <summary>The response's body; a failed response throws with the request and the body.</summary>
    public static async Task<string> Ok(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri}: {(int)r.StatusCode} {body}");
        return body;
    }

    /// <summary>Closes chromium and the server, deletes the data folder, and keeps the screenshots when asked to.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        var dir = _factory.Options.DataDir;
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_UPDATE_SCREENSHOTS") == "1")
            foreach (var f in Directory.EnumerateFiles(ScreenshotDir, "*.png")) File.Copy(f, Path.Combine(RepoPaths.Root, "docs", "images", Path.GetFileName(f)), overwrite: true);
        try { Directory.Delete(ScreenshotDir, true); } catch (IOException) { }
    }

    /// <summary>The server with the test's options.</summary>
    private sealed class Factory(ServerOptions options) : WebApplicationFactory<ProtocolEngine.Server.Program>
    {
        public ServerOptions Options { get; } = options;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            builder.ConfigureServices(s =>
            {
                s.RemoveAll<ServerOptions>();
                s.AddSingleton(Options);
            });
        }
    }
}
