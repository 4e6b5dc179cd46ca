using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ProtocolEngine.Server;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Benchmarks.Server;

/// <summary>
/// The server under load, over real HTTP (Kestrel on loopback), on PostgreSQL (fsync on) or SQLite:
///   dotnet run -c Release --project tests/ProtocolEngine.Benchmarks -- server --pg CONNSTR [--runs 3] [--events 5000] [--wrk-seconds 15]
/// 1. task inbox reads: wrk with 200 connections on an investigator's inbox (GET /api/studies/pilot/tasks, API token), p50/p99;
/// 2. durable event ingestion: serious adverse events posted with 64 in flight, each committed before its 202 (events/s),
///    while the workers run them through the workflows (processed/s reported too);
/// 3. the pilot screened through the API: POST .../screening-runs?wait=true, client-side wall time.
/// Each figure is the median of the runs; the machine's load is printed with them.
/// </summary>
public static partial class ServerBench
{
    private const string Password = "benchmark password 1";

    public static async Task<int> RunAsync(string[] args)
    {
        string? pg = Arg(args, "--pg") ?? Environment.GetEnvironmentVariable("PROTOCOLENGINE_PG");
        int runs = int.Parse(Arg(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        int events = int.Parse(Arg(args, "--events") ?? "5000", CultureInfo.InvariantCulture);
        int wrkSeconds = int.Parse(Arg(args, "--wrk-seconds") ?? "15", CultureInfo.InvariantCulture);
        string pilot = Path.GetFullPath(Arg(args, "--pilot") ?? Path.Combine(BenchmarkPaths.Root, "..", "shared", "data", "sdtm", "cdiscpilot01"));
        if (!File.Exists("/usr/bin/wrk")) Console.WriteLine("wrk is not installed (apt-get install -y wrk): the inbox benchmark is skipped.");
        Console.WriteLine($"Server benchmark on {(pg is null ? "SQLite (WAL, synchronous=FULL)" : "PostgreSQL")}, {Environment.ProcessorCount} cores; {runs} runs; load: {Load()}");
        var inbox = new List<(double P50, double P99, double Rps)>();
        var ingest = new List<(double Accepted, double Processed)>();
        var screening = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            var database = pg is null ? null : await NewDatabaseAsync(pg);
            var dir = Path.Combine(Path.GetTempPath(), "pe-server-bench-" + Guid.NewGuid().ToString("N"));
            int port = FreePort();
            var options = new ServerOptions { DataDir = dir, Urls = $"http://127.0.0.1:{port}", Postgres = database, StaticRoot = null, LogFormat = "simple" };
            var app = ServerApp.Build(["--Logging:LogLevel:Default=Warning"], options);
            await ServerHost.PrepareAsync(app);
            await app.StartAsync();
            try
            {
                using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(options.Urls), Timeout = TimeSpan.FromMinutes(5) };
                var (investigatorToken, edcToken) = await SeedAsync(app, http, pilot);
                screening.Add(await ScreenAsync(http, edcToken));
                if (File.Exists("/usr/bin/wrk")) inbox.Add(await InboxAsync(options.Urls, investigatorToken, wrkSeconds));
                ingest.Add(await IngestAsync(app, http, edcToken, events));
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                try { Directory.Delete(dir, true); } catch (IOException) { }
            }
            Console.WriteLine($"run {run + 1}: screening {screening[^1]:F0} ms; inbox {(inbox.Count > run ? $"p50 {inbox[^1].P50:F1} ms, p99 {inbox[^1].P99:F1} ms, {inbox[^1].Rps:F0} req/s" : "-")}; " +
                $"ingestion {ingest[^1].Accepted:F0} events/s accepted, {ingest[^1].Processed:F0} events/s through the workflows; load: {Load()}");
        }
        Console.WriteLine();
        Console.WriteLine($"pilot screening through the API (306 subjects, 31 criteria, end to end): median {Median(screening):F0} ms   (target < 2,000 ms)");
        if (inbox.Count > 0)
            Console.WriteLine($"task inbox, 200 connections: median p50 {Median(inbox.Select(x => x.P50)):F1} ms, p99 {Median(inbox.Select(x => x.P99)):F1} ms, {Median(inbox.Select(x => x.Rps)):F0} req/s   (target p99 < 50 ms)");
        Console.WriteLine($"durable ingestion: median {Median(ingest.Select(x => x.Accepted)):F0} adverse events/s accepted (target >= 1,000); {Median(ingest.Select(x => x.Processed)):F0}/s through the workflows");
        Console.WriteLine($"load at the end: {Load()}");
        return 0;
    }

    private static async Task<(string Investigator, string Edc)> SeedAsync(WebApplication app, HttpClient http, string pilot)
    {
        var identity = app.Services.GetRequiredService<IdentityService>();
        await identity.CreateUserAsync("bench", "designer", "Dana Designer", Password, "person", [new MembershipRecord("", "*", Roles.Designer, [])], CancellationToken.None);
        await identity.CreateUserAsync("bench", "admin", "Ada Admin", Password, "person", [new MembershipRecord("", "*", Roles.Admin, [])], CancellationToken.None);
        await identity.CreateUserAsync("bench", "inv", "Dr. Investigator", Password, "person", [new MembershipRecord("", "pilot", Roles.Investigator, ["701"])], CancellationToken.None);
        await identity.CreateUserAsync("bench", "edc", "EDC", Password, "system", [new MembershipRecord("", "*", Roles.DataManager, [])], CancellationToken.None);
        var designer = await SignInAsync(http, "designer");
        await Ok(designer.PostAsJsonAsync("/api/protocols", new { text = File.ReadAllText(Path.Combine(BenchmarkPaths.Root, "protocols", "cdiscpilot01.protocol")), signature = new { meaning = "authorship", password = Password } }));
        var admin = await SignInAsync(http, "admin");
        await Ok(admin.PostAsJsonAsync("/api/studies", new { id = "pilot", title = "Pilot", protocolId = "CDISCPILOT01@1", dataPath = pilot, identifySubjects = true, encoding = "windows-1252" }));
        var store = app.Services.GetRequiredService<ServerStore>();
        while ((await store.CountEventsAsync("pilot")).Keys.Any(k => k is "pending" or "processing")) await Task.Delay(100);
        return (await TokenAsync(await SignInAsync(http, "inv"), [Scopes.Read]), await TokenAsync(await SignInAsync(http, "edc"), [Scopes.EventsWrite, Scopes.RunsWrite, Scopes.Read]));
    }

