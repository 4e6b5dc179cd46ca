using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Tests.Support;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Tests;

/// <summary>
/// Every endpoint x every role (and anonymous, an investigator of another site, and API tokens) against the expected
/// answer written out below, independently of the server's access table. An endpoint the server maps that this
/// table does not list fails the test, so a new endpoint cannot ship without its authorisation being stated.
/// </summary>
public sealed class AuthorisationMatrixTests
{
    // Who may call each endpoint: "public", "signed-in" (any role), or the roles (A Admin, D Designer, I Investigator,
    // S SafetyPhysician, M DataManager, O Monitor, R Regulator). Subject-level endpoints of another site are refused
    // to an investigator even when investigators are allowed (marked with "site").
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["GET /health/live"] = "public",
        ["GET /health/ready"] = "public",
        ["GET /openapi/{documentName}.json"] = "public",
        ["GET /scalar/{documentName?}"] = "public",
        ["GET /scalar/scalar.js"] = "public",
        ["GET /scalar/scalar.aspnetcore.js"] = "public",
        ["GET /scalar/favicon.svg"] = "public",
        ["POST /api/auth/login"] = "public",
        ["POST /api/auth/logout"] = "signed-in",
        ["GET /api/auth/me"] = "signed-in",
        ["GET /api/auth/csrf"] = "signed-in",
        ["POST /api/auth/password"] = "signed-in",
        ["GET /api/auth/tokens"] = "signed-in",
        ["POST /api/auth/tokens"] = "signed-in",
        ["DELETE /api/auth/tokens/{tokenId}"] = "signed-in",
        ["GET /api/users"] = "A",
        ["POST /api/users"] = "A",
        ["PUT /api/users/{userId}/memberships/{studyId}"] = "A",
        ["POST /api/users/{userId}/disable"] = "A",
        ["GET /api/audit"] = "A R",
        ["GET /api/audit/verify"] = "A R",
        ["POST /api/protocols/compile"] = "A D",
        ["POST /api/protocols"] = "A D",
        ["GET /api/protocols"] = "A D I S M O R",
        ["GET /api/protocols/diff"] = "A D I S M O R",
        ["GET /api/protocols/{name}/versions"] = "A D I S M O R",
        ["GET /api/protocols/{name}/versions/{number}"] = "A D I S M O R",
        ["GET /api/protocols/{name}/versions/{number}/render"] = "A D I S M O R",
        ["POST /api/studies"] = "A M",
        ["POST /api/studies/upload"] = "A M",
        ["GET /api/studies"] = "A D I S M O R",
        ["GET /api/studies/{studyId}"] = "A D I S M O R",
        ["PUT /api/studies/{studyId}/protocol"] = "A D",
        ["GET /api/studies/{studyId}/subjects"] = "A D I S M O R",
        ["GET /api/studies/{studyId}/subjects/{subjectId}"] = "A D I S M O R site",
        ["POST /api/studies/{studyId}/subjects/{subjectId}/attestations"] = "I site",
        ["POST /api/studies/{studyId}/screening-runs"] = "A M",
        ["GET /api/studies/{studyId}/screening-runs"] = "A D I S M O R",
        ["GET /api/studies/{studyId}/screening-runs/{runId}"] = "A D I S M O R",
        ["GET /api/studies/{studyId}/screening-runs/{runId}/progress"] = "A D I S M O R",
        ["GET /api/studies/{studyId}/screening-runs/{runId}/subjects"] = "A D I S M O R",
        ["GET /api/studies/{studyId}/screening-runs/{runId}/subjects/{subjectId}"] = "A D I S M O R site",
        ["GET /api/studies/{studyId}/screening-runs/{runId}/ie"] = "A M O R",
        ["POST /api/studies/{studyId}/events"] = "A I M site",
        ["GET /api/studies/{studyId}/events"] = "A D I S M O R",
        ["GET /api/studies/{studyId}/events/{eventId}"] = "A D I S M O R site",
        ["GET /api/studies/{studyId}/tasks"] = "A D I S M O R",
        ["GET /api/studies/{studyId}/tasks/{taskId}"] = "A D I S M O R site",
        ["POST /api/studies/{studyId}/tasks/{taskId}/claim"] = "A I S M site",
        ["POST /api/studies/{studyId}/tasks/{taskId}/release"] = "A I S M site",
        ["POST /api/studies/{studyId}/tasks/{taskId}/complete"] = "A I S M site",
        ["GET /api/studies/{studyId}/workflows"] = "A D I S M O R",
        ["GET /api/studies/{studyId}/instances"] = "A D I S M O R",
        ["GET /api/studies/{studyId}/instances/{instanceId}"] = "A D I S M O R site",
        ["POST /api/studies/{studyId}/migrations/dry-run"] = "A D",
        ["POST /api/studies/{studyId}/migrations"] = "A",
        ["GET /api/studies/{studyId}/journal"] = "A O R",
        ["GET /api/studies/{studyId}/journal/verify"] = "A O R",
        ["POST /api/studies/{studyId}/validation-runs"] = "A M",
        ["GET /api/studies/{studyId}/validation-runs"] = "A M O R",
        ["GET /api/studies/{studyId}/validation-runs/{runId}"] = "A M O R",
        ["GET /api/studies/{studyId}/queries"] = "A D I S M O R",
        ["POST /api/studies/{studyId}/queries/{queryId}/answer"] = "A I M O site",
        ["POST /api/studies/{studyId}/queries/{queryId}/close"] = "A M",
        ["POST /api/studies/{studyId}/queries/{queryId}/recheck"] = "A M",
        ["GET /api/studies/{studyId}/adverse-events"] = "A I S M O R",
        ["GET /api/studies/{studyId}/subjects/{subjectId}/record-dates"] = "A D I S M O R site",
        ["GET /api/studies/{studyId}/validation-runs/{runId}/findings"] = "A M O R",
        ["GET /api/studies/{studyId}/signatures"] = "A O R",
        ["GET /api/studies/{studyId}/amendment-impact"] = "A D M O R",
        ["GET /api/studies/{studyId}/evidence-pack"] = "A O R",
        ["POST /api/designer/diagnostics"] = "A D",
        ["POST /api/designer/completion"] = "A D",
        ["POST /api/designer/hover"] = "A D",
        ["POST /api/designer/definition"] = "A D",
        ["POST /api/designer/workflows"] = "A D",
        ["POST /api/designer/workflows/{workflow}/edits"] = "A D",
        ["POST /api/designer/workflows/{workflow}/export"] = "A D",
        ["POST /api/designer/drafts"] = "A D",
        ["POST /api/studies/{studyId}/criteria-preview"] = "A D",
    };

    private static readonly Dictionary<char, string> RoleOf = new()
    {
        ['A'] = Roles.Admin, ['D'] = Roles.Designer, ['I'] = Roles.Investigator, ['S'] = Roles.SafetyPhysician,
        ['M'] = Roles.DataManager, ['O'] = Roles.Monitor, ['R'] = Roles.Regulator,
    };

    private static readonly string[] AccessCodes = ["PE8002", "PE8003", "PE8004", "PE8005", "PE8006", "PE8007"];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task EveryEndpoint_AnswersEveryRole_AsTheMatrixSays(string provider)
    {
        await using var world = await PilotWorld.CreateAsync(provider);
        var server = world.Server;
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => AccessTable.Key(m, e.RoutePattern.RawText ?? "")))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var missing = endpoints.Where(e => !Expected.ContainsKey(e) || !AccessTable.Rules.ContainsKey(e)).ToList();
        Assert.True(missing.Count == 0, "Endpoints without an entry in the matrix (and the access table): " + string.Join("; ", missing));
        Assert.Empty(Expected.Keys.Except(endpoints));

        var ids = await IdsAsync(world);
        var principals = new Dictionary<string, HttpClient> { ["anonymous"] = server.Anonymous() };
        foreach (var role in RoleOf.Values.Append("OtherInvestigator")) principals[role] = await world.SignInAsync(role);
        var failures = new List<string>();
        int checkedCells = 0;
        foreach (var endpoint in endpoints)
        {
            var expected = Expected[endpoint];
            foreach (var (who, client) in principals)
            {
                var useClient = client;
                if (endpoint == "POST /api/auth/logout" && who != "anonymous") useClient = await world.SignInAsync(who);
                var (status, code) = await SendAsync(useClient, endpoint, ids);
                var want = Want(expected, who, endpoint);
                checkedCells++;
                // Allowed means the access check let it through and the endpoint answered without failing (no 5xx).
                bool ok = want is null ? (code is null || !AccessCodes.Contains(code)) && status < 500 : code == want;
                if (!ok) failures.Add($"{endpoint} as {who}: expected {want ?? "allowed"}, got {status} {code}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedCells} cells differ:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Tokens_ActOnlyWithinTheirScope()
    {
        await using var world = await PilotWorld.CreateAsync("sqlite", identify: true, screen: true);
        var ids = await IdsAsync(world);
        using var admin = await world.SignInAsync(Roles.Admin);
        string readToken = await TokenAsync(admin, [Scopes.Read]);
        string eventsToken = await TokenAsync(admin, [Scopes.EventsWrite]);
        // What only a browser session may do: the antiforgery token, and issuing or revoking tokens.
        string[] sessionOnly = ["GET /api/auth/csrf", "POST /api/auth/password", "POST /api/auth/tokens", "DELETE /api/auth/tokens/{tokenId}"];
        var failures = new List<string>();
        foreach (var endpoint in Expected.Keys.Where(k => Expected[k] != "public" && k != "POST /api/auth/logout"))
        {
            bool readAllowed = endpoint.StartsWith("GET ", StringComparison.Ordinal) && !sessionOnly.Contains(endpoint);
            bool eventsAllowed = endpoint == "POST /api/studies/{studyId}/events";
            var (_, readCode) = await SendAsync(world.Server.WithToken(readToken), endpoint, ids);
            if (readAllowed ? readCode is not null && (AccessCodes.Contains(readCode) || readCode == "PE8017") : readCode != "PE8004") failures.Add($"{endpoint} with a read token: got {readCode}");
            var (_, eventCode) = await SendAsync(world.Server.WithToken(eventsToken), endpoint, ids);
            if (eventsAllowed ? eventCode is not null && AccessCodes.Contains(eventCode) : eventCode != "PE8004") failures.Add($"{endpoint} with an events token: got {eventCode}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task<string> TokenAsync(HttpClient client, string[] scopes)
    {
        var r = await client.PostAsJsonAsync("/api/auth/tokens", new { name = "matrix", scopes });
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    private static string? Want(string expected, string who, string endpoint)
    {
        if (expected == "public") return null;
        if (who == "anonymous") return "PE8002";
        if (expected == "signed-in") return null;
        var allowed = expected.Split(' ').Where(x => x.Length == 1).Select(x => RoleOf[x[0]]).ToHashSet();
        bool unsafeMethod = !endpoint.StartsWith("GET ", StringComparison.Ordinal);
        if (who == "OtherInvestigator")
        {
            if (!allowed.Contains(Roles.Investigator)) return "PE8003";
            return expected.EndsWith(" site", StringComparison.Ordinal) ? "PE8007" : null;
        }
        if (allowed.Contains(who)) return null;
        return unsafeMethod && who == Roles.Regulator ? "PE8006" : "PE8003";
    }

    private sealed record Ids(string Subject, string Task, string Instance, string Event, string ScreeningRun, string ValidationRun, string Query, string UserId, string TokenId);

    private static async Task<Ids> IdsAsync(PilotWorld world)
    {
        var store = world.Server.Service<ServerStore>();
        var study = await world.Server.Service<Studies.StudyRegistry>().GetAsync(PilotWorld.Study, CancellationToken.None);
        var tasks = await study.Inbox.GetAsync(CancellationToken.None);
        var task = tasks.First(t => study.SiteOf(t.SubjectId) == PilotWorld.Site);
        var ev = (await store.ListEventsAsync(PilotWorld.Study, task.SubjectId, 0, 10)).First();
        using var admin = await world.SignInAsync(Roles.Admin);
        var validation = await admin.PostAsJsonAsync("/api/studies/pilot/validation-runs?wait=true", new { asOf = "2025-06-01" });
        var validationBody = JsonDocument.Parse(await validation.Content.ReadAsStringAsync()).RootElement;
        var queries = await study.Queries.ListAsync(false, CancellationToken.None);
        var query = queries.FirstOrDefault(q => q.SubjectId is not null && study.SiteOf(q.SubjectId) == PilotWorld.Site)
            ?? throw new InvalidOperationException($"The validation run opened no data query at site 701 ({queries.Count} queries: {string.Join(", ", queries.Take(5).Select(q => q.CheckId + " " + q.SubjectId))}).");
        var identity = world.Server.Service<IdentityService>();
        var throwaway = await identity.CreateUserAsync("test", "throwaway", "Throw Away", PilotWorld.Password, "person", [], CancellationToken.None);
        var token = await admin.PostAsJsonAsync("/api/auth/tokens", new { name = "to revoke", scopes = new[] { Scopes.Read } });
        var tokenId = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        return new Ids(task.SubjectId, task.Task.Id, task.Task.InstanceId, ev.Id, world.ScreeningRunId!, validationBody.GetProperty("id").GetString()!, query.Id, throwaway.Id, tokenId);
    }

    private static async Task<(int Status, string? Code)> SendAsync(HttpClient client, string endpoint, Ids ids)
    {
        var space = endpoint.IndexOf(' ');
        var method = endpoint[..space];
        var path = endpoint[(space + 1)..]
            .Replace("{documentName}.json", "v1.json").Replace("{documentName?}", "v1")
            .Replace("{studyId}", PilotWorld.Study)
            .Replace("{subjectId}", ids.Subject).Replace("{taskId}", ids.Task).Replace("{instanceId}", ids.Instance).Replace("{eventId}", ids.Event)
            .Replace("{runId}", endpoint.Contains("validation-runs") ? ids.ValidationRun : ids.ScreeningRun)
            .Replace("{queryId}", ids.Query).Replace("{userId}", ids.UserId).Replace("{tokenId}", ids.TokenId)
            .Replace("{workflow}", "Recruitment").Replace("{name}", "CDISCPILOT01").Replace("{number}", "1");
        if (path.EndsWith("/diff", StringComparison.Ordinal)) path += "?from=CDISCPILOT01@1&to=CDISCPILOT01@1";
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        // Bodies that pass validation only where the answer depends on the data (an event about a site-701 subject); elsewhere {}.
        var body = endpoint == "POST /api/studies/{studyId}/events" ? JsonSerializer.Serialize(new { type = "Custom", name = "MatrixProbe", subject = ids.Subject }) : "{}";
        if (method != "GET" && method != "DELETE") request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        var text = response.Content.Headers.ContentType?.MediaType?.Contains("json") == true ? await response.Content.ReadAsStringAsync() : "";
        string? code = null;
        if ((int)response.StatusCode >= 400 && text.Length > 0)
        {
            try
            {
                if (JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c)) code = c.GetString();
            }
            catch (JsonException)
            {
            }
        }
        if ((int)response.StatusCode >= 400 && code is null) code = "HTTP" + (int)response.StatusCode;
        return ((int)response.StatusCode, code);
    }
}
