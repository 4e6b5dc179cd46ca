using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Tests.Support;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Journal;

namespace ProtocolEngine.Server.Tests;

/// <summary>
/// Two server processes on one PostgreSQL database share a thousand adverse events and their two thousand timers; one
/// is killed with SIGKILL in the middle, the other finishes: every event processed once, every instance at its end,
/// every timer fired exactly once, the journal intact.
/// </summary>
public sealed class TwoServerProcessesTests
{
    private const int Events = 1000;

    [Fact]
    public async Task TwoProcesses_ShareTheWork_AndOneKilledMidRunLosesNothingAndRunsNothingTwice()
    {
        string postgres, token;
        List<string> subjects;
        // Seed on the database in-process (no workers): accounts, the test protocol, the pilot study.
        await using (var seed = await TestServer.StartAsync("postgres", runWorkers: false))
        {
            postgres = seed.Options.Postgres!;
            var identity = seed.Service<IdentityService>();
            await identity.CreateUserAsync("test", "designer", "Dana Designer", PilotWorld.Password, "person", [new MembershipRecord("", "*", Roles.Designer, [])], CancellationToken.None);
            await identity.CreateUserAsync("test", "admin", "Ada Admin", PilotWorld.Password, "person", [new MembershipRecord("", "*", Roles.Admin, [])], CancellationToken.None);
            await identity.CreateUserAsync("test", "edc", "EDC system", PilotWorld.Password, "system", [new MembershipRecord("", "*", Roles.DataManager, [])], CancellationToken.None);
            using var designer = await seed.SignInAsync("designer", PilotWorld.Password);
            var published = await designer.PostAsJsonAsync("/api/protocols", new { text = File.ReadAllText(RepoPaths.TestProtocol("timers.protocol")), signature = new { meaning = "authorship", password = PilotWorld.Password } });
            Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
            using var admin = await seed.SignInAsync("admin", PilotWorld.Password);
            var registered = await admin.PostAsJsonAsync("/api/studies", new { id = "pilot", title = "Pilot", protocolId = "SRVTIMERS@1", dataPath = RepoPaths.PilotData, encoding = "windows-1252" });
            Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
            using var edc = await seed.SignInAsync("edc", PilotWorld.Password);
            var issued = await edc.PostAsJsonAsync("/api/auth/tokens", new { name = "feed", scopes = new[] { Scopes.EventsWrite } });
            token = JsonDocument.Parse(await issued.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
            subjects = [.. (await seed.Service<ServerStore>().ListSubjectsAsync("pilot")).Select(s => s.SubjectId)];
        }

        var root = Path.Combine(Path.GetTempPath(), "pe-two-" + Guid.NewGuid().ToString("N"));
        using var a = new ServerProcess("server-a", Path.Combine(root, "a"), postgres, ServerProcess.FreePort());
        using var b = new ServerProcess("server-b", Path.Combine(root, "b"), postgres, ServerProcess.FreePort());
        await Task.WhenAll(a.WaitReadyAsync(TimeSpan.FromMinutes(2)), b.WaitReadyAsync(TimeSpan.FromMinutes(2)));

        // A thousand serious adverse events, half through each process, sixteen at a time.
        var clients = new[] { a, b }.Select(p =>
        {
            var c = new HttpClient { BaseAddress = new Uri(p.Url) };
            c.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return c;
        }).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, Events), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/studies/pilot/events")
            {
                Content = JsonContent.Create(new { type = "AdverseEventReported", subject = subjects[i % subjects.Count], record = new Dictionary<string, object> { ["AESEQ"] = 100_000 + i, ["AETERM"] = "HEADACHE", ["AESER"] = "N" } }),
            };
            request.Headers.Add("Idempotency-Key", "ae-" + i);
            var r = await clients[i % 2].SendAsync(request, ct);
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync(ct));
        });

        var serverStore = new ServerStore(new PostgresWorkflowStore(postgres));
        var studyStore = new PostgresWorkflowStore(new NpgsqlConnectionStringBuilder(postgres) { SearchPath = "study_pilot" }.ConnectionString);
        async Task<long> Processed() => (await serverStore.CountEventsAsync("pilot")).GetValueOrDefault("processed");
        async Task<long> Completed()
        {
            await using var conn = new NpgsqlConnection(studyStore.ConnectionString);
            return await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM wf_instances WHERE workflow = 'AeTimers' AND status = 'completed'");
        }

        // Kill A in the middle: some events taken, most timers still to fire.
        var until = DateTime.UtcNow.AddMinutes(3);
        while (await Processed() < 300 && DateTime.UtcNow < until) await Task.Delay(50);
        long completedAtKill = await Completed();
        Assert.True(completedAtKill < Events, "the run was over before the kill; nothing was tested");
        a.KillHard();

        until = DateTime.UtcNow.AddMinutes(4);
        while ((await Processed() < Events || await Completed() < Events) && DateTime.UtcNow < until) await Task.Delay(200);

        var counts = await serverStore.CountEventsAsync("pilot");
        Assert.Equal(Events, counts.GetValueOrDefault("processed"));
        Assert.Equal(Events, counts.Values.Sum());
        var byWorker = await serverStore.CountEventsByWorkerAsync("pilot");
        Assert.True(byWorker.GetValueOrDefault("server-a") > 0 && byWorker.GetValueOrDefault("server-b") > 0, string.Join(", ", byWorker.Select(x => $"{x.Key}={x.Value}")));

        await using (var conn = new NpgsqlConnection(studyStore.ConnectionString))
        {
            var instances = (await conn.QueryAsync<(string Id, string State, string Status)>("SELECT id, state, status FROM wf_instances WHERE workflow = 'AeTimers'")).ToList();
            Assert.Equal(Events, instances.Count);
            Assert.All(instances, i => Assert.Equal(("Done", "completed"), (i.State, i.Status)));
            var steps = (await conn.QueryAsync<(string Instance, string Action, long N)>(
                "SELECT instance_id, action, COUNT(*) FROM wf_journal WHERE action IN ('instance-started', 'timer-fired', 'deadline-passed') GROUP BY instance_id, action")).ToList();
            Assert.All(steps, s => Assert.Equal(s.Action == "instance-started" ? 1 : 2, s.N));
            Assert.Equal(Events * 3, steps.Count);
            Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM wf_waits WHERE status = 'pending'"));
        }
        var audit = await JournalAudit.VerifyAsync(studyStore);
        Assert.Empty(audit.Problems);
        Assert.Equal(Events, audit.Instances);
        Assert.False(b.HasExited, b.Output);
        foreach (var c in clients) c.Dispose();
        try { Directory.Delete(root, true); } catch (IOException) { }
    }
}
