using System.Text.Json;
using System.Text.Json.Nodes;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Tests.Support;

namespace ProtocolEngine.Server.Tests;

/// <summary>
/// The OpenAPI document is checked in (docs/openapi.json): the API cannot change without the committed document changing
/// with it, so reviewers see every change of the contract. The error catalog is documented in docs/server.md.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static string Committed => Path.Combine(RepoPaths.Root, "docs", "openapi.json");

    [Fact]
    public async Task TheServedDocument_IsTheCommittedOne()
    {
        await using var server = await TestServer.StartAsync("sqlite", runWorkers: false);
        using var client = server.Anonymous();
        var served = Normalize(await client.GetStringAsync("/openapi/v1.json"));
        Assert.Contains("\"/api/studies/{studyId}/tasks/{taskId}/complete\"", served);
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(Committed, served);
            return;
        }
        var committed = File.Exists(Committed) ? Normalize(File.ReadAllText(Committed)) : "";
        if (committed == served) return;
        var actual = Path.Combine(Path.GetTempPath(), "openapi.actual.json");
        File.WriteAllText(actual, served);
        Assert.Fail($"The API changed but docs/openapi.json did not. Review the difference and update it:\n  cp {actual} docs/openapi.json\n" +
            "or run: PROTOCOLENGINE_UPDATE_BASELINES=1 dotnet test tests/ProtocolEngine.Server.Tests --filter TheServedDocument_IsTheCommittedOne");
    }

    [Fact]
    public void EveryApiError_IsDocumented_WithAUniqueCode()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "server.md"));
        Assert.Equal(ApiErrors.All.Count, ApiErrors.All.Select(e => e.Code).Distinct().Count());
        Assert.All(ApiErrors.All, e => Assert.Contains($"| {e.Code} | {e.Status} | {e.Title} |", doc));
        Assert.All(ApiErrors.All, e => Assert.Matches("^PE8[0-9]{3}$", e.Code));
    }

    private static string Normalize(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";
}
