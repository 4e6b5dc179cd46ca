using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace ProtocolEngine.Server.Tests.Support;

/// <summary>
/// The server in-process (WebApplicationFactory over its real entry point) on a fresh SQLite folder or a fresh
/// PostgreSQL database; options (clock, iterations, workers) as the test needs them.
/// </summary>
public sealed class TestServer : WebApplicationFactory<ProtocolEngine.Server.Program>
{
    private TestServer(ServerOptions options) => Options = options;

    public ServerOptions Options { get; }

    public string Provider => Options.Postgres is null ? "sqlite" : "postgres";

    /// <summary>Starts a server on a new store.</summary>
    public static async Task<TestServer> StartAsync(string provider, IClock? clock = null, bool runWorkers = true, Func<ServerOptions, ServerOptions>? configure = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "pe-server-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var options = new ServerOptions
        {
            DataDir = dir,
            Postgres = provider == "postgres" ? await ProtocolEngine.Workflows.Tests.Support.PostgresServer.NewDatabaseAsync("pe_srv") : null,
            // Tests sign in hundreds of times: a cheap hash here; PasswordHashingTests pins the real default (600,000).
            PasswordIterations = 1_000,
            Clock = clock ?? SystemClock.Instance,
            RunWorkers = runWorkers,
            WorkerPollInterval = TimeSpan.FromMilliseconds(20),
            StaticRoot = null,
        };
        var server = new TestServer(configure?.Invoke(options) ?? options);
        server.CreateClient().Dispose();
        return server;
    }

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

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });

    /// <summary>A client signed in with a browser session (cookie) and the antiforgery header set.</summary>
    public async Task<HttpClient> SignInAsync(string userName, string password)
    {
        var client = Anonymous();
        var r = await client.PostAsJsonAsync("/api/auth/login", new { userName, password });
        var body = await r.Content.ReadAsStringAsync();
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"Sign-in of {userName} failed: {(int)r.StatusCode} {body}");
        var csrf = JsonDocument.Parse(body).RootElement.GetProperty("csrfToken").GetString()!;
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", csrf);
        return client;
    }

    /// <summary>A client that sends an API token.</summary>
    public HttpClient WithToken(string token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(Options.DataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
