using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Workbench.Tests.Support;
using Xunit.Abstractions;

namespace ProtocolEngine.Workbench.Tests;

/// <summary>
/// The workbench in real chromium against the real server: the human-in-the-loop path through the pages, the evidence
/// pack download, accessibility (axe-core) on every page, keyboard-only use of the inbox and the signing dialog, and the
/// paged inbox with 10,000 open tasks. One world for the class (server, pilot study, browser), so the suite stays short.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WorkbenchTests(WorkbenchWorld world, ITestOutputHelper output) : IClassFixture<WorkbenchWorld>
{
    [Fact]
    public async Task Investigator_SafetyPhysician_AndRegulator_WalkTheHumanInTheLoopPath()
    {
        using var admin = await world.ApiAsync(Roles.Admin);
        using var api701 = await world.ApiAsync(Roles.Investigator);

        // A subject of site 701 that the screening left to a person and whose recruitment waits at the prescreening gate.
        var instances = await world.GetAsync(admin, "/api/studies/pilot/instances?workflow=Recruitment&limit=1000");
        var gated = instances.GetProperty("instances").EnumerateArray()
            .Where(i => i.GetProperty("site").GetString() == WorkbenchWorld.Site && i.GetProperty("state").GetString() == "PrescreenReview")
            .Select(i => i.GetProperty("subject").GetString()!).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(gated);

        var inv = await world.SignInAsync(Roles.Investigator);
        Assert.EndsWith("#/s/pilot/inbox", inv.Url);
        await Screenshot(inv, "workbench-investigator.png", inv.GetByRole(AriaRole.Table, new() { Name = "Tasks, due first" }));
        // Only site 701: every task row and every subject needing review is at 701, and the list is the site's whole list.
        var taskSites = await inv.GetByRole(AriaRole.Table, new() { Name = "Tasks, due first" }).Locator("tbody tr td:nth-child(4)").AllInnerTextsAsync();
        Assert.NotEmpty(taskSites);
        Assert.All(taskSites, s => Assert.Equal(WorkbenchWorld.Site, s.Trim()));
        var reviewTable = inv.GetByRole(AriaRole.Table, new() { Name = "Subjects that need review" });
        await reviewTable.Locator("tbody tr").First.WaitForAsync();
        Assert.All(await reviewTable.Locator("tbody tr td:nth-child(2)").AllInnerTextsAsync(), s => Assert.Equal(WorkbenchWorld.Site, s.Trim()));
        var runs = await world.GetAsync(admin, "/api/studies/pilot/screening-runs");
        var runId = runs.EnumerateArray().First().GetProperty("id").GetString();
        var all = await world.GetAsync(admin, $"/api/studies/pilot/screening-runs/{runId}/subjects?status=NeedsReview&limit=1000");
        var at701 = all.GetProperty("subjects").EnumerateArray().Count(s => s.GetProperty("site").GetString() == WorkbenchWorld.Site);
        Assert.True(all.GetProperty("total").GetInt32() > at701, "other sites have subjects to review too");
        await Expect(inv.GetByText($"{at701} subjects the rules could not decide alone.")).ToBeVisibleAsync();

        // Open a NeedsReview subject of the list whose recruitment waits at the prescreening gate, by its link.
        var listed = (await reviewTable.Locator("tbody tr td:nth-child(1)").AllInnerTextsAsync()).Select(s => s.Trim()).ToList();
        var subject = listed.Last(gated.Contains);
        await reviewTable.GetByRole(AriaRole.Link, new() { Name = subject, Exact = true }).ClickAsync();
        await Assertions.Expect(inv).ToHaveURLAsync(new Regex($"#/s/pilot/subjects/{Regex.Escape(subject)}$"));

        // The subject page: every criterion with its text, rule and outcome; every Unknown says what is missing; the
        // values read name their record (domain, sequence, date).
        var criteria = inv.Locator("li.criterion");
        await criteria.First.WaitForAsync();
        await Expect(inv.Locator("main > p").First).ToContainTextAsync("NeedsReview");
        Assert.Equal(31, await criteria.CountAsync());
        for (int i = 0; i < 31; i++)
        {
            var card = criteria.Nth(i);
            Assert.NotEqual("—", (await card.Locator("p.protocol-text").InnerTextAsync()).Trim());
            Assert.Matches("Rule hash [0-9a-f]{12}", await card.InnerTextAsync());
        }
        var unknown = inv.Locator("li.criterion.outcome-unknown");
        Assert.True(await unknown.CountAsync() > 0, "the subject has Unknown criteria");
        for (int i = 0; i < await unknown.CountAsync(); i++)
        {
            var missing = unknown.Nth(i).Locator(".missing li");
            Assert.True(await missing.CountAsync() > 0, await unknown.Nth(i).InnerTextAsync());
            Assert.All(await missing.AllInnerTextsAsync(), m => Assert.False(string.IsNullOrWhiteSpace(m)));
        }
        var dated = inv.Locator("table.values tbody tr").Filter(new() { HasNotText = "—" });
        Assert.True(await dated.CountAsync() > 0, "some value read names a record with its sequence and date");
        var cells = await dated.First.Locator("td").AllInnerTextsAsync();
        Assert.Matches("^[A-Z]{2}$", cells[0].Trim());
        Assert.Matches(@"^\d+$", cells[1].Trim());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}", cells[2].Trim());
        await Expect(inv.GetByTestId("state-Recruitment")).ToHaveTextAsync("PrescreenReview");

        // Attest INCL07 with an electronic signature: a wrong password signs nothing; the right one shows name, meaning and time.
        await inv.GetByRole(AriaRole.Button, new() { Name = "Attest INCL07" }).ClickAsync();
        var dialog = inv.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Met", new() { Exact = true }).CheckAsync();
        await dialog.GetByLabel("Reason").FillAsync("Lives 10 km from the site");
        await dialog.GetByLabel("Password (again, to sign)").FillAsync("not my password");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Sign" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("PE8012");
        await dialog.GetByLabel("Password (again, to sign)").FillAsync(WorkbenchWorld.Password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Sign" }).ClickAsync();
        await Expect(inv.Locator("li.criterion", new() { HasText = "INCL07" }).Locator(".attested")).ToContainTextAsync("Signed by Dr. inv701");
        var signatureLine = new Regex(@"Signed by Dr\. inv701 \(inv701\), meaning responsibility, at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC");
        await Expect(inv.Locator("li.criterion", new() { HasText = "INCL07" }).Locator(".attested")).ToContainTextAsync(signatureLine);
        await Expect(inv.Locator("ol.history")).ToContainTextAsync(signatureLine);

        // The gate moves on only by a signed decision: the same decision sent without a signature is refused and changes nothing.
        var gate = (await world.GetAsync(api701, $"/api/studies/pilot/instances?subject={subject}&workflow=Recruitment")).GetProperty("instances")[0].GetProperty("id").GetString()!;
        var gateTask = await OpenTaskAsync(api701, gate);
        var unsigned = await inv.EvaluateAsync<JsonElement>(@"async (task) => {
            const csrf = (await (await fetch('/api/auth/csrf')).json()).csrfToken;
            const r = await fetch(`/api/studies/pilot/tasks/${task}/complete`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': csrf },
              body: JSON.stringify({ decision: 'approved', reason: 'no signature' }) });
            return { status: r.status, body: await r.json() };
        }", gateTask);
        Assert.InRange(unsigned.GetProperty("status").GetInt32(), 400, 499);
        Assert.Equal("PrescreenReview", (await world.GetAsync(api701, $"/api/studies/pilot/instances/{gate}")).GetProperty("state").GetString());
        await inv.GetByRole(AriaRole.Button, new() { Name = "Decide PrescreenApproval" }).ClickAsync();
        dialog = inv.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Approve").CheckAsync();
        await dialog.GetByLabel("Reason").FillAsync("Approach the candidate: INCL07 attested");
        await dialog.GetByLabel("Password (again, to sign)").FillAsync(WorkbenchWorld.Password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Sign" }).ClickAsync();
        await Expect(inv.GetByTestId("state-Recruitment")).Not.ToHaveTextAsync("PrescreenReview");
        await Expect(inv.GetByRole(AriaRole.Article, new() { Name = $"Recruitment {subject}" })).ToContainTextAsync("Signed by Dr. inv701 (inv701), meaning approval");
        var after = await world.GetAsync(api701, $"/api/studies/pilot/instances?subject={subject}&workflow=Recruitment");
        Assert.Equal("ConsentPending", after.GetProperty("instances")[0].GetProperty("state").GetString());

        // The investigator notifies the sponsor of the SAE (its 24-hour clock stops); the safety physician signs the medical review before the SUSAR clock.
        var notify = await OpenTaskAsync(api701, world.SaeInstance);
        await WorkbenchWorld.Ok(await api701.PostAsJsonAsync($"/api/studies/pilot/tasks/{notify}/complete",
            new { decision = "completed", reason = "Initial SAE report sent", signature = new { meaning = "authorship", password = WorkbenchWorld.Password } }));
        var safety = await world.SignInAsync(Roles.SafetyPhysician);
        Assert.EndsWith("#/s/pilot/safety", safety.Url);
        var ae = safety.GetByRole(AriaRole.Region, new() { Name = $"{world.SaeSubject} AE 9001 MYOCARDIAL INFARCTION" });
        await Expect(ae).ToContainTextAsync("Susar: yes");
        await Expect(ae).ToContainTextAsync("Serious: yes");
        await Expect(ae).ToContainTextAsync("Expected: no");
        await Expect(ae.GetByRole(AriaRole.Table)).ToContainTextAsync("FatalSUSAR");
        await Screenshot(safety, "workbench-safety.png", ae);
        await ae.GetByRole(AriaRole.Button, new() { Name = $"Review and sign MedicalReview for {world.SaeSubject}" }).ClickAsync();
        dialog = safety.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Expedited report", new() { Exact = true }).CheckAsync();
        await dialog.GetByLabel("Reason").FillAsync("Related and unexpected: expedited report");
        await dialog.GetByLabel("Password (again, to sign)").FillAsync(WorkbenchWorld.Password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Sign" }).ClickAsync();
        await Expect(ae).ToContainTextAsync("state Drafting");
        var sae = await world.GetAsync(admin, $"/api/studies/pilot/instances/{world.SaeInstance}");
        var review = sae.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "MedicalReview");
        var signedAt = DateTimeOffset.Parse(review.GetProperty("signatures")[0].GetProperty("signedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var clocks = sae.GetProperty("clocks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("met", clocks["SeriousAE"].GetProperty("status").GetString());
        Assert.True(signedAt < DateTimeOffset.Parse(clocks["FatalSUSAR"].GetProperty("dueAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Dr. safety", review.GetProperty("signatures")[0].GetProperty("printedName").GetString());

        // The regulator: the amendment's diff lists each changed criterion and the subjects whose eligibility changes.
        var regulator = await world.SignInAsync(Roles.Regulator);
        await regulator.GotoAsync($"{world.BaseUrl}/#/s/pilot/amendments");
        var changed = regulator.GetByRole(AriaRole.Table, new() { Name = "Changed criteria" });
        await changed.WaitForAsync(new() { Timeout = 60_000 });
        var ids = (await changed.Locator("tbody th").AllInnerTextsAsync()).Select(s => s.Trim()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["EXCL12", "EXCL12A", "EXCL31", "EXCL31A"], ids);
        var impact = await world.GetAsync(admin, $"/api/studies/pilot/amendment-impact?from={world.PilotVersion}&to={world.AmendmentVersion}");
        var affected = impact.GetProperty("impact").GetProperty("subjects").EnumerateArray().Select(s => s.GetProperty("subject").GetString()!).ToList();
        Assert.NotEmpty(affected);
        var shown = (await regulator.GetByRole(AriaRole.Table, new() { Name = "Subjects whose eligibility changes" }).Locator("tbody th").AllInnerTextsAsync()).Select(s => s.Trim()).ToList();
        Assert.Equal(affected, shown);
        await Screenshot(regulator, "workbench-regulator.png", changed);

        // The regulator's journal: intact, and the investigator's signed attestation among every signature, with name, meaning and time.
        await regulator.GotoAsync($"{world.BaseUrl}/#/s/pilot/journal");
        await Expect(regulator.GetByRole(AriaRole.Status).Filter(new() { HasText = "journal entries" })).ToContainTextAsync("Intact:");
        var everySignature = regulator.GetByRole(AriaRole.Table, new() { Name = "Every signature" });
        await Expect(everySignature.Locator("tbody tr").Filter(new() { HasText = subject }).Filter(new() { HasText = "INCL07 attested met" })).ToContainTextAsync(signatureLine);
        var listedSignatures = (await world.GetAsync(admin, "/api/studies/pilot/signatures")).GetProperty("total").GetInt32();
        Assert.Equal(listedSignatures, await everySignature.Locator("tbody tr").CountAsync());

        // No button changes anything: every button of every regulator page pressed, the journal and the audit chain unchanged.
        var before = await CountsAsync(admin);
        foreach (var path in new[] { "", "protocol", "amendments", "journal", "evidence", $"subjects/{subject}" })
        {
            await regulator.GotoAsync($"{world.BaseUrl}/#/s/pilot/{path}");
            await regulator.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await Expect(regulator.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^(Attest|Decide|Review and sign|Answer|Close|Re-check|Run)") })).ToHaveCountAsync(0);
            var buttons = regulator.Locator("main button:enabled");
            for (int i = 0; i < await buttons.CountAsync(); i++)
                if (await buttons.Nth(i).IsVisibleAsync()) await buttons.Nth(i).ClickAsync();
            await regulator.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        Assert.Equal(before, await CountsAsync(admin));

        // A forged change request from the regulator's session (with a valid antiforgery token) is refused.
        var openTask = (await world.GetAsync(admin, "/api/studies/pilot/tasks?view=all&limit=1")).GetProperty("tasks")[0].GetProperty("id").GetString();
        var forged = await regulator.EvaluateAsync<JsonElement>(@"async (task) => {
            const csrf = (await (await fetch('/api/auth/csrf')).json()).csrfToken;
            const r = await fetch(`/api/studies/pilot/tasks/${task}/complete`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': csrf },
              body: JSON.stringify({ decision: 'approved', reason: 'forged', signature: { meaning: 'approval', password: 'x' } }) });
            return { status: r.status, body: await r.json() };
        }", openTask);
        Assert.Equal(403, forged.GetProperty("status").GetInt32());
        Assert.Equal("PE8006", forged.GetProperty("body").GetProperty("code").GetString());
        Assert.Equal(before, await CountsAsync(admin));
        await inv.Context.CloseAsync();
        await safety.Context.CloseAsync();
        await regulator.Context.CloseAsync();
    }

    [Fact]
    public async Task EvidencePack_Downloads_AndItsManifestHashesMatchItsFiles()
    {
        var page = await world.SignInAsync(Roles.Regulator);
        await page.GotoAsync($"{world.BaseUrl}/#/s/pilot/evidence");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the evidence pack of pilot" }).ClickAsync(),
            new() { Timeout = 120_000 });
        var path = Path.Combine(world.ScreenshotDir, "pack.zip");
        await download.SaveAsAsync(path);
        Assert.Matches(@"^evidence-pilot-CDISCPILOT01-\d+\.zip$", download.SuggestedFilename);
        using var zip = ZipFile.OpenRead(path);
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        var files = manifest.RootElement.GetProperty("files").EnumerateArray().ToList();
        // Every file but the manifest is listed, and each file's SHA-256 is the manifest's.
        Assert.Equal(zip.Entries.Select(e => e.FullName).Where(n => n != "manifest.json").Order(StringComparer.Ordinal),
            files.Select(f => f.GetProperty("path").GetString()!).Order(StringComparer.Ordinal));
        foreach (var f in files)
        {
            using var s = zip.GetEntry(f.GetProperty("path").GetString()!)!.Open();
            Assert.Equal(f.GetProperty("sha256").GetString(), Convert.ToHexStringLower(await SHA256.HashDataAsync(s)));
        }
        string[] expected = ["protocol/CDISCPILOT01.protocol", "protocol/hashes.json", "compiler.json", "conformance.json", "screening/results.json",
            "validation/report.json", "journal/verification.json", "journal/signatures.json"];
        Assert.All(expected, e => Assert.Contains(files, f => f.GetProperty("path").GetString() == e));
        using var verification = JsonDocument.Parse(zip.GetEntry("journal/verification.json")!.Open());
        Assert.True(verification.RootElement.GetProperty("intact").GetBoolean());
        using var signatures = JsonDocument.Parse(zip.GetEntry("journal/signatures.json")!.Open());
        Assert.Contains(signatures.RootElement.GetProperty("signatures").EnumerateArray(), s => s.GetProperty("kind").GetString() == "protocol");
        await page.Context.CloseAsync();
    }

    /// <summary>Where each role lands after signing in: its main page.</summary>
    private static readonly Dictionary<string, string> Landing = new()
    {
        [Roles.Investigator] = "inbox", [Roles.SafetyPhysician] = "safety", [Roles.DataManager] = "data", [Roles.Regulator] = "protocol",
        [Roles.Monitor] = "data", [Roles.Admin] = "inbox", [Roles.Designer] = "designer",
    };

    [Fact]
    public async Task EveryRole_LandsOnItsPage_EveryPageNamesTheStudyVersionAndHash_AndAxeFindsNoSeriousViolation()
    {
        var problems = new List<string>();
        var context = await world.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var anonymous = await context.NewPageAsync();
        await anonymous.GotoAsync(world.BaseUrl + "/#/signin");
        await anonymous.GetByLabel("User name").WaitForAsync();
        problems.AddRange(await AxeAsync(anonymous, "sign-in"));
        await context.CloseAsync();
        using var admin = await world.ApiAsync(Roles.Admin);
        var study = (await world.GetAsync(admin, "/api/studies")).EnumerateArray().Single(s => s.GetProperty("id").GetString() == "pilot");
        var hash = study.GetProperty("protocol").GetProperty("contentHash").GetString()!;
        var version = study.GetProperty("protocol").GetProperty("version").GetString()!;
        // Every page each role sees (its navigation), and a subject page; the dialogs a role opens.
        var pages = new Dictionary<string, string[]>
        {
            [Roles.Investigator] = ["", "inbox", $"subjects/{world.SaeSubject}"],
            [Roles.SafetyPhysician] = ["", "safety", "inbox"],
            [Roles.DataManager] = ["", "data", "inbox"],
            [Roles.Monitor] = ["", "data", "protocol", "journal"],
            [Roles.Regulator] = ["", "protocol", "amendments", "journal", "evidence", $"subjects/{world.SaeSubject}"],
            [Roles.Admin] = ["", "inbox", "safety", "data", "protocol", "amendments", "journal", "evidence", "designer"],
            [Roles.Designer] = ["", "designer", "protocol", "amendments"],
        };
        foreach (var (role, paths) in pages)
        {
            var page = await world.SignInAsync(role);
            Assert.EndsWith($"#/s/pilot/{Landing[role]}", page.Url);
            var nav = (await page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" }).Locator("a").AllInnerTextsAsync()).Count;
            Assert.Equal(paths.Count(p => !p.StartsWith("subjects/", StringComparison.Ordinal)), nav);
            foreach (var path in paths)
            {
                await ShowAsync(page, path, role);
                var header = page.GetByRole(AriaRole.Banner).Locator("dl[aria-label=Study]");
                await Expect(header).ToContainTextAsync("CDISC pilot (pilot)");
                await Expect(header).ToContainTextAsync($"version {version}");
                await Expect(header).ToContainTextAsync(hash[..12]);
                problems.AddRange(await AxeAsync(page, $"{role} /{path}"));
                if (role == Roles.DataManager && path == "data") await Screenshot(page, "workbench-datamanager.png", page.Locator("main"));
            }
            // The dialogs: signing a gate, attesting, reviewing an adverse event, answering a query.
            if (role == Roles.Investigator)
            {
                await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Decide ") }).First.ClickAsync();
                problems.AddRange(await DialogAxeAsync(page, "signing dialog (task)"));
            }
            if (role == Roles.SafetyPhysician)
            {
                await ShowAsync(page, "safety", role);
                await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Review and sign ") }).First.ClickAsync();
                problems.AddRange(await DialogAxeAsync(page, "signing dialog (adverse event)"));
            }
            if (role == Roles.DataManager)
            {
                await ShowAsync(page, "data", role);
                await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Answer query ") }).First.ClickAsync();
                problems.AddRange(await DialogAxeAsync(page, "query answer dialog"));
            }
            await page.Context.CloseAsync();
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Shows a page of the pilot and waits until it has loaded (its heading, no loading note left).</summary>
    private async Task ShowAsync(IPage page, string path, string who)
    {
        await page.GotoAsync($"{world.BaseUrl}/#/s/pilot/{path}");
        try
        {
            await page.Locator("main h1").WaitForAsync(new() { Timeout = 60_000 });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.Locator("[role=status]:has-text('Loading')").First.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 60_000 });
        }
        catch (TimeoutException ex)
        {
            var body = await page.Locator("body").InnerTextAsync();
            throw new TimeoutException($"{who} /{path} did not show: {body[..Math.Min(600, body.Length)]}", ex);
        }
    }

    private static async Task<IReadOnlyList<string>> DialogAxeAsync(IPage page, string where)
    {
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.WaitForAsync();
        var found = await AxeAsync(page, where);
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        return found;
    }

    [Fact]
    public async Task SignIn_Inbox_AndSigningDialog_WorkWithTheKeyboardAlone()
    {
        // Sign in without a mouse: the user name has focus, Tab to the password, Enter submits.
        var context = await world.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(world.BaseUrl + "/#/signin");
        await page.GetByLabel("User name").WaitForAsync();
        Assert.Equal("user", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.TypeAsync(WorkbenchWorld.Users[Roles.Investigator]);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(WorkbenchWorld.Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("#/s/pilot/inbox$"));
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Tasks, due first" });
        await table.Locator("tbody tr").First.WaitForAsync();
        var status = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "tasks;" });
        // Tab from the top of the page to the first consent task's button; press it with Enter.
        await page.Locator("body").FocusAsync();
        string? focused = null;
        for (int i = 0; i < 300 && focused?.StartsWith("Decide ObtainConsent", StringComparison.Ordinal) != true; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            focused = await page.EvaluateAsync<string?>("() => document.activeElement?.textContent");
        }
        Assert.StartsWith("Decide ObtainConsent", focused);
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.WaitForAsync();
        // Escape cancels; Enter opens it again.
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Enter");
        await dialog.WaitForAsync();
        // Focus starts in the dialog (the reason: one decision), and stays in it.
        Assert.Equal("TEXTAREA", await page.EvaluateAsync<string>("() => document.activeElement.tagName"));
        await page.Keyboard.TypeAsync("Consent signed at the screening visit");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("password", await page.EvaluateAsync<string>("() => document.activeElement.type"));
        await page.Keyboard.TypeAsync(WorkbenchWorld.Password);
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToHaveCountAsync(0);
        // The consent task is done (the subject's recruitment moves on to its next step, which may be a new task).
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = focused, Exact = true })).ToHaveCountAsync(0);
        await Expect(status).ToContainTextAsync(" tasks;");
        await context.CloseAsync();
    }

    [Fact]
    public async Task Inbox_WithTenThousandOpenTasks_IsPagedOnTheServer_AndTheFirstPageIsQuick()
    {
        var context = await world.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        // The administrator's inbox holds the 10,000 (they are for subjects of no site, which only those who see every site see).
        var page = await world.SignInAsync(Roles.Admin, context);
        await page.GotoAsync($"{world.BaseUrl}/#/s/pilot/inbox");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Tasks, due first" });
        await table.Locator("tbody tr").First.WaitForAsync();
        // First meaningful page: a fresh load of the inbox until its first rows show (measured and reported, not asserted).
        var fresh = await context.NewPageAsync();
        var watch = Stopwatch.StartNew();
        await fresh.GotoAsync($"{world.BaseUrl}/#/s/pilot/inbox");
        await fresh.GetByRole(AriaRole.Table, new() { Name = "Tasks, due first" }).Locator("tbody tr").First.WaitForAsync();
        var firstPage = watch.Elapsed;
        var status = await fresh.GetByRole(AriaRole.Status).Filter(new() { HasText = "tasks;" }).InnerTextAsync();
        var total = int.Parse(Regex.Match(status, @"^(\d+) task").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(total >= WorkbenchWorld.LoadTasks, status);
        Assert.Equal(50, await fresh.GetByRole(AriaRole.Table, new() { Name = "Tasks, due first" }).Locator("tbody tr").CountAsync());
        // Page forward ten times: each page is one server page of 50.
        var pages = new List<TimeSpan>();
        for (int i = 1; i <= 10; i++)
        {
            watch.Restart();
            await fresh.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
            await Expect(fresh.GetByRole(AriaRole.Status).Filter(new() { HasText = "tasks;" })).ToContainTextAsync($"showing {i * 50 + 1}–");
            pages.Add(watch.Elapsed);
        }
        var line = $"first meaningful page (inbox, {total:N0} open tasks): {firstPage.TotalMilliseconds:0} ms; next page median {pages.Order().ElementAt(pages.Count / 2).TotalMilliseconds:0} ms, max {pages.Max().TotalMilliseconds:0} ms";
        output.WriteLine(line);
        // Paged on the server: a page never takes the seconds that rendering 10,000 rows would.
        Assert.True(pages.Max() < TimeSpan.FromSeconds(10), line);
        await context.CloseAsync();
    }

    [Fact]
    public async Task InvestigatorsInbox_IsOrderedByDueTime_AndMarksWhatIsOverdue()
    {
        var page = await world.SignInAsync(Roles.Investigator);
        var rows = page.GetByRole(AriaRole.Table, new() { Name = "Tasks, due first" }).Locator("tbody tr");
        await rows.First.WaitForAsync();
        // The task due two hours ago comes first, marked; no task due later is marked.
        await Expect(rows.First).ToContainTextAsync(WorkbenchWorld.OverdueTitle);
        await Expect(rows.First.Locator("td").First).ToContainTextAsync("overdue");
        await Expect(rows.First).ToHaveClassAsync("overdue");
        var dues = (await rows.Locator("td:nth-child(1)").AllInnerTextsAsync()).Select(d => d.Replace("overdue", "", StringComparison.Ordinal).Trim()).ToList();
        var dated = dues.TakeWhile(d => d != "—").ToList();
        Assert.True(dated.Count >= 2, string.Join("; ", dues));
        Assert.Equal(dated.Order(StringComparer.Ordinal), dated);
        Assert.All(dues.Skip(dated.Count), d => Assert.Equal("—", d));
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var marked = await rows.Locator("td:nth-child(1)").AllInnerTextsAsync();
        for (int i = 0; i < dated.Count; i++)
            Assert.Equal(string.CompareOrdinal(dated[i], now) < 0, marked[i].Contains("overdue", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SafetyPhysician_SeesTheProposals_EachClockCountingDown_TheMissedDeadline_AndTheTimeline()
    {
        var page = await world.SignInAsync(Roles.SafetyPhysician);
        var late = page.GetByRole(AriaRole.Region, new() { Name = $"{world.LateAeSubject} AE 9002 SYNCOPE" });
        await late.WaitForAsync();
        // What the engine proposes, from AESER and the protocol's rules; a person decides.
        foreach (var proposal in new[] { "Serious: yes", "Expected:", "Related:", "Susar:" }) await Expect(late.Locator("ul.proposals")).ToContainTextAsync(proposal);
        // The 24-hour clock is missed (marked, and among the escalations); the 7- or 15-day clocks count down.
        var seriousAe = late.Locator("tbody tr").Filter(new() { HasText = "SeriousAE" });
        await Expect(seriousAe).ToContainTextAsync("missed");
        await Expect(seriousAe).ToHaveClassAsync("overdue");
        await Expect(late.GetByRole(AriaRole.Heading, new() { Name = "Escalations and missed deadlines" })).ToBeVisibleAsync();
        await Expect(late.Locator("li.bad").Filter(new() { HasText = "clock-missed" })).ToContainTextAsync("SeriousAE");
        var sae = page.GetByRole(AriaRole.Region, new() { Name = $"{world.SaeSubject} AE 9001 MYOCARDIAL INFARCTION" });
        var running = sae.Locator("tbody tr").Filter(new() { HasText = "running" });
        Assert.True(await running.CountAsync() > 0);
        for (int i = 0; i < await running.CountAsync(); i++)
            Assert.Matches(@"^(\d+ d \d+ h|\d+ h \d+ min|\d+ min)$", (await running.Nth(i).Locator("td").Nth(4).InnerTextAsync()).Trim());
        var days = (await sae.Locator("tbody tr td:nth-child(1)").AllInnerTextsAsync()).Select(t => t.Trim()).ToList();
        Assert.Contains("SeriousAE", days);
        Assert.Contains(days, d => d.StartsWith("FatalSUSAR", StringComparison.Ordinal) || d.StartsWith("OtherSUSAR", StringComparison.Ordinal));
        // The timeline of every clock, drawn (an SVG) and as numbers.
        var timeline = page.Locator("figure.chart").Filter(new() { HasText = "Reporting clocks" });
        await Expect(timeline.Locator(".recharts-wrapper > svg.recharts-surface")).ToHaveCountAsync(1);
        Assert.True(await timeline.Locator("svg .recharts-bar-rectangle").CountAsync() >= 2);
        await Expect(timeline.Locator("table")).ToContainTextAsync("missed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task DataManager_ReadsFindingsByCheckAndBySubject_AndAnswersClosesAndRechecksQueries()
    {
        using var dmApi = await world.ApiAsync(Roles.DataManager);
        var page = await world.SignInAsync(Roles.DataManager);
        var byCheck = page.GetByRole(AriaRole.Table, new() { Name = "Findings by check" });
        await byCheck.Locator("tbody tr").First.WaitForAsync();
        var runs = await world.GetAsync(dmApi, "/api/studies/pilot/validation-runs");
        var run = runs.EnumerateArray().First(r => r.GetProperty("status").GetString() == "completed");
        var groups = await world.GetAsync(dmApi, $"/api/studies/pilot/validation-runs/{run.GetProperty("id").GetString()}/findings?by=check");
        Assert.Equal(groups.GetProperty("groups").GetArrayLength(), await byCheck.Locator("tbody tr").CountAsync());
        await page.GetByLabel("By subject").CheckAsync();
        var bySubject = page.GetByRole(AriaRole.Table, new() { Name = "Findings by subject" });
        await bySubject.Locator("tbody tr").First.WaitForAsync();
        Assert.True(await bySubject.GetByRole(AriaRole.Link).CountAsync() > 0, "subjects link to their pages");

        // Three open queries routed to data managers: one answered, one closed, one checked again.
        var open = (await world.GetAsync(dmApi, "/api/studies/pilot/queries")).EnumerateArray()
            .Where(q => q.GetProperty("state").GetString() != "Closed" && q.GetProperty("role").GetString() == Roles.DataManager && q.GetProperty("taskId").ValueKind == JsonValueKind.String)
            .Select(q => q.GetProperty("id").GetString()!).ToList();
        Assert.True(open.Count >= 3, $"{open.Count} open queries");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Data queries" });
        ILocator Row(string id) => table.Locator($"tbody tr[data-query='{id}']");
        await Row(open[0]).GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Answer ") }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Explained: the value is right").CheckAsync();
        await dialog.GetByLabel("Reason").FillAsync("Confirmed against the source document");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Answered" })).ToBeVisibleAsync();
        await Expect(Row(open[0]).Locator("td").Nth(2)).ToHaveTextAsync("Answered");

        await Row(open[1]).GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Close ") }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Reason").FillAsync("Not a data issue: the protocol allows it");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(Row(open[1])).ToHaveCountAsync(0);
        await page.GetByLabel("Show closed queries too").CheckAsync();
        await Expect(Row(open[1]).Locator("td").Nth(2)).ToHaveTextAsync("Closed");

        await Row(open[2]).GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Re-check ") }).ClickAsync();
        // The pilot's data did not change: the check still fails and the query stays open, and the page says so.
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "checked again" })).ToContainTextAsync("It stays open.");

        var after = (await world.GetAsync(dmApi, "/api/studies/pilot/queries?includeClosed=true")).EnumerateArray().ToDictionary(q => q.GetProperty("id").GetString()!, q => q.GetProperty("state").GetString());
        Assert.Equal("Answered", after[open[0]]);
        Assert.Equal("Closed", after[open[1]]);
        Assert.NotEqual("Closed", after[open[2]]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Regulator_ReadsTheProtocol_NumberedWithTextRuleCitationsParametersVersionAndHashes_AndTheStudyPictures()
    {
        using var regulatorApi = await world.ApiAsync(Roles.Regulator);
        var page = await world.SignInAsync(Roles.Regulator);
        var rendered = await world.GetAsync(regulatorApi, $"/api/protocols/CDISCPILOT01/versions/{world.PilotVersion.Split('@')[1]}/render");
        var rows = page.Locator("table.protocol tbody tr");
        await rows.First.WaitForAsync();
        var criteria = rendered.GetProperty("criteria").EnumerateArray().ToList();
        Assert.Equal(31, criteria.Count);
        Assert.Equal(criteria.Count, await rows.CountAsync());
        for (int i = 0; i < criteria.Count; i++)
        {
            var c = criteria[i];
            var cells = rows.Nth(i);
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (await cells.Locator("td").First.InnerTextAsync()).Trim());
            await Expect(cells.Locator("th")).ToContainTextAsync(c.GetProperty("id").GetString()!);
            await Expect(cells.Locator("td").Nth(1)).ToContainTextAsync(c.GetProperty("text").GetString()!);
            if (c.GetProperty("attestedBy").ValueKind == JsonValueKind.String) await Expect(cells.Locator("td").Nth(2)).ToContainTextAsync("attested by");
            else Assert.Equal(Squeeze(c.GetProperty("rule").GetString()!), Squeeze(await cells.Locator("pre.rule").InnerTextAsync()));
            await Expect(cells.Locator("code.hash")).ToHaveTextAsync(c.GetProperty("hash").GetString()![..12]);
            foreach (var citation in c.GetProperty("citations").EnumerateArray()) await Expect(cells).ToContainTextAsync(citation.GetString()!);
        }
        var version = page.GetByRole(AriaRole.Region, new() { Name = "Version" });
        var citations = rendered.GetProperty("citations").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.NotEmpty(citations);
        foreach (var citation in citations) await Expect(version).ToContainTextAsync(citation);
        await Expect(version).ToContainTextAsync(rendered.GetProperty("protocol").GetProperty("contentHash").GetString()!);
        await Expect(version).ToContainTextAsync($"{rendered.GetProperty("protocol").GetProperty("version").GetString()} (published as {world.PilotVersion})");
        await Expect(version).ToContainTextAsync("Signed by Dr. designer");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Parameters" })).ToContainTextAsync("ReferenceRangeIIIFactor");
        await Screenshot(page, "workbench-regulator-protocol.png", rows.First);

        // The study's pictures: the attrition funnel, outcomes per criterion, fairness ratios with their intervals.
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        foreach (var caption in new[] { "Attrition funnel", "Outcomes per criterion", "Fairness" })
        {
            var figure = page.Locator("figure.chart").Filter(new() { HasText = caption });
            await Expect(figure.Locator(".recharts-wrapper > svg.recharts-surface")).ToHaveCountAsync(1);
            Assert.True(await figure.Locator(".recharts-wrapper svg path, .recharts-wrapper svg .recharts-symbols").CountAsync() > 0, caption);
            Assert.True(await figure.Locator("table tbody tr").CountAsync() > 0, caption);
        }
        await Expect(page.Locator("figure.chart").Filter(new() { HasText = "Fairness" }).Locator("svg .recharts-errorBar")).Not.ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task FirstMeaningfulPage_OfEachRolesMainPage_OnThePilot_IsMeasured()
    {
        // Measured and reported, not asserted: a fresh load of each role's main page, in a signed-in browser, with the
        // pilot study (306 subjects) on localhost, until what the person came for shows: the first task, the first
        // adverse event, the first group of findings, the first criterion.
        var meaningful = new Dictionary<string, Func<IPage, ILocator>>
        {
            [Roles.Investigator] = p => p.GetByRole(AriaRole.Table, new() { Name = "Tasks, due first" }).Locator("tbody tr").First,
            [Roles.SafetyPhysician] = p => p.Locator("section.ae").First,
            [Roles.DataManager] = p => p.GetByRole(AriaRole.Table, new() { Name = "Findings by check" }).Locator("tbody tr").First,
            [Roles.Regulator] = p => p.Locator("table.protocol tbody tr").First,
        };
        var lines = new List<string>();
        foreach (var (role, content) in meaningful)
        {
            var signedIn = await world.SignInAsync(role);
            var fresh = await signedIn.Context.NewPageAsync();
            var watch = Stopwatch.StartNew();
            await fresh.GotoAsync($"{world.BaseUrl}/#/s/pilot/{Landing[role]}");
            await content(fresh).WaitForAsync();
            lines.Add($"{role} /{Landing[role]}: {watch.Elapsed.TotalMilliseconds:0} ms");
            await signedIn.Context.CloseAsync();
        }
        var line = "first meaningful page on the pilot: " + string.Join("; ", lines);
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    private static string Squeeze(string text) => Regex.Replace(text, @"\s+", " ").Trim();

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private async Task Screenshot(IPage page, string name, ILocator ready)
    {
        await ready.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new() { Path = Path.Combine(world.ScreenshotDir, name) });
        Assert.True(new FileInfo(Path.Combine(world.ScreenshotDir, name)).Length > 10_000);
    }

    private static async Task<string> OpenTaskAsync(HttpClient client, string instanceId)
    {
        var r = await client.GetFromJsonAsync<JsonElement>($"/api/studies/pilot/instances/{instanceId}");
        return r.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("status").GetString() is "open" or "claimed").GetProperty("id").GetString()!;
    }

    /// <summary>How much was ever written: the study journal's entries and the server's audit chain (sign-ins are audited, so only the study's changes count).</summary>
    private async Task<(long Journal, int Signatures, int Attestations)> CountsAsync(HttpClient admin)
    {
        var verify = await world.GetAsync(admin, "/api/studies/pilot/journal/verify");
        var signatures = await world.GetAsync(admin, "/api/studies/pilot/signatures");
        var subjects = 0;
        foreach (var s in signatures.GetProperty("signatures").EnumerateArray()) if (s.GetProperty("kind").GetString() == "attestation") subjects++;
        return (verify.GetProperty("entries").GetInt64(), signatures.GetProperty("total").GetInt32(), subjects);
    }

    /// <summary>axe-core's serious and critical violations on the page as it is (Deque.AxeCore.Playwright, the .NET binding of @axe-core/playwright).</summary>
    private static async Task<IReadOnlyList<string>> AxeAsync(IPage page, string where)
    {
        var result = await page.RunAxe();
        return [.. result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Impact} {v.Id} ({v.Help}) at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}")];
    }
}
