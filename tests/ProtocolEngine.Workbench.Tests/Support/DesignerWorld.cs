using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Server;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Workbench.Tests.Support;

/// <summary>
/// The server on a real port serving the built web app, for the designer: two designers and an administrator, the pilot
/// protocol and the T2D example (which declares workflows of its own) published, the CDISC pilot study (306 subjects;
/// its data hold no questionnaires, so INCL03's MMSE is Unknown there) and a synthetic population of 300 subjects with
/// MMSE scores registered; and one chromium.
/// </summary>
public sealed class DesignerWorld : IAsyncLifetime
{
    public const string Password = WorkbenchWorld.Password;

    public static IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        [Roles.Admin] = "admin", [Roles.Designer] = "designer", ["SecondDesigner"] = "designer2",
    };

    private WorkbenchWorld.Factory? _factory;
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public string PilotVersion { get; private set; } = "";

    public string PilotHash { get; private set; } = "";

    public string ScreenshotDir { get; } = Path.Combine(Path.GetTempPath(), "pe-designer-shots-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(RepoPaths.WebApp, "index.html")))
            throw new InvalidOperationException($"The web app is not built ({RepoPaths.WebApp}): building the server builds it (npm ci, vite build).");
        Directory.CreateDirectory(ScreenshotDir);
        var dir = Path.Combine(Path.GetTempPath(), "pe-designer-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        _factory = new WorkbenchWorld.Factory(new ServerOptions { DataDir = dir, PasswordIterations = 1_000, WorkerPollInterval = TimeSpan.FromMilliseconds(20), StaticRoot = RepoPaths.WebApp });
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseUrl = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        var identity = _factory.Services.GetRequiredService<IdentityService>();
        foreach (var (role, name) in Users)
            await identity.CreateUserAsync("test", name, "Dr. " + name, Password, "person",
                [new MembershipRecord("", MembershipRecord.AllStudies, role == Roles.Admin ? Roles.Admin : Roles.Designer, [])], CancellationToken.None);

        using var designer = await ApiAsync(Roles.Designer);
        var pilot = JsonDocument.Parse(await Publish(designer, RepoPaths.PilotProtocol)).RootElement;
        PilotVersion = pilot.GetProperty("id").GetString()!;
        PilotHash = pilot.GetProperty("contentHash").GetString()!;
        await Publish(designer, Path.Combine(RepoPaths.Root, "protocols", "t2d-sglt2.protocol"));
        using var admin = await ApiAsync(Roles.Admin);
        await WorkbenchWorld.Ok(await admin.PostAsJsonAsync("/api/studies", new { id = "pilot", title = "CDISC pilot", protocolId = PilotVersion, dataPath = RepoPaths.PilotData, identifySubjects = false, encoding = "windows-1252" }));
        var synthetic = Path.Combine(dir, "synthetic");
        PopulationGenerator.Generate(synthetic, new SynthOptions { Subjects = 300, Seed = 16 });
        await WorkbenchWorld.Ok(await admin.PostAsJsonAsync("/api/studies", new { id = "synthetic", title = "Synthetic population", protocolId = PilotVersion, dataPath = synthetic }));

        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(ProtocolEngine.Screening.Tests.Browser.Options);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_factory is not null)
        {
            var dir = _factory.Options.DataDir;
            await _factory.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_UPDATE_SCREENSHOTS") == "1")
            foreach (var f in Directory.EnumerateFiles(ScreenshotDir, "*.png")) File.Copy(f, Path.Combine(RepoPaths.Root, "docs", "images", Path.GetFileName(f)), overwrite: true);
        try { Directory.Delete(ScreenshotDir, true); } catch (IOException) { }
    }

    /// <summary>An API client signed in (cookie session with the antiforgery header).</summary>
    public async Task<HttpClient> ApiAsync(string who)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new() }) { BaseAddress = new Uri(BaseUrl) };
        var body = await WorkbenchWorld.Ok(await client.PostAsJsonAsync("/api/auth/login", new { userName = Users[who], password = Password }));
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", JsonDocument.Parse(body).RootElement.GetProperty("csrfToken").GetString());
        return client;
    }

    /// <summary>A fresh browser page signed in through the sign-in page (the choice of two studies), on the pilot's designer.</summary>
    public async Task<IPage> SignInAsync(string who)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 }, AcceptDownloads = true });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(BaseUrl + "/#/signin");
        await page.GetByLabel("User name").FillAsync(Users[who]);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Your studies" }).WaitForAsync(new() { Timeout = 60_000 });
        await page.GotoAsync(BaseUrl + "/#/s/pilot/designer");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Designer", Exact = true }).WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator(".cm-content").WaitForAsync(new() { Timeout = 60_000 });
        return page;
    }

    private static async Task<string> Publish(HttpClient designer, string path) =>
        await WorkbenchWorld.Ok(await designer.PostAsJsonAsync("/api/protocols", new { text = File.ReadAllText(path), signature = new { meaning = "authorship", password = Password } }));
}
