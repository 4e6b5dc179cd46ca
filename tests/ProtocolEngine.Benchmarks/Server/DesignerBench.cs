using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ProtocolEngine.Server;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Benchmarks.Server;

/// <summary>
/// The designer at the server, over real HTTP (Kestrel on loopback, a signed-in designer's cookie session):
///   dotnet run -c Release --project tests/ProtocolEngine.Benchmarks -- designer
/// 1. keystroke to diagnostics for the largest shipped protocol (cdiscpilot01-amendment1 with its imports): one character
///    changed and POST /api/designer/diagnostics answered; 20 warm-up, then the median and p95 of 100 (client-side wall
///    time, and the server's own compile-and-diagnose time from the answer);
/// 2. the criteria preview of the pilot's 306 subjects after a keystroke in INCL03 (POST .../criteria-preview): 5 warm-up,
///    median of 30.
/// The machine's load is printed with the figures.
/// </summary>
public static class DesignerBench
{
    private const string Password = "benchmark password 1";

    public static async Task<int> RunAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pe-designer-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        int port;
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0)) { l.Start(); port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port; }
        var options = new ServerOptions { DataDir = dir, Urls = $"http://127.0.0.1:{port}", StaticRoot = null, LogFormat = "simple" };
        var app = ServerApp.Build(["--Logging:LogLevel:Default=Warning"], options);
        await ServerHost.PrepareAsync(app);
        await app.StartAsync();
        try
        {
            await app.Services.GetRequiredService<IdentityService>().CreateUserAsync("bench", "designer", "Dana Designer", Password, "person",
                [new MembershipRecord("", "*", Roles.Admin, []), new MembershipRecord("", "*", Roles.Designer, [])], CancellationToken.None);
            using var http = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new() }) { BaseAddress = new Uri(options.Urls) };
            var login = await Ok(await http.PostAsJsonAsync("/api/auth/login", new { userName = "designer", password = Password }));
            http.DefaultRequestHeaders.Add("X-CSRF-TOKEN", JsonDocument.Parse(login).RootElement.GetProperty("csrfToken").GetString());
            Console.WriteLine($"Designer benchmark, {Environment.ProcessorCount} cores; load: {Load()}");

            var largest = Path.Combine(BenchmarkPaths.Protocols, "cdiscpilot01-amendment1.protocol");
            var text = File.ReadAllText(largest);
            int at = text.IndexOf("Age >= 50", StringComparison.Ordinal) + 8;
            var wall = new List<double>();
            var server = new List<double>();
            for (int i = 0; i < 120; i++)
            {
                var edited = text[..at] + (i % 2 == 0 ? "1" : "0") + text[(at + 1)..];
                var watch = Stopwatch.StartNew();
                var answer = JsonDocument.Parse(await Ok(await http.PostAsJsonAsync("/api/designer/diagnostics", new { text = edited }))).RootElement;
                if (i >= 20)
                {
                    wall.Add(watch.Elapsed.TotalMilliseconds);
                    server.Add(answer.GetProperty("elapsedMs").GetDouble());
                }
            }
            wall.Sort();
            server.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"keystroke to diagnostics, cdiscpilot01-amendment1 with its imports ({text.Split('\n').Length} lines), POST /api/designer/diagnostics: median {wall[wall.Count / 2]:F1} ms, p95 {wall[(int)(wall.Count * 0.95)]:F1} ms over HTTP; the server's compile and diagnose median {server[server.Count / 2]:F1} ms (100 after 20 warm-up; target < 100 ms); load: {Load()}"));

            var pilotPath = Path.Combine(BenchmarkPaths.Protocols, "cdiscpilot01.protocol");
            var pilot = File.ReadAllText(pilotPath);
            var published = JsonDocument.Parse(await Ok(await http.PostAsJsonAsync("/api/protocols", new { text = pilot, signature = new { meaning = "authorship", password = Password } }))).RootElement;
            await Ok(await http.PostAsJsonAsync("/api/studies", new
            {
                id = "pilot", title = "CDISC pilot", protocolId = published.GetProperty("id").GetString(), identifySubjects = false, encoding = "windows-1252",
                dataPath = Path.Combine(BenchmarkPaths.SharedData, "sdtm", "cdiscpilot01"),
            }));
            int interval = pilot.IndexOf("Interval[10, 23]", StringComparison.Ordinal) + "Interval[1".Length;
            var preview = new List<double>();
            for (int i = 0; i < 35; i++)
            {
                var edited = pilot[..interval] + (i % 2 == 0 ? "1" : "0") + pilot[(interval + 1)..];
                var watch = Stopwatch.StartNew();
                var answer = JsonDocument.Parse(await Ok(await http.PostAsJsonAsync("/api/studies/pilot/criteria-preview", new { text = edited, asOf = "2025-06-01" }))).RootElement;
                if (answer.GetProperty("subjects").GetInt32() != 306) throw new InvalidOperationException("the preview did not screen the pilot's 306 subjects");
                if (i >= 5) preview.Add(watch.Elapsed.TotalMilliseconds);
            }
            preview.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"criteria preview, the pilot's 306 subjects after a keystroke in INCL03: median {preview[preview.Count / 2]:F1} ms, p95 {preview[(int)(preview.Count * 0.95)]:F1} ms (30 after 5 warm-up; target < 300 ms); load: {Load()}"));
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    private static async Task<string> Ok(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        return r.IsSuccessStatusCode ? body : throw new InvalidOperationException($"{r.RequestMessage?.RequestUri}: {(int)r.StatusCode} {body}");
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
