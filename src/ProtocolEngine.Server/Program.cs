using ProtocolEngine.Server;

// The server as its own executable, configured by ASP.NET Core configuration (environment variables such as
// ProtocolEngine__DataDir, ProtocolEngine__Postgres and ASPNETCORE_URLS, or --ProtocolEngine:DataDir=...). People use
// `protocol serve`, which takes the same settings as options; the integration tests start this entry point.
var app = ServerApp.Build(args);
await ServerHost.PrepareAsync(app);
await app.RunAsync();

/// <summary>The entry point (public for WebApplicationFactory).</summary>
public partial class Program;
