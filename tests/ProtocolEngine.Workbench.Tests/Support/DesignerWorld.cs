using System.Net.Http.Json;
using Microsoft.Playwright;
using ProtocolEngine.Data.Synthetic;
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
    public const string Password = LiveServer.Password;

    public static IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        [Roles.Admin] = "admin", [Roles.Designer] = "designer", ["SecondDesigner"] = "designer2",
    };

    private LiveServer? _server;

    public string BaseUrl => _server!.BaseUrl;

    public IBrowser Browser => _server!.Browser;

    public string PilotVersion { get; private set; } = "";

    public string PilotHash { get; private set; } = "";

    public string ScreenshotDir => _server!.ScreenshotDir;

    public async Task InitializeAsync()
    {
        _server = await LiveServer.StartAsync("designer", Users,
            who => (new MembershipRecord("", MembershipRecord.AllStudies, who == Roles.Admin ? Roles.Admin : Roles.Designer, []), "person"));
        using var designer = await ApiAsync(Roles.Designer);
        var pilot = await LiveServer.PublishAsync(designer, RepoPaths.PilotProtocol);
        PilotVersion = pilot.GetProperty("id").GetString()!;
        PilotHash = pilot.GetProperty("contentHash").GetString()!;
        await LiveServer.PublishAsync(designer, Path.Combine(RepoPaths.Root, "protocols", "t2d-sglt2.protocol"));
        using var admin = await ApiAsync(Roles.Admin);
        await LiveServer.Ok(await admin.PostAsJsonAsync("/api/studies", new { id = "pilot", title = "CDISC pilot", protocolId = PilotVersion, dataPath = RepoPaths.PilotData, identifySubjects = false, encoding = "windows-1252" }));
        var synthetic = Path.Combine(_server.DataDir, "synthetic");
        PopulationGenerator.Generate(synthetic, new SynthOptions { Subjects = 300, Seed = 16 });
        await LiveServer.Ok(await admin.PostAsJsonAsync("/api/studies", new { id = "synthetic", title = "Synthetic population", protocolId = PilotVersion, dataPath = synthetic }));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>An API client signed in (cookie session with the antiforgery header).</summary>
    public Task<HttpClient> ApiAsync(string who) => _server!.ApiAsync(who);

    /// <summary>A fresh browser page signed in through the sign-in page (the choice of two studies), on the pilot's designer.</summary>
    public async Task<IPage> SignInAsync(string who)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 }, AcceptDownloads = true });
        var page = await _server!.SignInPageAsync(who, context);
        await page.GetByRole(AriaRole.Heading, new() { Name = "Your studies" }).WaitForAsync(new() { Timeout = 60_000 });
        await page.GotoAsync(BaseUrl + "/#/s/pilot/designer");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Designer", Exact = true }).WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator(".cm-content").WaitForAsync(new() { Timeout = 60_000 });
        return page;
    }
}
