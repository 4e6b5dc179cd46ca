using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using NodaTime;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Tests.Support;

namespace ProtocolEngine.Server.Tests;

/// <summary>
/// The path people walk, over HTTP only: the pilot published, registered and screened; an investigator sees their
/// site's subjects that need review, attests INCL07 with a signature and decides the review gates, and the subject's
/// recruitment moves on to randomisation; a serious adverse event posted by a system token starts its 24-hour clock,
/// one is handled in time (the investigator notifies the sponsor, the safety physician signs the medical review), another
/// misses it (escalation and deviation in the journal); the journal verifies, and fails once a row is edited.
/// </summary>
public sealed class HumanInTheLoopTests
{
    private static readonly Instant Start = Instant.FromUtc(2014, 1, 15, 8, 0);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ThePilot_FromScreeningToSignedDecisions_AndSeriousAdverseEventClocks(string provider)
    {
        var clock = new FakeClock(Start);
        await using var world = await PilotWorld.CreateAsync(provider, clock);
        using var admin = await world.SignInAsync(Roles.Admin);
        using var inv = await world.SignInAsync(Roles.Investigator);
        using var safety = await world.SignInAsync(Roles.SafetyPhysician);
        using var regulator = await world.SignInAsync(Roles.Regulator);

        // The investigator sees only site 701's subjects that need review.
        var all = await Json(admin, $"/api/studies/pilot/screening-runs/{world.ScreeningRunId}/subjects?status=NeedsReview&limit=1000");
        var mine = await Json(inv, $"/api/studies/pilot/screening-runs/{world.ScreeningRunId}/subjects?status=NeedsReview&limit=1000");
        var allAt701 = all.GetProperty("subjects").EnumerateArray().Where(s => s.GetProperty("site").GetString() == PilotWorld.Site).Select(s => s.GetProperty("subject").GetString()!).ToList();
        var mineList = mine.GetProperty("subjects").EnumerateArray().Select(s => s.GetProperty("subject").GetString()!).ToList();
        Assert.NotEmpty(allAt701);
        Assert.Equal(allAt701, mineList);
        Assert.True(all.GetProperty("total").GetInt32() > mineList.Count, "other sites' subjects are hidden from the investigator");
        var otherSite = all.GetProperty("subjects").EnumerateArray().First(s => s.GetProperty("site").GetString() != PilotWorld.Site).GetProperty("subject").GetString();
        Assert.Equal(HttpStatusCode.Forbidden, (await inv.GetAsync($"/api/studies/pilot/subjects/{otherSite}")).StatusCode);

        // Walk subjects of site 701 through recruitment until one reaches the eligibility review (the rules leave criteria to a person).
        string? subject = null;
        JsonElement finalInstance = default;
        foreach (var candidate in mineList)
        {
            var result = await WalkRecruitmentAsync(inv, candidate);
            if (result is { } r) { subject = candidate; finalInstance = r; break; }
        }
        Assert.True(subject is not null, "no site-701 subject reached the eligibility review");

        // INCL07 attested with a signature; a wrong password signs nothing.
        var bad = await inv.PostAsJsonAsync($"/api/studies/pilot/subjects/{subject}/attestations",
            new { criterion = "INCL07", outcome = "met", reason = "Lives 10 km from the site", signature = new { meaning = "responsibility", password = "wrong password!" } });
        Assert.Equal(HttpStatusCode.Forbidden, bad.StatusCode);
        Assert.Contains("PE8012", await bad.Content.ReadAsStringAsync());
        var attested = await inv.PostAsJsonAsync($"/api/studies/pilot/subjects/{subject}/attestations",
            new { criterion = "INCL07", outcome = "met", reason = "Lives 10 km from the site", signature = new { meaning = "responsibility", password = PilotWorld.Password } });
        var attestation = JsonDocument.Parse(await attested.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Created, attested.StatusCode);
        Assert.Equal("Dr. inv701", attestation.GetProperty("signature").GetProperty("printedName").GetString());
        Assert.True(attestation.GetProperty("signature").GetProperty("valid").GetBoolean());

        // The review gate decided with a signature: the subject is randomised.
        var gate = await OpenTaskAsync(inv, finalInstance.GetProperty("id").GetString()!);
        Assert.Equal("EligibilityApproval", gate.GetProperty("name").GetString());
        var unsigned = await inv.PostAsJsonAsync($"/api/studies/pilot/tasks/{gate.GetProperty("id").GetString()}/complete", new { decision = "approved", reason = "INCL07 attested" });
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        await CompleteAsync(inv, gate.GetProperty("id").GetString()!, "approved", "approval", "Eligible: INCL07 attested, MMSE from the source documents");
        var instance = await Json(inv, $"/api/studies/pilot/instances/{finalInstance.GetProperty("id").GetString()}");
        Assert.Equal("Randomized", instance.GetProperty("state").GetString());
        Assert.Contains(instance.GetProperty("journal").EnumerateArray(), e => e.GetProperty("action").GetString() == "randomized");
        Assert.True(instance.GetProperty("journalIntact").GetBoolean());
        var signedGate = instance.GetProperty("tasks").EnumerateArray().First(t => t.GetProperty("name").GetString() == "EligibilityApproval");
        var gateSignature = signedGate.GetProperty("signatures").EnumerateArray().Single();
        Assert.Equal("approval", gateSignature.GetProperty("meaning").GetString());
        Assert.Equal("Dr. inv701", gateSignature.GetProperty("printedName").GetString());
        // The subject page shows the attestation and every signature with the records they sign.
        var page = await Json(inv, $"/api/studies/pilot/subjects/{subject}");
        Assert.Single(page.GetProperty("attestations").EnumerateArray());
        Assert.NotEqual(JsonValueKind.Null, page.GetProperty("screening").ValueKind);

        // A serious adverse event from the EDC system's token: its 24-hour clock starts.
        string edcToken = await TokenAsync(world, "System", [Scopes.EventsWrite, Scopes.Read]);
        using var edc = world.Server.WithToken(edcToken);
        var aeSubject = mineList.First(s => s != subject);
        var (inTime, correlation) = await PostSeriousAeAsync(edc, aeSubject, 9001);
        var clocks = inTime.GetProperty("clocks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("running", clocks["SeriousAE"].GetProperty("status").GetString());
        Assert.Equal(Start + Duration.FromHours(24), InstantOf(clocks["SeriousAE"].GetProperty("dueAt")));
        Assert.Equal("SponsorNotification", inTime.GetProperty("state").GetString());
        Assert.All(inTime.GetProperty("journal").EnumerateArray().Where(e => e.GetProperty("action").GetString() is "instance-started" or "clock-started"),
            e => Assert.Equal(correlation, e.GetProperty("correlationId").GetString()));
        var (late, _) = await PostSeriousAeAsync(edc, aeSubject, 9002);

        // Handled in time: the investigator notifies the sponsor after 3 hours, the safety physician signs the medical review.
        clock.Advance(Duration.FromHours(3));
        var notify = await OpenTaskAsync(inv, inTime.GetProperty("id").GetString()!);
        Assert.Equal("NotifySponsor", notify.GetProperty("name").GetString());
        await CompleteAsync(inv, notify.GetProperty("id").GetString()!, "completed", "authorship", "Initial SAE report sent to the sponsor");
        var review = await OpenTaskAsync(safety, inTime.GetProperty("id").GetString()!);
        Assert.Equal("MedicalReview", review.GetProperty("name").GetString());
        var claim = await safety.PostAsJsonAsync($"/api/studies/pilot/tasks/{review.GetProperty("id").GetString()}/claim", new { });
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        await CompleteAsync(safety, review.GetProperty("id").GetString()!, "expedited", "approval", "Related and unexpected: expedited report");
        var handled = await Json(safety, $"/api/studies/pilot/instances/{inTime.GetProperty("id").GetString()}");
        Assert.Equal("Drafting", handled.GetProperty("state").GetString());
        Assert.Equal("met", handled.GetProperty("clocks").EnumerateArray().First(c => c.GetProperty("name").GetString() == "SeriousAE").GetProperty("status").GetString());

        // Missed: nobody acts on the second one; a day passes; the escalation and the deviation are journaled.
        clock.Advance(Duration.FromHours(22));
        JsonElement missed = default;
        await Eventually(async () =>
        {
            missed = await Json(regulator, $"/api/studies/pilot/instances/{late.GetProperty("id").GetString()}");
            var actions = missed.GetProperty("journal").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
            return actions.Contains("clock-missed") && actions.Contains("task-escalated") && actions.Contains("deviation-recorded");
        }, "the second SAE's clock was not missed, escalated and recorded as a deviation");
        Assert.Equal("missed", missed.GetProperty("clocks").EnumerateArray().First(c => c.GetProperty("name").GetString() == "SeriousAE").GetProperty("status").GetString());

        // The journal verifies (as the regulator), and fails once a row is edited behind the server's back.
        var verify = await Json(regulator, "/api/studies/pilot/journal/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
        await TamperAsync(world, late.GetProperty("id").GetString()!);
        verify = await Json(regulator, "/api/studies/pilot/journal/verify");
        Assert.False(verify.GetProperty("intact").GetBoolean());
        var problem = verify.GetProperty("problems").EnumerateArray().Single();
        Assert.Equal(late.GetProperty("id").GetString(), problem.GetProperty("instance").GetString());
        Assert.Equal("edited", problem.GetProperty("kind").GetString());
    }

    /// <summary>Completes the subject's recruitment tasks until its eligibility gate opens; null when it ends elsewhere.</summary>
    private static async Task<JsonElement?> WalkRecruitmentAsync(HttpClient inv, string subject)
    {
        for (int step = 0; step < 5; step++)
        {
            var instances = await Json(inv, $"/api/studies/pilot/instances?subject={subject}&workflow=Recruitment");
            var inst = instances.GetProperty("instances").EnumerateArray().Single();
            var id = inst.GetProperty("id").GetString()!;
            switch (inst.GetProperty("state").GetString())
            {
                case "EligibilityReview":
                    return inst;
                case "PrescreenReview":
                    await CompleteAsync(inv, (await OpenTaskAsync(inv, id)).GetProperty("id").GetString()!, "approved", "approval", "Approach the candidate");
                    break;
                case "ConsentPending":
                    await CompleteAsync(inv, (await OpenTaskAsync(inv, id)).GetProperty("id").GetString()!, "completed", "authorship", "Consent signed at the screening visit");
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    private static async Task<JsonElement> OpenTaskAsync(HttpClient client, string instanceId)
    {
        var inst = await Json(client, $"/api/studies/pilot/instances/{instanceId}");
        var open = inst.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("status").GetString() is "open" or "claimed");
        return await Json(client, $"/api/studies/pilot/tasks/{open.GetProperty("id").GetString()}");
    }

    private static async Task CompleteAsync(HttpClient client, string taskId, string decision, string meaning, string reason)
    {
        var r = await client.PostAsJsonAsync($"/api/studies/pilot/tasks/{taskId}/complete",
            new { decision, reason, signature = new { meaning, password = PilotWorld.Password } });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }

    private static async Task<(JsonElement Instance, string Correlation)> PostSeriousAeAsync(HttpClient edc, string subject, int seq)
    {
        var correlation = "sae-" + seq;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/studies/pilot/events?wait=true")
        {
            Content = JsonContent.Create(new
            {
                type = "AdverseEventReported",
                subject,
                record = new Dictionary<string, object> { ["AESEQ"] = seq, ["AETERM"] = "MYOCARDIAL INFARCTION", ["AEDECOD"] = "MYOCARDIAL INFARCTION", ["AESER"] = "Y", ["AESHOSP"] = "Y", ["AEREL"] = "PROBABLE", ["AESTDTC"] = "2014-01-14" },
            }),
        };
        request.Headers.Add("Idempotency-Key", $"edc-ae-{subject}-{seq}");
        request.Headers.Add("X-Correlation-Id", correlation);
        var r = await edc.SendAsync(request);
        var ev = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.True(r.IsSuccessStatusCode, ev.ToString());
        Assert.Equal("processed", ev.GetProperty("status").GetString());
        var started = ev.GetProperty("result").GetProperty("started").EnumerateArray().Single().GetString();
        return (await Json(edc, $"/api/studies/pilot/instances/{started}"), correlation);
    }

    private static async Task<string> TokenAsync(PilotWorld world, string role, string[] scopes)
    {
        using var client = await world.SignInAsync(role);
        var r = await client.PostAsJsonAsync("/api/auth/tokens", new { name = "EDC", scopes });
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
    }

    private static async Task TamperAsync(PilotWorld world, string instanceId)
    {
        if (world.Server.Provider == "sqlite")
        {
            var path = Path.Combine(world.Server.Options.DataDir, "studies", "pilot", "workflows.db");
            await using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
            await conn.OpenAsync();
            await conn.ExecuteAsync("DROP TRIGGER wf_journal_no_update");
            Assert.Equal(1, await conn.ExecuteAsync("UPDATE wf_journal SET detail = 'nothing happened' WHERE instance_id = @instanceId AND action = 'clock-missed'", new { instanceId }));
        }
        else
        {
            var cs = new Npgsql.NpgsqlConnectionStringBuilder(world.Server.Options.Postgres) { SearchPath = "study_pilot" }.ConnectionString;
            await using var conn = new Npgsql.NpgsqlConnection(cs);
            await conn.OpenAsync();
            await conn.ExecuteAsync("ALTER TABLE wf_journal DISABLE TRIGGER wf_journal_no_change");
            Assert.Equal(1, await conn.ExecuteAsync("UPDATE wf_journal SET detail = 'nothing happened' WHERE instance_id = @instanceId AND action = 'clock-missed'", new { instanceId }));
        }
    }

    private static Instant InstantOf(JsonElement e) => NodaTime.Text.InstantPattern.ExtendedIso.Parse(e.GetString()!).Value;

    private static async Task<JsonElement> Json(HttpClient client, string path)
    {
        var r = await client.GetAsync(path);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {path}: {(int)r.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail(what);
            await Task.Delay(50);
        }
    }
}