    private static async Task<double> ScreenAsync(HttpClient http, string token)
    {
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/studies/pilot/screening-runs?wait=true") { Content = JsonContent.Create(new { asOf = "2025-06-01" }) };
            request.Headers.Authorization = new("Bearer", token);
            var watch = Stopwatch.StartNew();
            var r = await http.SendAsync(request);
            var body = await r.Content.ReadAsStringAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (!r.IsSuccessStatusCode || !body.Contains("\"completed\"", StringComparison.Ordinal)) throw new InvalidOperationException(body);
        }
        // The first run pays for compiling the protocol's rules; the figure is the median of five.
        return Median(times);
    }

    private static async Task<(double P50, double P99, double Rps)> InboxAsync(string url, string token, int seconds)
    {
        // A warm-up run first (discarded): the first requests pay for compiling the code paths they take.
        await WrkAsync(url, token, 3);
        var output = await WrkAsync(url, token, seconds);
        if (output.Contains("Non-2xx", StringComparison.Ordinal)) throw new InvalidOperationException("The inbox answered errors under load:\n" + output);
        double Ms(string label)
        {
            var m = Regex.Match(output, $@"\s{Regex.Escape(label)}\s+([\d.]+)(us|ms|s)");
            if (!m.Success) throw new InvalidOperationException($"wrk printed no {label} latency:\n{output}");
            double v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch { "us" => v / 1000, "s" => v * 1000, _ => v };
        }
        var rps = double.Parse(Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        return (Ms("50%"), Ms("99%"), rps);
    }

    private static async Task<string> WrkAsync(string url, string token, int seconds)
    {
        var psi = new ProcessStartInfo("/usr/bin/wrk", ["-t2", "-c200", $"-d{seconds}s", "--latency", "-H", $"Authorization: Bearer {token}", $"{url}/api/studies/pilot/tasks"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var wrk = Process.Start(psi)!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        return output;
    }

    private static async Task<(double Accepted, double Processed)> IngestAsync(WebApplication app, HttpClient http, string token, int count)
    {
        var store = app.Services.GetRequiredService<ServerStore>();
        var subjects = (await store.ListSubjectsAsync("pilot")).Select(s => s.SubjectId).ToList();
        var before = (await store.CountEventsAsync("pilot")).GetValueOrDefault("processed");
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/studies/pilot/events")
            {
                Content = JsonContent.Create(new
                {
                    type = "AdverseEventReported",
                    subject = subjects[i % subjects.Count],
                    record = new Dictionary<string, object> { ["AESEQ"] = 500_000 + i, ["AETERM"] = "SYNCOPE", ["AEDECOD"] = "SYNCOPE", ["AESER"] = "Y", ["AESHOSP"] = "Y", ["AEREL"] = "POSSIBLE" },
                }),
            };
            request.Headers.Authorization = new("Bearer", token);
            request.Headers.Add("Idempotency-Key", "bench-" + i);
            var r = await http.SendAsync(request, ct);
            if ((int)r.StatusCode != 202) throw new InvalidOperationException($"{(int)r.StatusCode}: {await r.Content.ReadAsStringAsync(ct)}");
        });
        double accepted = count / watch.Elapsed.TotalSeconds;
        while ((await store.CountEventsAsync("pilot")).GetValueOrDefault("processed") - before < count)
        {
            if ((await store.CountEventsAsync("pilot")).ContainsKey("failed")) throw new InvalidOperationException("An event failed.");
            await Task.Delay(100);
        }
        return (accepted, count / watch.Elapsed.TotalSeconds);
    }

    private static async Task<HttpClient> SignInAsync(HttpClient http, string user)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = http.BaseAddress };
        var r = await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password = Password });
        var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", body.GetProperty("csrfToken").GetString());
        return client;
    }

    private static async Task<string> TokenAsync(HttpClient client, string[] scopes)
    {
        var r = await client.PostAsJsonAsync("/api/auth/tokens", new { name = "bench", scopes });
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
    }

    private static async Task Ok(Task<HttpResponseMessage> call)
    {
        var r = await call;
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
    }

    private static async Task<string> NewDatabaseAsync(string admin)
    {
        var name = "pe_srvbench_" + Guid.NewGuid().ToString("N");
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        var fsync = await conn.ExecuteScalarAsync<string>("SHOW fsync");
        var sync = await conn.ExecuteScalarAsync<string>("SHOW synchronous_commit");
        if (fsync != "on" || sync != "on") Console.WriteLine($"WARNING: fsync={fsync}, synchronous_commit={sync}: these figures do not claim durability.");
        await conn.ExecuteAsync($"CREATE DATABASE {name}");
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToList();
        return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
