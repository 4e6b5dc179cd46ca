using System.Net.Http.Json;
using System.Text.Json;
using NodaTime;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Tests.Support;

/// <summary>
/// A server with one user per role, the pilot protocol published (signed by the designer), the CDISC pilot study
/// registered with every subject identified (their recruitment workflows started) and screened.
/// </summary>
public sealed class PilotWorld : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";
    public const string Study = "pilot";
    public const string Site = "701";
    public const string OtherSite = "702";

    private PilotWorld(TestServer server) => Server = server;

    public TestServer Server { get; }

    public string ProtocolId { get; private set; } = "";

    public string? ScreeningRunId { get; private set; }

    /// <summary>User name per role; "Investigator" is assigned to site 701, "OtherInvestigator" to site 702.</summary>
    public static IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        [Roles.Admin] = "admin",
        [Roles.Designer] = "designer",
        [Roles.Investigator] = "inv701",
        ["OtherInvestigator"] = "inv702",
        [Roles.SafetyPhysician] = "safety",
        [Roles.DataManager] = "dm",
        [Roles.Monitor] = "monitor",
        [Roles.Regulator] = "regulator",
        ["System"] = "edc",
    };

    public static async Task<PilotWorld> CreateAsync(string provider, IClock? clock = null, bool identify = true, bool screen = true)
    {
        var world = new PilotWorld(await TestServer.StartAsync(provider, clock));
        var identity = world.Server.Service<IdentityService>();
        foreach (var (role, name) in Users)
        {
            var membership = role switch
            {
                Roles.Investigator => new MembershipRecord("", Study, Roles.Investigator, [Site]),
                "OtherInvestigator" => new MembershipRecord("", Study, Roles.Investigator, [OtherSite]),
                "System" => new MembershipRecord("", MembershipRecord.AllStudies, Roles.DataManager, []),
                _ => new MembershipRecord("", MembershipRecord.AllStudies, role, []),
            };
            await identity.CreateUserAsync("test", name, "Dr. " + name, Password, role == "System" ? "system" : "person", [membership], CancellationToken.None);
        }
        using var designer = await world.Server.SignInAsync("designer", Password);
        var published = await designer.PostAsJsonAsync("/api/protocols", new { text = File.ReadAllText(RepoPaths.PilotProtocol), signature = new { meaning = "authorship", password = Password } });
        var body = await published.Content.ReadAsStringAsync();
        Assert.True(published.IsSuccessStatusCode, body);
        world.ProtocolId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        using var admin = await world.Server.SignInAsync("admin", Password);
        var registered = await admin.PostAsJsonAsync("/api/studies", new { id = Study, title = "CDISC pilot", protocolId = world.ProtocolId, dataPath = RepoPaths.PilotData, identifySubjects = identify, encoding = "windows-1252" });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        if (identify) await world.WaitForEventsAsync();
        if (screen)
        {
            var run = await admin.PostAsJsonAsync("/api/studies/pilot/screening-runs?wait=true", new { asOf = "2025-06-01" });
            var runBody = await run.Content.ReadAsStringAsync();
            Assert.True(run.IsSuccessStatusCode, runBody);
            world.ScreeningRunId = JsonDocument.Parse(runBody).RootElement.GetProperty("id").GetString();
        }
        return world;
    }

    /// <summary>Waits until every event in the inbox was taken by the workflows (and none failed).</summary>
    public async Task WaitForEventsAsync(TimeSpan? timeout = null, string study = Study)
    {
        var store = Server.Service<ServerStore>();
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var counts = await store.CountEventsAsync(study);
            Assert.False(counts.ContainsKey("failed"), "an event failed");
            if (!counts.ContainsKey("pending") && !counts.ContainsKey("processing")) return;
            if (DateTime.UtcNow > until) throw new TimeoutException("Events still pending: " + string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}")));
            await Task.Delay(50);
        }
    }

    public Task<HttpClient> SignInAsync(string role) => Server.SignInAsync(Users[role], Password);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
