using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ProtocolEngine.Evidence;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Tests.Support;

namespace ProtocolEngine.Server.Tests;

/// <summary>
/// The endpoints the workbench's pages read: the amendment's impact on the pilot (as far as an investigator's sites
/// allow), the adverse-event queue with the rules' proposals and clocks, findings grouped by check and by subject,
/// every signature, and the evidence pack whose manifest matches its files.
/// </summary>
public sealed class WorkbenchEndpointsTests
{
    [Fact]
    public async Task TheWorkbenchViews_AnswerFromTheLibraries()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite");
        using var designer = await world.SignInAsync(Roles.Designer);
        var amendment = await designer.PostAsJsonAsync("/api/protocols", new { text = File.ReadAllText(RepoPaths.AmendmentProtocol), signature = new { meaning = "authorship", password = PilotWorld.Password } });
        var amendmentId = JsonDocument.Parse(await amendment.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        using var admin = await world.SignInAsync(Roles.Admin);
        using var regulator = await world.SignInAsync(Roles.Regulator);

        // Amendment impact: the four changed criteria, and the subjects whose status differs, each naming the criteria that decide it.
        var impact = await Json(regulator, $"/api/studies/pilot/amendment-impact?from={world.ProtocolId}&to={amendmentId}");
        var changed = impact.GetProperty("diff").GetProperty("criteria").EnumerateArray().Where(c => c.GetProperty("change").GetString() != "unchanged").ToList();
        // One diff: the study's impact starts with exactly what the protocol diff answers.
        var diff = await Json(regulator, $"/api/protocols/diff?from={world.ProtocolId}&to={amendmentId}");
        Assert.Equal(diff.GetRawText(), impact.GetProperty("diff").GetRawText());
        Assert.Equal(["EXCL12", "EXCL12A", "EXCL31", "EXCL31A"], changed.Select(c => c.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.All(changed, c => Assert.True(c.GetProperty("canAlterOutcome").GetBoolean()));
        var subjects = impact.GetProperty("impact").GetProperty("subjects").EnumerateArray().ToList();
        Assert.NotEmpty(subjects);
        Assert.Equal(306, impact.GetProperty("impact").GetProperty("screened").GetInt32());
        Assert.All(subjects, s =>
        {
            Assert.NotEqual(s.GetProperty("before").GetString(), s.GetProperty("after").GetString());
            Assert.Contains(s.GetProperty("criteria").EnumerateArray(), c => c.GetProperty("id").GetString()!.StartsWith("EXCL", StringComparison.Ordinal));
        });
        Assert.Equal(400, (int)(await regulator.GetAsync("/api/studies/pilot/amendment-impact")).StatusCode);

        // The adverse-event queue: a serious, related, unexpected event is proposed as a SUSAR with its clocks running.
        string token = JsonDocument.Parse(await (await (await world.SignInAsync("System")).PostAsJsonAsync("/api/auth/tokens", new { name = "EDC", scopes = new[] { Scopes.EventsWrite, Scopes.Read } }))
            .Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        using var edc = world.Server.WithToken(token);
        var ev = await edc.PostAsJsonAsync("/api/studies/pilot/events?wait=true", new
        {
            type = "AdverseEventReported", subject = "01-701-1015",
            record = new Dictionary<string, object> { ["AESEQ"] = 9001, ["AEDECOD"] = "MYOCARDIAL INFARCTION", ["AESER"] = "Y", ["AEREL"] = "PROBABLE" },
        });
        Assert.True(ev.IsSuccessStatusCode, await ev.Content.ReadAsStringAsync());
        using var safety = await world.SignInAsync(Roles.SafetyPhysician);
        var queue = await Json(safety, "/api/studies/pilot/adverse-events");
        var item = queue.GetProperty("events").EnumerateArray().Single();
        var proposals = item.GetProperty("proposals").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value"));
        Assert.True(proposals["Serious"].GetBoolean());
        Assert.False(proposals["Expected"].GetBoolean());
        Assert.True(proposals["Related"].GetBoolean());
        Assert.True(proposals["Susar"].GetBoolean());
        Assert.Equal(JsonValueKind.Null, proposals["FatalOrLifeThreatening"].ValueKind);
        Assert.Contains(item.GetProperty("clocks").EnumerateArray(), c => c.GetProperty("name").GetString() == "SeriousAE" && c.GetProperty("status").GetString() == "running");
        Assert.Contains(item.GetProperty("openTasks").EnumerateArray(), t => t.GetProperty("name").GetString() == "NotifySponsor");
        using var other = await world.SignInAsync("OtherInvestigator");
        Assert.Equal(0, (await Json(other, "/api/studies/pilot/adverse-events")).GetProperty("total").GetInt32());

        // Findings by check and by subject add up to the same findings; an investigator sees only their site's.
        var validation = await admin.PostAsJsonAsync("/api/studies/pilot/validation-runs?wait=true", new { asOf = "2025-06-01" });
        var runId = JsonDocument.Parse(await validation.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        var byCheck = await Json(admin, $"/api/studies/pilot/validation-runs/{runId}/findings?by=check");
        var bySubject = await Json(admin, $"/api/studies/pilot/validation-runs/{runId}/findings?by=subject");
        Assert.True(byCheck.GetProperty("total").GetInt32() > 0);
        Assert.Equal(byCheck.GetProperty("total").GetInt32(), byCheck.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("count").GetInt32()));
        Assert.Equal(byCheck.GetProperty("total").GetInt32(), bySubject.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("count").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/studies/pilot/validation-runs/{runId}/findings?by=site")).StatusCode);

        // Each record's date by domain and sequence (the subject page shows it beside the values read).
        var dates = (await Json(regulator, "/api/studies/pilot/subjects/01-701-1015/record-dates")).GetProperty("dates");
        Assert.Contains(dates.EnumerateObject(), d => d.Name == "CM");
        Assert.All(dates.EnumerateObject().SelectMany(d => d.Value.EnumerateObject()), r => Assert.Matches(@"^\d{4}(-\d{2})?", r.Value.GetString()));

        // Every signature: the protocol's publication at least, each valid.
        var signatures = await Json(regulator, "/api/studies/pilot/signatures");
        Assert.Contains(signatures.GetProperty("signatures").EnumerateArray(), s => s.GetProperty("kind").GetString() == "protocol");
        Assert.All(signatures.GetProperty("signatures").EnumerateArray(), s => Assert.True(s.GetProperty("signature").GetProperty("valid").GetBoolean()));

        // The evidence pack: a zip whose manifest lists every file with its SHA-256.
        var pack = await regulator.GetAsync("/api/studies/pilot/evidence-pack");
        Assert.Equal("application/zip", pack.Content.Headers.ContentType?.MediaType);
        await using var zip = new MemoryStream(await pack.Content.ReadAsByteArrayAsync());
        Assert.Empty(EvidencePack.Verify(zip));
        // A changed byte is found.
        var tampered = Tamper(zip.ToArray());
        Assert.Contains(EvidencePack.Verify(new MemoryStream(tampered)), p => p.Contains("compiler.json", StringComparison.Ordinal));
    }

    private static byte[] Tamper(byte[] pack)
    {
        using var ms = new MemoryStream();
        ms.Write(pack);
        using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry("compiler.json")!.Delete();
            using var w = new StreamWriter(zip.CreateEntry("compiler.json").Open());
            w.Write("{\"compiler\":\"something else\"}");
        }
        return ms.ToArray();
    }

    private static async Task<JsonElement> Json(HttpClient client, string path)
    {
        var r = await client.GetAsync(path);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {path}: {(int)r.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
