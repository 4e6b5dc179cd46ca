using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Tests.Support;

namespace ProtocolEngine.Server.Tests;

/// <summary>A study uploaded as a zip of datasets, moved to an amended protocol, and its running workflows migrated (dry run, then apply).</summary>
public sealed class StudyLifecycleTests
{
    private static async Task<JsonElement> Body(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task AStudyInAnUndeclaredEncoding_IsRefusedWithTheFileAndRecord_AndRegistersWithItsEncoding()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", identify: false, screen: false);
        using var admin = await world.SignInAsync(Roles.Admin);

        // The pilot's TS holds a windows-1252 byte: read as UTF-8 it is a problem naming the file and record, never a 500.
        var refused = await admin.PostAsJsonAsync("/api/studies", new { id = "undeclared", title = "Pilot", protocolId = world.ProtocolId, dataPath = RepoPaths.PilotData });
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Equal((HttpStatusCode)422, refused.StatusCode);
        Assert.Contains("PE8015", problem);
        Assert.Contains("ts.xpt, record 9", problem);
        var unknown = await admin.PostAsJsonAsync("/api/studies", new { id = "unknown", title = "Pilot", protocolId = world.ProtocolId, dataPath = RepoPaths.PilotData, encoding = "windows-1253x" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("Unknown encoding", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/studies/undeclared")).StatusCode);

        // The pilot world registered it with windows-1252; its data loads again with that encoding (inspecting the study reads its datasets).
        var subjects = await admin.GetAsync($"/api/studies/{PilotWorld.Study}");
        Assert.True(subjects.IsSuccessStatusCode, await subjects.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnUploadedStudy_MovesToTheAmendment_AndItsInstancesMigrate()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", identify: false, screen: false);
        using var admin = await world.SignInAsync(Roles.Admin);
        using var designer = await world.SignInAsync(Roles.Designer);

        // Upload: a zip of the pilot's datasets (and a file that is not a dataset, which is left out).
        using var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(RepoPaths.PilotData))
                zip.CreateEntryFromFile(file, "sdtm/" + Path.GetFileName(file));
            using var note = new StreamWriter(zip.CreateEntry("../../outside.sh").Open());
            note.Write("echo not a dataset");
        }
        using var form = new MultipartFormDataContent
        {
            { new StringContent("uploaded"), "id" },
            { new StringContent("The pilot, uploaded"), "title" },
            { new StringContent(world.ProtocolId), "protocolId" },
            { new StringContent("true"), "identifySubjects" },
            { new StringContent("windows-1252"), "encoding" },
            { new ByteArrayContent(zipped.ToArray()), "files", "pilot.zip" },
        };
        var study = await Body(await admin.PostAsync("/api/studies/upload", form));
        Assert.Equal(306, study.GetProperty("subjects").GetInt32());
        Assert.Equal("upload", study.GetProperty("dataSource").GetString());
        Assert.False(File.Exists(Path.Combine(world.Server.Options.DataDir, "..", "outside.sh")));
        var inspect = await Body(await admin.GetAsync("/api/studies/uploaded"));
        Assert.Contains(inspect.GetProperty("data").GetProperty("datasets").EnumerateArray(), d => d.GetProperty("name").GetString() == "DM");
        await world.WaitForEventsAsync(study: "uploaded");

        // The amendment published and the study moved to it: its workflows get new versions, the instances stay pinned.
        var amendment = await Body(await designer.PostAsJsonAsync("/api/protocols", new { text = File.ReadAllText(RepoPaths.AmendmentProtocol), signature = new { meaning = "approval", password = PilotWorld.Password } }));
        await Body(await designer.PutAsJsonAsync("/api/studies/uploaded/protocol", new { protocolId = amendment.GetProperty("id").GetString() }));
        var definitions = (await Body(await admin.GetAsync("/api/studies/uploaded/workflows"))).EnumerateArray()
            .Where(d => d.GetProperty("name").GetString() == "Recruitment").Select(d => d.GetProperty("id").GetString()).ToList();
        Assert.Equal(["Recruitment@1", "Recruitment@2"], definitions);
        var running = (await Body(await admin.GetAsync("/api/studies/uploaded/instances?workflow=Recruitment&limit=1000"))).GetProperty("instances").EnumerateArray()
            .Where(i => i.GetProperty("status").GetString() == "running").ToList();
        Assert.NotEmpty(running);
        Assert.All(running, i => Assert.Equal("Recruitment@1", i.GetProperty("definition").GetString()));

        var dryRun = await Body(await designer.PostAsJsonAsync("/api/studies/uploaded/migrations/dry-run", new { from = "Recruitment@1", to = "Recruitment@2" }));
        Assert.False(dryRun.GetProperty("applied").GetBoolean());
        Assert.Equal(running.Count, dryRun.GetProperty("moves").GetArrayLength());
        Assert.Empty(dryRun.GetProperty("problems").EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await designer.PostAsJsonAsync("/api/studies/uploaded/migrations", new { from = "Recruitment@1", to = "Recruitment@2" })).StatusCode);
        var applied = await Body(await admin.PostAsJsonAsync("/api/studies/uploaded/migrations", new { from = "Recruitment@1", to = "Recruitment@2" }));
        Assert.True(applied.GetProperty("applied").GetBoolean());
        var moved = await Body(await admin.GetAsync($"/api/studies/uploaded/instances/{running[0].GetProperty("id").GetString()}"));
        Assert.Equal("Recruitment@2", moved.GetProperty("definition").GetString());
        Assert.Contains(moved.GetProperty("journal").EnumerateArray(), e => e.GetProperty("action").GetString() == "migrated");
        Assert.True(moved.GetProperty("journalIntact").GetBoolean());
        // A plan with a state the new version lacks is refused, nothing moved.
        var bad = await admin.PostAsJsonAsync("/api/studies/uploaded/migrations", new { from = "Recruitment@2", to = "Recruitment@1", stateMap = new Dictionary<string, string> { ["ConsentPending"] = "NoSuchState" } });
        Assert.Equal((HttpStatusCode)422, bad.StatusCode);
    }
}
