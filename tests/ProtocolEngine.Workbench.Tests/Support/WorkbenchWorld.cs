using System.Diagnostics;
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
using NodaTime;
using ProtocolEngine.Server;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Persistence;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Workbench.Tests.Support;

/// <summary>
/// The server on a real port serving the built web app (designer/dist), with one user per role, the pilot protocol and
/// its Amendment 1 published, the CDISC pilot study registered (every subject's recruitment started), screened and
/// validated, a serious adverse event from the EDC system, a second one the site became aware of 30 hours ago (its
/// 24-hour clock is missed at once), one overdue task at site 701, and 10,000 more open tasks for the administrator
/// (about subjects of no site, so the investigator's inbox and subject pages stay as the study made them) for the paging
/// test; and one chromium for every test of the class.
/// </summary>
public sealed class WorkbenchWorld : IAsyncLifetime
{
    public const string Password = LiveServer.Password;
    public const string Study = "pilot";
    public const string Site = "701";
    public const int LoadTasks = 10_000;

    public static IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        [Roles.Admin] = "admin", [Roles.Designer] = "designer", [Roles.Investigator] = "inv701", [Roles.SafetyPhysician] = "safety",
        [Roles.DataManager] = "dm", [Roles.Monitor] = "monitor", [Roles.Regulator] = "regulator", ["System"] = "edc",
    };

    private LiveServer? _server;

    public string BaseUrl => _server!.BaseUrl;

    public IBrowser Browser => _server!.Browser;

    public string PilotVersion { get; private set; } = "";

    public string AmendmentVersion { get; private set; } = "";

    /// <summary>The adverse event's workflow instance (the SAE the safety physician reviews).</summary>
    public string SaeInstance { get; private set; } = "";

    public string SaeSubject { get; private set; } = "";

    /// <summary>
    /// The adverse event whose site became aware of it 30 hours ago: its 24-hour sponsor clock is missed; the sponsor
    /// was notified since, so its medical review waits for the safety physician.
    /// </summary>
    public string LateAeInstance { get; private set; } = "";

    public string LateAeSubject { get; private set; } = "";

    /// <summary>A site-701 subject with one task due two hours ago in the investigator's inbox.</summary>
    public string OverdueSubject { get; private set; } = "";

    public const string OverdueTitle = "Call the subject back about the missed visit";

    /// <summary>Where the tests put their screenshots (copied to docs/images when PROTOCOLENGINE_UPDATE_SCREENSHOTS=1).</summary>
    public string ScreenshotDir => _server!.ScreenshotDir;

    public IServiceProvider Services => _server!.Services;

    public async Task InitializeAsync()
    {
        _server = await LiveServer.StartAsync("workbench", Users, role => role switch
        {
            Roles.Investigator => (new MembershipRecord("", Study, Roles.Investigator, [Site]), "person"),
            "System" => (new MembershipRecord("", MembershipRecord.AllStudies, Roles.DataManager, []), "system"),
            _ => (new MembershipRecord("", MembershipRecord.AllStudies, role, []), "person"),
        });
        using var designer = await ApiAsync(Roles.Designer);
        PilotVersion = await PublishAsync(designer, RepoPaths.PilotProtocol);
        AmendmentVersion = await PublishAsync(designer, RepoPaths.AmendmentProtocol);
        using var admin = await ApiAsync(Roles.Admin);
        await Ok(await admin.PostAsJsonAsync("/api/studies", new { id = Study, title = "CDISC pilot", protocolId = PilotVersion, dataPath = RepoPaths.PilotData, identifySubjects = true, encoding = "windows-1252" }));
        await WaitForEventsAsync();
        await Ok(await admin.PostAsJsonAsync("/api/studies/pilot/screening-runs?wait=true", new { asOf = "2025-06-01" }));
        await Ok(await admin.PostAsJsonAsync("/api/studies/pilot/validation-runs?wait=true", new { asOf = "2025-06-01" }));

        // A serious adverse event from the EDC system's token: its clocks start now.
        var token = JsonDocument.Parse(await Ok(await (await ApiAsync("System")).PostAsJsonAsync("/api/auth/tokens", new { name = "EDC", scopes = new[] { Scopes.EventsWrite, Scopes.Read } })))
            .RootElement.GetProperty("token").GetString()!;
        using var edc = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        edc.DefaultRequestHeaders.Authorization = new("Bearer", token);
        SaeSubject = "01-701-1015";
        var ev = JsonDocument.Parse(await Ok(await edc.PostAsJsonAsync("/api/studies/pilot/events?wait=true", new
        {
            type = "AdverseEventReported",
            subject = SaeSubject,
            record = new Dictionary<string, object> { ["AESEQ"] = 9001, ["AETERM"] = "MYOCARDIAL INFARCTION", ["AEDECOD"] = "MYOCARDIAL INFARCTION", ["AESER"] = "Y", ["AESHOSP"] = "Y", ["AEREL"] = "PROBABLE", ["AESTDTC"] = "2014-01-14" },
        }))).RootElement;
        SaeInstance = ev.GetProperty("result").GetProperty("started").EnumerateArray().Single().GetString()!;

        // Two more subjects of site 701 (never the SAE's): one reported late, one with an overdue task.
        var runtime = await Services.GetRequiredService<StudyRegistry>().GetAsync(Study, CancellationToken.None);
        var others = runtime.Sites.Where(s => s.Value == Site && s.Key != SaeSubject).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
        LateAeSubject = others[0];
        OverdueSubject = others[1];
        var late = JsonDocument.Parse(await Ok(await edc.PostAsJsonAsync("/api/studies/pilot/events?wait=true", new
        {
            type = "AdverseEventReported",
            subject = LateAeSubject,
            record = new Dictionary<string, object> { ["AESEQ"] = 9002, ["AETERM"] = "SYNCOPE", ["AEDECOD"] = "SYNCOPE", ["AESER"] = "Y", ["AESHOSP"] = "Y", ["AEREL"] = "POSSIBLE", ["AESTDTC"] = "2014-02-02" },
            values = new Dictionary<string, string> { ["awarenessAt"] = NodaTime.Text.InstantPattern.ExtendedIso.Format(SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(30)) },
        }))).RootElement;
        LateAeInstance = late.GetProperty("result").GetProperty("started").EnumerateArray().Single().GetString()!;
        await WaitForClockAsync(admin, LateAeInstance, "SeriousAE", "missed");
        // The investigator notified the sponsor after all: the late event waits for the medical review (the safety physician's).
        using (var investigator = await ApiAsync(Roles.Investigator))
        {
            var tasks = (await GetAsync(investigator, $"/api/studies/pilot/instances/{LateAeInstance}")).GetProperty("tasks").EnumerateArray();
            var notify = tasks.Single(t => t.GetProperty("name").GetString() == "NotifySponsor").GetProperty("id").GetString();
            await Ok(await investigator.PostAsJsonAsync($"/api/studies/pilot/tasks/{notify}/complete",
                new { decision = "completed", reason = "Initial SAE report sent, late", signature = new { meaning = "authorship", password = Password } }));
        }
        await AddOverdueTaskAsync(runtime);

        await AddLoadTasksAsync();
    }

    /// <summary>One task of the investigator's, due two hours ago, written straight to the study's store.</summary>
    private async Task AddOverdueTaskAsync(StudyRuntime study)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        await using (var tx = await study.Store.BeginAsync())
        {
            await tx.InsertInstanceAsync(new InstanceRecord
            {
                Id = "overdue-1", DefinitionId = "SiteFollowUp@1", Workflow = "SiteFollowUp", CorrelationKey = $"{OverdueSubject}/follow-up", SubjectId = OverdueSubject,
                State = "CallBack", Status = InstanceStatus.Running, Data = "{}", CreatedAt = now - Duration.FromDays(3), UpdatedAt = now, StateEnteredAt = now - Duration.FromDays(3),
            });
            await tx.InsertTaskAsync(new TaskRecord
            {
                Id = "overdue-task-1", InstanceId = "overdue-1", Name = "CallBack", Kind = ProtocolEngine.Language.Workflows.TaskKind.Task, Title = OverdueTitle, State = "CallBack",
                CandidateRoles = [Roles.Investigator], Status = TaskStatus.Open, DueAt = now - Duration.FromHours(2), CreatedAt = now - Duration.FromDays(3),
            });
            await tx.CommitAsync();
        }
        study.Inbox.Invalidate();
    }

    private async Task WaitForClockAsync(HttpClient client, string instance, string clock, string status)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var i = await GetAsync(client, $"/api/studies/pilot/instances/{instance}");
            if (i.GetProperty("clocks").EnumerateArray().Any(c => c.GetProperty("name").GetString() == clock && c.GetProperty("status").GetString() == status)) return;
            if (watch.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"clock {clock} of {instance} is not {status}: {i}");
            await Task.Delay(100);
        }
    }

    /// <summary>10,000 open tasks for the administrator, written straight to the study's store (one instance each).</summary>
    private async Task AddLoadTasksAsync()
    {
        var study = await Services.GetRequiredService<StudyRegistry>().GetAsync(Study, CancellationToken.None);
        var due = Instant.FromUtc(2099, 1, 1, 0, 0);
        var now = SystemClock.Instance.GetCurrentInstant();
        await using (var tx = await study.Store.BeginAsync())
        {
            for (int i = 0; i < LoadTasks; i++)
            {
                var subject = "LOAD-" + (i % 100).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
                var instanceId = "load-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
                await tx.InsertInstanceAsync(new InstanceRecord
                {
                    Id = instanceId, DefinitionId = "InboxLoad@1", Workflow = "InboxLoad", CorrelationKey = $"{subject}/load{i}", SubjectId = subject,
                    State = "Review", Status = InstanceStatus.Running, Data = "{}", CreatedAt = now, UpdatedAt = now, StateEnteredAt = now,
                });
                await tx.InsertTaskAsync(new TaskRecord
                {
                    Id = "load-task-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), InstanceId = instanceId, Name = "LoadReview", Kind = ProtocolEngine.Language.Workflows.TaskKind.Task,
                    Title = $"Load test task {i}", State = "Review", CandidateRoles = [Roles.Admin], Status = TaskStatus.Open, DueAt = due + Duration.FromMinutes(i), CreatedAt = now,
                });
            }
            await tx.CommitAsync();
        }
        study.Inbox.Invalidate();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>An API client signed in as a role (cookie session with the antiforgery header).</summary>
    public Task<HttpClient> ApiAsync(string role) => _server!.ApiAsync(role);

    /// <summary>A fresh browser page signed in through the sign-in page as a role; returns it on the role's main page.</summary>
    public async Task<IPage> SignInAsync(string role, IBrowserContext? context = null)
    {
        context ??= await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, AcceptDownloads = true });
        var page = await _server!.SignInPageAsync(role, context);
        // The landing page is a route of the app (a hash change, no load event): wait for the address and the page's heading.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/s/pilot/"), new() { Timeout = 60_000 });
        await page.Locator("main h1").WaitForAsync(new() { Timeout = 60_000 });
        return page;
    }

    public async Task<JsonElement> GetAsync(HttpClient client, string path) => JsonDocument.Parse(await Ok(await client.GetAsync(path))).RootElement;

    public static Task<string> Ok(HttpResponseMessage r) => LiveServer.Ok(r);

    private static async Task<string> PublishAsync(HttpClient designer, string path) =>
        (await LiveServer.PublishAsync(designer, path)).GetProperty("id").GetString()!;

    private async Task WaitForEventsAsync()
    {
        var store = Services.GetRequiredService<ServerStore>();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var counts = await store.CountEventsAsync(Study);
            if (counts.ContainsKey("failed")) throw new InvalidOperationException("an event failed");
            if (!counts.ContainsKey("pending") && !counts.ContainsKey("processing")) return;
            if (watch.Elapsed > TimeSpan.FromSeconds(120)) throw new TimeoutException("events still pending");
            await Task.Delay(50);
        }
    }
}
