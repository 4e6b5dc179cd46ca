using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Tests.Support;

namespace ProtocolEngine.Server.Tests;

/// <summary>
/// The designer's endpoints over the pilot: diagnostics with the catalog's quick fix, completion, hover and definition
/// across imports, workflow graphs and graph edits as text edits (a stale text and an unknown state refused), SVG and
/// Mermaid, the criteria preview over the pilot's 306 subjects by the screening runs' own screener, and drafts saved on a
/// base version with a conflict for the second designer. Bad input gets a problem, never a 500.
/// </summary>
public sealed class DesignerEndpointsTests
{
    private static readonly string Pilot = File.ReadAllText(RepoPaths.PilotProtocol);
    private static readonly string T2d = File.ReadAllText(Path.Combine(RepoPaths.Root, "protocols", "t2d-sglt2.protocol"));

    [Fact]
    public async Task TheDesigner_EditsText_AndGraphs_PreviewsCriteria_AndSavesDrafts()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", identify: false, screen: false);
        using var designer = await world.SignInAsync(Roles.Designer);

        // Diagnostics: the pilot compiles clean; a misspelled variable is reported on its line with its code and the fix.
        Assert.DoesNotContain((await Post(designer, "/api/designer/diagnostics", new { text = Pilot })).GetProperty("diagnostics").EnumerateArray(),
            d => d.GetProperty("severity").GetString() == "error");
        int first = Pilot.IndexOf("M.MHTERM", StringComparison.Ordinal) + 2;
        var misspelled = Pilot[..first] + "MHTERX" + Pilot[(first + "MHTERM".Length)..];
        var diagnostics = (await Post(designer, "/api/designer/diagnostics", new { text = misspelled })).GetProperty("diagnostics").EnumerateArray().ToList();
        var wrong = Assert.Single(diagnostics, d => d.GetProperty("severity").GetString() == "error");
        int at = misspelled.IndexOf("MHTERX", StringComparison.Ordinal);
        Assert.Equal(misspelled[..at].Count(c => c == '\n'), wrong.GetProperty("line").GetInt32());
        Assert.Matches("^PE1[0-9]{3}$", wrong.GetProperty("code").GetString());
        var fix = wrong.GetProperty("fix");
        Assert.Equal("MHTERM", fix.GetProperty("newText").GetString());
        var fixedText = misspelled[..fix.GetProperty("start").GetInt32()] + fix.GetProperty("newText").GetString() + misspelled[fix.GetProperty("end").GetInt32()..];
        Assert.Equal(Pilot, fixedText);

        // Completion, hover and go to definition across an import.
        int inVariable = Pilot.IndexOf("M.MHTERM", StringComparison.Ordinal) + 3;
        var completion = await Post(designer, "/api/designer/completion", new { text = Pilot, offset = inVariable, studyId = "pilot" });
        Assert.Contains(completion.GetProperty("items").EnumerateArray(), i => i.GetProperty("label").GetString() == "MHTERM");
        var hover = (await Post(designer, "/api/designer/hover", new { text = Pilot, offset = inVariable })).GetProperty("hover");
        Assert.Contains("MHTERM", hover.GetProperty("markdown").GetString());
        int inImport = Pilot.IndexOf("import std.recruitment", StringComparison.Ordinal) + "import std.".Length + 2;
        var definition = Assert.Single((await Post(designer, "/api/designer/definition", new { text = Pilot, offset = inImport })).GetProperty("definitions").EnumerateArray());
        Assert.False(definition.GetProperty("inDocument").GetBoolean());
        Assert.Equal("std/recruitment.protocol", definition.GetProperty("file").GetString());

