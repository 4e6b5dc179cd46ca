using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Tests.Support;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Tests;

/// <summary>Problem details, claims that race, idempotent events, correlation ids, protocols, screening and data queries over HTTP.</summary>
public sealed class ApiBehaviourTests
{
    private static async Task<JsonElement> Body(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Errors_AreProblemDetailsWithCodes_AndNeverStackTraces()
    {
        await using var server = await TestServer.StartAsync("sqlite", runWorkers: false);
        using var client = server.Anonymous();
        var notFound = await client.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("application/problem+json", notFound.Content.Headers.ContentType?.MediaType);
        Assert.Equal("PE8008", (await Body(notFound)).GetProperty("code").GetString());
        var malformed = await client.PostAsync("/api/auth/login", new StringContent("{ this is not json", Encoding.UTF8, "application/json"));
        var problem = await malformed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("PE8001", problem);
        Assert.DoesNotContain("   at ", problem);
        Assert.DoesNotContain("Exception", problem);
        var big = await client.PostAsync("/api/auth/login", new StringContent("\"" + new string('x', 5 * 1024 * 1024) + "\"", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal("PE8013", (await Body(big)).GetProperty("code").GetString());
        var correlated = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        correlated.Headers.Add("X-Correlation-Id", "my-request-42");
        Assert.Equal("my-request-42", (await client.SendAsync(correlated)).Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task TwoPeopleClaimingOneTask_OneWins_TheOtherGets409WithTheWinner()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", screen: false);
        await world.Server.Service<IdentityService>().CreateUserAsync("test", "inv701b", "Dr. Second", PilotWorld.Password, "person",
            [new MembershipRecord("", PilotWorld.Study, Roles.Investigator, [PilotWorld.Site])], CancellationToken.None);
        using var first = await world.SignInAsync(Roles.Investigator);
        using var second = await world.Server.SignInAsync("inv701b", PilotWorld.Password);
        var inbox = (await Body(await first.GetAsync("/api/studies/pilot/tasks?status=open"))).GetProperty("tasks");
        var task = inbox.EnumerateArray().First().GetProperty("id").GetString();
        var claims = await Task.WhenAll(
            first.PostAsJsonAsync($"/api/studies/pilot/tasks/{task}/claim", new { }),
            second.PostAsJsonAsync($"/api/studies/pilot/tasks/{task}/claim", new { }));
        Assert.Single(claims, c => c.StatusCode == HttpStatusCode.OK);
        var lost = Assert.Single(claims, c => c.StatusCode == HttpStatusCode.Conflict);
        var problem = await Body(lost);
        Assert.Equal("PE8009", problem.GetProperty("code").GetString());
        var winner = claims[0].StatusCode == HttpStatusCode.OK ? "inv701" : "inv701b";
        Assert.Equal(winner, problem.GetProperty("assignee").GetString());
        // The loser's inbox no longer offers it; the winner can give it back.
        using var loserClient = winner == "inv701" ? second : first;
        using var winnerClient = winner == "inv701" ? first : second;
        var loserInbox = (await Body(await loserClient.GetAsync("/api/studies/pilot/tasks?limit=1000"))).GetProperty("tasks");
        Assert.DoesNotContain(loserInbox.EnumerateArray(), t => t.GetProperty("id").GetString() == task);
        Assert.Equal(HttpStatusCode.OK, (await winnerClient.PostAsJsonAsync($"/api/studies/pilot/tasks/{task}/release", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await loserClient.PostAsJsonAsync($"/api/studies/pilot/tasks/{task}/claim", new { })).StatusCode);
    }

    [Fact]
    public async Task AnEvent_IsKeptDurablyOnce_PerIdempotencyKey_AndItsJournalEntriesNameTheRequest()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", identify: false, screen: false);
        using var dm = await world.SignInAsync(Roles.DataManager);
        async Task<HttpResponseMessage> Post(object body, string key, string correlation)
        {
            var req = new HttpRequestMessage(HttpMethod.Post, "/api/studies/pilot/events") { Content = JsonContent.Create(body) };
            req.Headers.Add("Idempotency-Key", key);
            req.Headers.Add("X-Correlation-Id", correlation);
            return await dm.SendAsync(req);
        }
        var identify = new { type = "SubjectIdentified", subject = "01-701-1015" };
        var first = await Post(identify, "k1", "req-one");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var id = (await Body(first)).GetProperty("id").GetString();
        var again = await Post(identify, "k1", "req-two");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, (await Body(again)).GetProperty("id").GetString());
        var other = await Post(new { type = "SubjectIdentified", subject = "01-701-1023" }, "k1", "req-three");
        Assert.Equal((HttpStatusCode)422, other.StatusCode);
        Assert.Equal("PE8016", (await Body(other)).GetProperty("code").GetString());
        await world.WaitForEventsAsync();
        var ev = await Body(await dm.GetAsync($"/api/studies/pilot/events/{id}"));
        Assert.Equal("processed", ev.GetProperty("status").GetString());
        var started = ev.GetProperty("result").GetProperty("started").EnumerateArray().Single().GetString();
        using var admin = await world.SignInAsync(Roles.Admin);
        var journal = await Body(await admin.GetAsync("/api/studies/pilot/journal?correlationId=req-one"));
        var entries = journal.GetProperty("entries").EnumerateArray().ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.Equal(started, e.GetProperty("instance").GetString()));
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "instance-started");
        Assert.True((await Body(await admin.GetAsync("/api/studies/pilot/journal/verify"))).GetProperty("intact").GetBoolean());
        Assert.Equal(1, (await world.Server.Service<ServerStore>().CountEventsAsync("pilot")).Values.Sum());
    }

    [Fact]
    public async Task Protocols_CompileWithDiagnostics_PublishOnce_DiffAndRender()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", identify: false, screen: false);
        using var designer = await world.SignInAsync(Roles.Designer);
        var broken = await Body(await designer.PostAsJsonAsync("/api/protocols/compile", new { text = "protocol X version \"1\"\n  data SDTM \"3.4\"\ncriteria\n  inclusion I1 \"x\" DM.NOPE = 1\n" }));
        Assert.True(broken.GetProperty("hasErrors").GetBoolean());
        var diag = broken.GetProperty("diagnostics").EnumerateArray().First();
        Assert.StartsWith("PE1", diag.GetProperty("code").GetString());
        Assert.Equal(4, diag.GetProperty("line").GetInt32());
        var refused = await designer.PostAsJsonAsync("/api/protocols", new { text = "protocol X version \"1\"\n  data SDTM \"3.4\"\ncriteria\n  inclusion I1 \"x\" DM.NOPE = 1\n", signature = new { meaning = "authorship", password = PilotWorld.Password } });
        Assert.Equal((HttpStatusCode)422, refused.StatusCode);
        Assert.Equal("PE8014", (await Body(refused)).GetProperty("code").GetString());
        // The pilot was published by the world; publishing the same text again is the same version.
        var same = await designer.PostAsJsonAsync("/api/protocols", new { text = File.ReadAllText(RepoPaths.PilotProtocol), signature = new { meaning = "authorship", password = PilotWorld.Password } });
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(world.ProtocolId, (await Body(same)).GetProperty("id").GetString());
        var wrongPassword = await designer.PostAsJsonAsync("/api/protocols", new { text = File.ReadAllText(RepoPaths.AmendmentProtocol), signature = new { meaning = "authorship", password = "not my password" } });
        Assert.Equal("PE8012", (await Body(wrongPassword)).GetProperty("code").GetString());
        var amendment = await designer.PostAsJsonAsync("/api/protocols", new { text = File.ReadAllText(RepoPaths.AmendmentProtocol), signature = new { meaning = "approval", password = PilotWorld.Password } });
        Assert.Equal(HttpStatusCode.Created, amendment.StatusCode);
        var published = await Body(amendment);
        Assert.Equal(2, published.GetProperty("number").GetInt64());
        Assert.Equal("approval", published.GetProperty("signature").GetProperty("meaning").GetString());
        Assert.Equal("designer", published.GetProperty("author").GetString());
        Assert.True(published.GetProperty("signature").GetProperty("valid").GetBoolean());

        using var regulator = await world.SignInAsync(Roles.Regulator);
        var diff = await Body(await regulator.GetAsync("/api/protocols/diff?from=CDISCPILOT01@1&to=CDISCPILOT01@2"));
        var changed = diff.GetProperty("criteria").EnumerateArray().Where(c => c.GetProperty("change").GetString() != "unchanged").Select(c => c.GetProperty("id").GetString()!).ToList();
        // The amendment differs in EXCL12/EXCL12A and EXCL31/EXCL31A (see the protocol's header comment).
        Assert.Contains(changed, c => c.StartsWith("EXCL12", StringComparison.Ordinal));
        Assert.Contains(changed, c => c.StartsWith("EXCL31", StringComparison.Ordinal));
        Assert.True(changed.Count >= 2, string.Join(", ", changed));
        Assert.All(diff.GetProperty("criteria").EnumerateArray().Where(c => c.GetProperty("change").GetString() != "unchanged"),
            c => Assert.True(c.GetProperty("canAlterOutcome").GetBoolean() || c.GetProperty("titleChanged").GetBoolean()));
        var render = await Body(await regulator.GetAsync("/api/protocols/CDISCPILOT01/versions/1/render"));
        var incl07 = render.GetProperty("criteria").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "INCL07");
        Assert.Equal("Investigator", incl07.GetProperty("attestedBy").GetString());
        Assert.Equal(31, render.GetProperty("criteria").GetArrayLength());
        Assert.Contains(render.GetProperty("workflows").EnumerateArray(), w => w.GetProperty("name").GetString() == "Recruitment");
        var version = await Body(await regulator.GetAsync("/api/protocols/CDISCPILOT01/versions/1"));
        Assert.Equal(File.ReadAllText(RepoPaths.PilotProtocol), version.GetProperty("text").GetString());
        Assert.Contains("std.recruitment", version.GetProperty("libraries").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task Screening_RunsWithProgress_ShowsEvidence_AndExportsIeRecords()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", identify: false, screen: false);
        using var dm = await world.SignInAsync(Roles.DataManager);
        var started = await dm.PostAsJsonAsync("/api/studies/pilot/screening-runs", new { asOf = "2025-06-01" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var run = (await Body(started)).GetProperty("id").GetString();
        var sse = await dm.GetStringAsync($"/api/studies/pilot/screening-runs/{run}/progress");
        Assert.Contains("event: completed", sse);
        Assert.Contains("\"done\":306", sse);
        var view = await Body(await dm.GetAsync($"/api/studies/pilot/screening-runs/{run}"));
        var counts = view.GetProperty("summary").GetProperty("counts");
        Assert.Equal(306, counts.GetProperty("subjects").GetInt32());
        Assert.Equal(306, counts.GetProperty("eligible").GetInt32() + counts.GetProperty("ineligible").GetInt32() + counts.GetProperty("needsReview").GetInt32());
        Assert.True(view.GetProperty("summary").GetProperty("attrition").GetArrayLength() > 0);
        var subject = await Body(await dm.GetAsync($"/api/studies/pilot/screening-runs/{run}/subjects/01-701-1015"));
        var criteria = subject.GetProperty("result").GetProperty("criteria").EnumerateArray().ToList();
        Assert.Equal(31, criteria.Count);
        Assert.Contains(criteria, c => c.GetProperty("evidence").GetArrayLength() > 0);
        Assert.All(criteria, c => Assert.Equal(64, c.GetProperty("hash").GetString()!.Length));
        var csv = await dm.GetAsync($"/api/studies/pilot/screening-runs/{run}/ie?format=csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("IETESTCD", lines[0]);
        Assert.True(lines.Length > 1, "the export holds IE records");
        int usubjid = Array.IndexOf(lines[0].Trim().Split(','), "USUBJID");
        Assert.True(usubjid >= 0);
        Assert.All(lines.Skip(1), l => Assert.StartsWith("01-", l.Split(',')[usubjid].Trim('"'), StringComparison.Ordinal));
    }

    [Fact]
    public async Task DataQueries_OpenFromValidation_AndPeopleAnswerCloseAndRecheckThem()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", identify: false, screen: false);
        using var dm = await world.SignInAsync(Roles.DataManager);
        var run = await Body(await dm.PostAsJsonAsync("/api/studies/pilot/validation-runs?wait=true", new { asOf = "2025-06-01" }));
        Assert.Equal("completed", run.GetProperty("status").GetString());
        int opened = run.GetProperty("summary").GetProperty("queries").GetProperty("opened").GetInt32();
        Assert.True(opened > 0);
        var queries = (await Body(await dm.GetAsync("/api/studies/pilot/queries"))).EnumerateArray().ToList();
        Assert.Equal(opened, queries.Count);
        using var inv = await world.SignInAsync(Roles.Investigator);
        var mine = (await Body(await inv.GetAsync("/api/studies/pilot/queries"))).EnumerateArray().ToList();
        Assert.All(mine, q => Assert.Equal(PilotWorld.Site, q.GetProperty("site").GetString()));
        Assert.NotEmpty(mine);
        Assert.True(mine.Count < queries.Count, "other sites' queries are hidden from the investigator");
        // A query is answered by the role it is routed to.
        var invQuery = queries.First(q => q.GetProperty("role").GetString() is Roles.Monitor or Roles.Investigator);
        await world.Server.Service<IdentityService>().CreateUserAsync("test", "invall", "Dr. Everywhere", PilotWorld.Password, "person",
            [new MembershipRecord("", PilotWorld.Study, Roles.Investigator, [])], CancellationToken.None);
        using var answerer = invQuery.GetProperty("role").GetString() == Roles.Monitor
            ? await world.SignInAsync(Roles.Monitor) : await world.Server.SignInAsync("invall", PilotWorld.Password);
        var answer = await answerer.PostAsJsonAsync($"/api/studies/pilot/queries/{invQuery.GetProperty("id").GetString()}/answer", new { decision = "explained", reason = "The value is right (source verified)" });
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        // The data did not change: a re-check finds the finding still there and sends the answered query back.
        var recheck = await Body(await dm.PostAsJsonAsync($"/api/studies/pilot/queries/{invQuery.GetProperty("id").GetString()}/recheck", new { }));
        Assert.Equal("Fails", recheck.GetProperty("outcome").GetString());
        var other = queries.First(q => q.GetProperty("id").GetString() != invQuery.GetProperty("id").GetString()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await dm.PostAsJsonAsync($"/api/studies/pilot/queries/{other}/close", new { reason = "Accepted as is by the data manager" })).StatusCode);
        var after = (await Body(await dm.GetAsync("/api/studies/pilot/queries?includeClosed=true"))).EnumerateArray().ToList();
        Assert.Equal("Closed", after.Single(q => q.GetProperty("id").GetString() == other).GetProperty("state").GetString());
        Assert.Equal("Open", after.Single(q => q.GetProperty("id").GetString() == invQuery.GetProperty("id").GetString()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task TheWebAppsBuiltFiles_AreServedAtTheRoot_WhenTheyExist()
    {
        var web = Path.Combine(Path.GetTempPath(), "pe-web-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(web);
        File.WriteAllText(Path.Combine(web, "index.html"), "<!doctype html><title>ProtocolEngine workbench</title>");
        try
        {
            await using var server = await TestServer.StartAsync("sqlite", runWorkers: false, configure: o => o with { StaticRoot = web });
            using var client = server.Anonymous();
            Assert.Contains("ProtocolEngine workbench", await client.GetStringAsync("/"));
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/studies")).StatusCode);
        }
        finally
        {
            Directory.Delete(web, true);
        }
    }
}
