using System.Security.Cryptography;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Server.Hosting;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Protocols;
using ProtocolEngine.Server.Screening;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Demo;

/// <summary>A demo account.</summary>
/// <param name="UserName">The login name.</param>
/// <param name="Role">What it does.</param>
/// <param name="Password">Its throwaway password.</param>
internal sealed record DemoUser(string UserName, string Role, string Password);

/// <summary>What the demo seeded, for the banner.</summary>
/// <param name="Users">One account per role.</param>
/// <param name="SystemToken">An API token of the EDC system account (events and reads).</param>
/// <param name="Protocols">The versions published.</param>
/// <param name="Studies">The studies registered, with their screening counts.</param>
internal sealed record DemoInfo(IReadOnlyList<DemoUser> Users, string SystemToken, IReadOnlyList<string> Protocols, IReadOnlyList<string> Studies);

/// <summary>
/// Seeds an empty server for the demo: one user per role with a throwaway password, the shipped protocols published
/// (signed by the designer), the pilot study and the synthetic population registered (when their folders exist), the
/// pilot's subjects identified (their recruitment workflows start, so the investigator's inbox fills) and each study
/// screened.
/// </summary>
internal sealed class DemoSeeder(ServerStore store, IdentityService identity, ProtocolService protocols, StudyService studies, StudyRegistry registry,
    ScreeningService screening, ServerOptions options, ILogger<DemoSeeder> logger)
{
    public const string InvestigatorSite = "701";

    public async Task<DemoInfo> SeedAsync(CancellationToken ct)
    {
        if ((await store.ListUsersAsync(ct)).Count > 0)
            throw new ServerStartupException($"The data folder {Path.GetFullPath(options.DataDir)} already holds a server with users; --demo seeds an empty one (use another --data-dir).");
        var users = new List<DemoUser>();
        async Task<CurrentUser> Create(string name, string display, string role, string kind, params MembershipRecord[] memberships)
        {
            var password = Password();
            var u = await identity.CreateUserAsync("demo", name, display, password, kind, memberships, ct);
            users.Add(new DemoUser(name, role, password));
            var found = await identity.GetAsync(u.Id, ct);
            return new CurrentUser(found!.Value.User, found.Value.Memberships, AuthMethod.Cookie, null, null);
        }
        static MembershipRecord All(string role) => new("", MembershipRecord.AllStudies, role, []);
        var admin = await Create("admin", "Ada Admin", Roles.Admin, "person", All(Roles.Admin));
        var designer = await Create("designer", "Dana Designer", Roles.Designer, "person", All(Roles.Designer));
        var pilotInvestigator = new MembershipRecord("", "pilot", Roles.Investigator, [InvestigatorSite]);
        await Create("investigator", "Dr. Ivan Investigator", $"{Roles.Investigator} (site {InvestigatorSite})", "person", pilotInvestigator);
        await Create("safety", "Dr. Sofia Safety", Roles.SafetyPhysician, "person", All(Roles.SafetyPhysician));
        await Create("datamanager", "Dmitri Data", Roles.DataManager, "person", All(Roles.DataManager));
        await Create("monitor", "Mona Monitor", Roles.Monitor, "person", All(Roles.Monitor));
        await Create("regulator", "Rita Regulator", Roles.Regulator, "person", All(Roles.Regulator));
        var edc = await Create("edc", "EDC system", "system (posts events)", "system", All(Roles.DataManager));
        var (_, token) = await identity.CreateTokenAsync(edc, "demo EDC feed", [Scopes.EventsWrite, Scopes.Read], null, 30, ct);

        // Protocols first, amendments after the versions they amend, so the numbers follow the history.
        var designerPassword = users.First(u => u.UserName == "designer").Password;
        var published = new List<(string File, ProtocolVersionRecord Version)>();
        var files = Directory.Exists(options.DemoProtocols)
            ? Directory.EnumerateFiles(options.DemoProtocols, "*" + ProtocolFiles.Extension, SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList() : [];
        var texts = files.Select(f => (File: f, Text: File.ReadAllText(f))).Select(x => (x.File, x.Text, Bundle: ProtocolService.Compile(x.Text)))
            .Where(x => !x.Bundle.Protocol.HasErrors && !x.Bundle.Protocol.IsLibrary).OrderBy(x => x.Bundle.Protocol.Amends is null ? 0 : 1).ThenBy(x => x.File, StringComparer.Ordinal).ToList();
        foreach (var (file, text, _) in texts)
        {
            var (v, _) = await protocols.PublishAsync(designer, text, new SignatureRequest("authorship", designerPassword), ct);
            published.Add((file, v));
        }
        ProtocolVersionRecord? pilotProtocol = published.FirstOrDefault(p => Path.GetFileName(p.File) == "cdiscpilot01.protocol").Version;

        var registered = new List<string>();
        if (pilotProtocol is not null && options.DemoPilotData is { } pilot && Directory.Exists(pilot))
        {
            try
            {
                await studies.RegisterAsync(admin, new RegisterStudyBody("pilot", "CDISC pilot study (CDISCPILOT01 SDTM)", pilotProtocol.Id, pilot, IdentifySubjects: true, Encoding: "windows-1252"), "folder " + pilot, ct);
            }
            catch (ApiException ex)
            {
                // The user's folder, not a fault of the server: one sentence naming the option.
                throw new ServerStartupException($"The demo cannot register the pilot study from --pilot-data {pilot} (read as windows-1252, as the CDISC pilot's files are): {ex.Message}");
            }
            registered.Add(await ScreenAsync(admin, "pilot", ct));
        }
        else logger.LogWarning("The pilot study is not registered: no folder at {Path}", options.DemoPilotData ?? "(none)");
        if (pilotProtocol is not null && options.DemoSyntheticData is { } synthetic && Directory.Exists(synthetic))
        {
            await studies.RegisterAsync(admin, new RegisterStudyBody("synthetic", "Synthetic population", pilotProtocol.Id, synthetic), "folder " + synthetic, ct);
            registered.Add(await ScreenAsync(admin, "synthetic", ct));
        }
        return new DemoInfo(users, token, [.. published.Select(p => $"{p.Version.Id} (version {p.Version.Label}, {p.Version.ContentHash[..12]})")], registered);
    }

    private async Task<string> ScreenAsync(CurrentUser admin, string studyId, CancellationToken ct)
    {
        var study = await registry.GetAsync(studyId, ct);
        var run = await screening.StartAsync(admin, study, new ScreeningRunBody(AsOf: "2025-06-01"), ct);
        await screening.WaitAsync(run.Id);
        var done = await store.GetScreeningRunAsync(run.Id, ct);
        var counts = done?.Summary is { } s ? System.Text.Json.JsonDocument.Parse(s).RootElement.GetProperty("counts") : default;
        return done?.Status == "completed"
            ? $"{studyId}: {study.Data.Data.SubjectCount:N0} subjects, protocol {study.Version.Id}; screened as of 2025-06-01: {counts.GetProperty("eligible").GetInt32():N0} eligible, " +
              $"{counts.GetProperty("ineligible").GetInt32():N0} ineligible, {counts.GetProperty("needsReview").GetInt32():N0} need review"
            : $"{studyId}: screening {done?.Status}: {done?.Error}";
    }

    private static string Password()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return new string([.. Enumerable.Range(0, 16).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)])]);
    }
}
