using ProtocolEngine.Server.Demo;
using ProtocolEngine.Server.Hosting;

namespace ProtocolEngine.Server;

/// <summary>
/// Runs a server: checks the data folder, the addresses and the database before listening (a clear sentence and exit
/// code 2 when one is wrong), migrates the schema, seeds the demo when asked, prints where it listens, and serves until
/// stopped (Ctrl-C or SIGTERM: requests finish, workers stop between steps).
/// </summary>
public static class ServerHost
{
    /// <summary>Runs until <paramref name="stop"/> or a shutdown signal; returns the exit code.</summary>
    /// <param name="options">The settings (from <c>protocol serve</c>).</param>
    /// <param name="output">Where the banner goes (standard output).</param>
    /// <param name="stop">Stops the server.</param>
    /// <param name="errors">Where a failure to start is told (standard error when null).</param>
    public static async Task<int> RunAsync(ServerOptions options, TextWriter output, CancellationToken stop = default, TextWriter? errors = null)
    {
        errors ??= Console.Error;
        WebApplication app;
        try
        {
            StartupChecks.DataDir(options.DataDir);
            StartupChecks.Urls(options.Urls);
            app = ServerApp.Build([], options);
            await PrepareAsync(app, stop);
        }
        catch (ServerStartupException ex)
        {
            await errors.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        await using (app)
        {
            try
            {
                DemoInfo? demo = options.Demo ? await app.Services.GetRequiredService<DemoSeeder>().SeedAsync(stop) : null;
                var firstAdmin = demo is null ? await BootstrapAdminAsync(app, stop) : null;
                await app.StartAsync(stop);
                Banner(app, options, demo, output);
                if (firstAdmin is not null)
                    output.WriteLine($"First start: an administrator \"admin\" was created with the password {firstAdmin} (printed once; change it, create the other users, then sign in as them).");
            }
            catch (ServerStartupException ex)
            {
                await errors.WriteLineAsync($"error: {ex.Message}");
                return 2;
            }
            catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.GetType().Name == "AddressInUseException")
            {
                await errors.WriteLineAsync($"error: cannot listen on {options.Urls}: {ex.Message}");
                return 2;
            }
            await app.WaitForShutdownAsync(stop);
            return 0;
        }
    }

    /// <summary>Migrates the server's schema (and reports an unusable database as a sentence).</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken ct = default)
    {
        var db = app.Services.GetRequiredService<ServerDatabase>();
        try
        {
            await db.Store.MigrateAsync(ct);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
        {
            throw StartupChecks.Database(db, ex);
        }
    }

    /// <summary>
    /// A server with no user gets an administrator, so someone can sign in and create the others: the password comes
    /// from PROTOCOLENGINE_ADMIN_PASSWORD when set (automated installs), else it is made up and printed once.
    /// </summary>
    private static async Task<string?> BootstrapAdminAsync(WebApplication app, CancellationToken ct)
    {
        var store = app.Services.GetRequiredService<Storage.Server.ServerStore>();
        if ((await store.ListUsersAsync(ct)).Count > 0) return null;
        var given = Environment.GetEnvironmentVariable("PROTOCOLENGINE_ADMIN_PASSWORD");
        var password = string.IsNullOrEmpty(given) ? Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)) : given;
        try
        {
            await app.Services.GetRequiredService<Security.IdentityService>().CreateUserAsync("server", "admin", "Administrator", password, "person",
                [new Storage.Server.MembershipRecord("", Storage.Server.MembershipRecord.AllStudies, Security.Roles.Admin, [])], ct);
        }
        catch (Problems.ApiException ex)
        {
            throw new ServerStartupException($"PROTOCOLENGINE_ADMIN_PASSWORD: {ex.Message}");
        }
        return string.IsNullOrEmpty(given) ? password : "(from PROTOCOLENGINE_ADMIN_PASSWORD)";
    }

    private static void Banner(WebApplication app, ServerOptions options, DemoInfo? demo, TextWriter output)
    {
        var db = app.Services.GetRequiredService<ServerDatabase>();
        var url = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0].TrimEnd('/');
        output.WriteLine();
        output.WriteLine($"ProtocolEngine server listening on {options.Urls}");
        output.WriteLine($"  database:  {db.Describe()}");
        if (options.StaticRoot is { } web && File.Exists(Path.Combine(web, "index.html")))
            output.WriteLine($"  workbench: {url}/   (sign in as a person below; docs/workbench.md)");
        output.WriteLine($"  API page:  {url}/scalar   (OpenAPI document: {url}/openapi/v1.json)");
        output.WriteLine($"  health:    {url}/health/ready");
        if (demo is not null)
        {
            output.WriteLine();
            output.WriteLine("Demo accounts (throwaway passwords, printed once):");
            foreach (var u in demo.Users) output.WriteLine($"  {u.UserName,-13} {u.Password}   {u.Role}");
            output.WriteLine($"  EDC system API token (events:write, read): {demo.SystemToken}");
            output.WriteLine();
            output.WriteLine("Published protocols:");
            foreach (var p in demo.Protocols) output.WriteLine($"  {p}");
            output.WriteLine("Studies:");
            foreach (var s in demo.Studies) output.WriteLine($"  {s}");
            output.WriteLine();
            output.WriteLine("Try it:");
            output.WriteLine($"  curl -s -c jar -H 'Content-Type: application/json' -d '{{\"userName\":\"investigator\",\"password\":\"{demo.Users.First(x => x.UserName == "investigator").Password}\"}}' {url}/api/auth/login");
            output.WriteLine($"  curl -s -b jar '{url}/api/studies/pilot/tasks'            # the investigator's inbox (site {DemoSeeder.InvestigatorSite})");
            output.WriteLine($"  curl -s -H 'Authorization: Bearer {demo.SystemToken}' {url}/api/studies/pilot/screening-runs");
        }
        output.WriteLine();
        output.WriteLine("Press Ctrl-C to stop.");
        output.Flush();
    }
}
