namespace ProtocolEngine.Server;

/// <summary>
/// The server as its own executable, configured by ASP.NET Core configuration (environment variables such as
/// ProtocolEngine__DataDir, ProtocolEngine__Postgres and ASPNETCORE_URLS, or --ProtocolEngine:DataDir=...). People use
/// <c>protocol serve</c>, which takes the same settings as options; the integration tests start this entry point.
/// </summary>
public sealed class Program
{
    private Program()
    {
    }

    /// <summary>Builds, migrates and runs the server until it is stopped.</summary>
    public static async Task Main(string[] args)
    {
        var app = ServerApp.Build(args);
        await ServerHost.PrepareAsync(app);
        await app.RunAsync();
    }
}