        // The workflow graph of a text and a graph edit as text edits; the text gains exactly the new lines.
        var graphs = await Post(designer, "/api/designer/workflows", new { text = T2d });
        var recruitment = graphs.GetProperty("workflows").EnumerateArray().Single(w => w.GetProperty("name").GetString() == "Recruitment");
        Assert.Equal("Identified", recruitment.GetProperty("states").EnumerateArray().Single(s => s.GetProperty("initial").GetBoolean()).GetProperty("name").GetString());
        var consent = recruitment.GetProperty("states").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "Consent").GetProperty("tasks")[0];
        Assert.Equal(["Investigator", "StudyCoordinator"], consent.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("14 days", consent.GetProperty("due").GetString());
        var hash = graphs.GetProperty("textHash").GetString();
        var edit = await Post(designer, "/api/designer/workflows/Recruitment/edits",
            new { text = T2d, textHash = hash, kind = "addState", name = "Withdrawn", final = true, from = "Consent", guard = "event ConsentWithdrawn" });
        var edited = Apply(T2d, edit.GetProperty("edits"));
        var added = edited.Split('\n').Except(T2d.Split('\n')).ToList();
        Assert.Equal(2, added.Count);
        Assert.Contains(added, l => l.Trim() == "state Withdrawn final" || l.Trim().StartsWith("state Withdrawn", StringComparison.Ordinal));
        Assert.Contains(added, l => l.Contains("Consent", StringComparison.Ordinal) && l.Contains("-> Withdrawn", StringComparison.Ordinal) && l.EndsWith("when event ConsentWithdrawn", StringComparison.Ordinal));
        Assert.Equal(T2d.Split('\n').Length + 2, edited.Split('\n').Length);
        Assert.DoesNotContain(edit.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("severity").GetString() == "error");
        // A stale text, an unknown state, an unknown kind, a missing field: problems, not failures.
        await Problem(designer, "/api/designer/workflows/Recruitment/edits", new { text = T2d + " ", textHash = hash, kind = "deleteState", name = "Review" }, 409, "PE8009");
        await Problem(designer, "/api/designer/workflows/Recruitment/edits", new { text = T2d, textHash = hash, kind = "deleteState", name = "Nowhere" }, 422, "PE8021");
        await Problem(designer, "/api/designer/workflows/Nowhere/edits", new { text = T2d, textHash = hash, kind = "deleteState", name = "Review" }, 422, "PE8021");
        await Problem(designer, "/api/designer/workflows/Recruitment/edits", new { text = T2d, textHash = hash, kind = "teleport" }, 400, "PE8001");
        await Problem(designer, "/api/designer/workflows/Recruitment/edits", new { text = T2d, textHash = hash, kind = "renameState", name = "Review" }, 400, "PE8001");
        await Problem(designer, "/api/designer/workflows/Recruitment/edits", new { text = T2d, textHash = hash, kind = "setGuard", from = "Consent", to = "Screening", guard = "ObtainConsent completed and (" }, 422, "PE8021");

        // Export: SVG and Mermaid; a text that does not parse is refused.
        var svg = await designer.PostAsJsonAsync("/api/designer/workflows/Recruitment/export?format=svg", new { text = T2d });
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        var picture = await svg.Content.ReadAsStringAsync();
        Assert.StartsWith("<svg", picture, StringComparison.Ordinal);
        Assert.Contains(">Withdrawn<", Apply(T2d, edit.GetProperty("edits")) is var withWithdrawn
            ? await (await designer.PostAsJsonAsync("/api/designer/workflows/Recruitment/export?format=svg", new { text = withWithdrawn })).Content.ReadAsStringAsync() : "");
        Assert.Contains("when criteria met", picture);
        var mermaid = await (await designer.PostAsJsonAsync("/api/designer/workflows/Recruitment/export?format=mermaid", new { text = T2d })).Content.ReadAsStringAsync();
        Assert.Contains("[*] --> Identified", mermaid);
        await Problem(designer, "/api/designer/workflows/Recruitment/export?format=png", new { text = T2d }, 400, "PE8001");
        await Problem(designer, "/api/designer/workflows/Nowhere/export", new { text = T2d }, 404, "PE8008");
        await Problem(designer, "/api/designer/workflows/Recruitment/export", new { text = T2d.Replace("workflow Recruitment", "workflow Recruitment (((", StringComparison.Ordinal) }, 422, "PE8014");

        // The criteria preview over the pilot's 306 subjects. The pilot's data hold no QS, so INCL03 (an MMSE score) is Unknown for
        // everyone there; over a synthetic population that has MMSE scores, a narrower INCL03 interval excludes more.
        var before = await Post(designer, "/api/studies/pilot/criteria-preview", new { text = Pilot, asOf = "2025-06-01" });
        Assert.Equal(306, before.GetProperty("subjects").GetInt32());
        Assert.Equal(306, before.GetProperty("statuses").GetArrayLength());
        var narrower = Pilot.Replace("QuestionnaireTotal('MMSETOT') in Interval[10, 23]", "QuestionnaireTotal('MMSETOT') in Interval[15, 23]", StringComparison.Ordinal);
        Assert.NotEqual(Pilot, narrower);
        using var admin = await world.SignInAsync(Roles.Admin);
        var synthetic = Path.Combine(world.Server.Options.DataDir, "synthetic");
        Data.Synthetic.PopulationGenerator.Generate(synthetic, new Data.Synthetic.SynthOptions { Subjects = 300, Seed = 16 });
        var registered = await admin.PostAsJsonAsync("/api/studies", new { id = "synthetic", title = "Synthetic", protocolId = world.ProtocolId, dataPath = synthetic });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var wide = await Post(designer, "/api/studies/synthetic/criteria-preview", new { text = Pilot, asOf = "2025-06-01" });
        var narrow = await Post(designer, "/api/studies/synthetic/criteria-preview", new { text = narrower, asOf = "2025-06-01" });
        int NotMet(JsonElement p) => p.GetProperty("criteria").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "INCL03").GetProperty("notMet").GetInt32();
        Assert.True(NotMet(narrow) > NotMet(wide), $"INCL03 NotMet {NotMet(wide)} -> {NotMet(narrow)}");
        Assert.NotEqual(Funnel(wide), Funnel(narrow));
        // The statuses of the same screening a run stores: the same screener, the same answer.
        var run = JsonDocument.Parse(await (await admin.PostAsJsonAsync("/api/studies/pilot/screening-runs?wait=true", new { asOf = "2025-06-01" })).Content.ReadAsStringAsync()).RootElement;
        var summary = run.GetProperty("summary").GetProperty("counts");
        Assert.Equal(summary.GetProperty("eligible").GetInt32(), before.GetProperty("counts").GetProperty("eligible").GetInt32());
        Assert.Equal(summary.GetProperty("needsReview").GetInt32(), before.GetProperty("counts").GetProperty("needsReview").GetInt32());
        await Problem(designer, "/api/studies/pilot/criteria-preview", new { text = misspelled }, 422, "PE8014");

        // Drafts: a save on the published version makes a new version with a new hash; a second designer saving on the same base gets the conflict.
        var saved = await designer.PostAsJsonAsync("/api/designer/drafts", new { text = narrower, baseVersion = world.ProtocolId });
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        var draft = JsonDocument.Parse(await saved.Content.ReadAsStringAsync()).RootElement;
        var published = await Get(designer, $"/api/protocols/CDISCPILOT01/versions/1");
        Assert.Equal("CDISCPILOT01@2", draft.GetProperty("id").GetString());
        Assert.True(draft.GetProperty("draft").GetBoolean());
        Assert.Equal("designer", draft.GetProperty("author").GetString());
        Assert.NotEqual(published.GetProperty("protocol").GetProperty("contentHash").GetString(), draft.GetProperty("contentHash").GetString());
        await world.Server.Service<IdentityService>().CreateUserAsync("test", "designer2", "Dr. Second Designer", PilotWorld.Password, "person",
            [new Storage.Server.MembershipRecord("", Storage.Server.MembershipRecord.AllStudies, Roles.Designer, [])], CancellationToken.None);
        using var other = await world.Server.SignInAsync("designer2", PilotWorld.Password);
        var conflict = await other.PostAsJsonAsync("/api/designer/drafts", new { text = Pilot.Replace("Interval[10, 23]", "Interval[12, 23]", StringComparison.Ordinal), baseVersion = world.ProtocolId });
        var conflictBody = JsonDocument.Parse(await conflict.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("PE8009", conflictBody.GetProperty("code").GetString());
        Assert.Equal("CDISCPILOT01@2", conflictBody.GetProperty("latest").GetProperty("id").GetString());
        Assert.Equal(2, (await Get(designer, "/api/protocols/CDISCPILOT01/versions")).GetArrayLength());
        // Publishing the draft's content signs the draft (the same content is one version).
        var signed = await designer.PostAsJsonAsync("/api/protocols", new { text = narrower, signature = new { meaning = "authorship", password = PilotWorld.Password } });
        var signedBody = JsonDocument.Parse(await signed.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("CDISCPILOT01@2", signedBody.GetProperty("id").GetString());
        Assert.False(signedBody.GetProperty("draft").GetBoolean());
        Assert.True(signedBody.GetProperty("signature").GetProperty("valid").GetBoolean());
        await Problem(designer, "/api/designer/drafts", new { text = misspelled, baseVersion = "CDISCPILOT01@2" }, 422, "PE8014");

        // Bad input: no text, no offset, a huge text, a text that does not parse (diagnostics, not a failure), a study of no one's.
        await Problem(designer, "/api/designer/diagnostics", new { }, 400, "PE8001");
        await Problem(designer, "/api/designer/hover", new { text = Pilot }, 400, "PE8001");
        await Problem(designer, "/api/designer/hover", new { text = Pilot, offset = Pilot.Length + 1 }, 400, "PE8001");
        await Problem(designer, "/api/designer/diagnostics", new { text = new string('x', 2 * 1024 * 1024 + 1) }, 413, "PE8013");
        var garbage = await Post(designer, "/api/designer/diagnostics", new { text = "protocol ((( \u0000 workflow" });
        Assert.Contains(garbage.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("code").GetString()!.StartsWith("PE0", StringComparison.Ordinal));
        var garbageGraph = await Post(designer, "/api/designer/workflows", new { text = "workflow W per subject\n  state A initial\n  A -> " });
        Assert.True(garbageGraph.GetProperty("syntaxErrors").GetInt32() > 0);
        await Problem(designer, "/api/studies/nowhere/criteria-preview", new { text = Pilot }, 404, "PE8008");
    }

    private static string Funnel(JsonElement preview) =>
        string.Join(",", preview.GetProperty("funnel").EnumerateArray().Select(f => f.GetProperty("remaining").GetInt32()));

    private static string Apply(string text, JsonElement edits)
    {
        foreach (var e in edits.EnumerateArray().OrderByDescending(e => e.GetProperty("start").GetInt32()))
            text = text[..e.GetProperty("start").GetInt32()] + e.GetProperty("newText").GetString() + text[e.GetProperty("end").GetInt32()..];
        return text;
    }

    private static async Task<JsonElement> Post(HttpClient client, string path, object body)
    {
        var r = await client.PostAsJsonAsync(path, body);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{path}: {(int)r.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<JsonElement> Get(HttpClient client, string path)
    {
        var r = await client.GetAsync(path);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{path}: {(int)r.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task Problem(HttpClient client, string path, object body, int status, string code)
    {
        var r = await client.PostAsJsonAsync(path, body);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == status, $"{path}: expected {status}, got {(int)r.StatusCode} {text}");
        Assert.Equal(code, JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
    }
}
