using NodaTime;

namespace ProtocolEngine.Server;

/// <summary>How a server runs: where its data is, where it listens, and its security settings.</summary>
public sealed record ServerOptions
{
    /// <summary>The data folder: the SQLite database (the embedded default), uploaded study data and screening exports.</summary>
    public string DataDir { get; init; } = "protocol-data";

    /// <summary>The addresses to listen on (semicolon-separated), for example http://127.0.0.1:5080.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>A PostgreSQL connection string (from an environment variable or a file, never the command line); null for SQLite.</summary>
    public string? Postgres { get; init; }

    /// <summary>Seed the demo at start: shipped protocols published, studies registered, one user per role.</summary>
    public bool Demo { get; init; }

    /// <summary>Where the demo's protocols are (the repository's protocols/ folder).</summary>
    public string DemoProtocols { get; init; } = "protocols";

    /// <summary>Where the demo's pilot study is (registered when the folder exists).</summary>
    public string? DemoPilotData { get; init; }

    /// <summary>Where the demo's synthetic population is (registered when the folder exists).</summary>
    public string? DemoSyntheticData { get; init; }

    /// <summary>A browser session ends after this long without a request.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>PBKDF2-SHA256 iterations for new password hashes (OWASP: at least 600,000).</summary>
    public int PasswordIterations { get; init; } = 600_000;

    /// <summary>Failed sign-ins of one user name within <see cref="LoginFailureWindow"/> before further attempts are refused.</summary>
    public int LoginFailureLimit { get; init; } = 5;

    /// <summary>The window failed sign-ins are counted in.</summary>
    public TimeSpan LoginFailureWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>JWT bearer validation, when configured.</summary>
    public JwtOptions? Jwt { get; init; }

    /// <summary>The largest request body for JSON requests.</summary>
    public long JsonBodyLimit { get; init; } = 4 * 1024 * 1024;

    /// <summary>The largest upload of study data.</summary>
    public long UploadLimit { get; init; } = 512L * 1024 * 1024;

    /// <summary>The web app's built files (designer/dist), served at / when the folder exists.</summary>
    public string? StaticRoot { get; init; } = Path.Combine("designer", "dist");

    /// <summary>How long a worker holds an event it took before another process may take it over.</summary>
    public TimeSpan EventLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest sleep of the timer and event workers between looks at the database.</summary>
    public TimeSpan WorkerPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Run the background workers (timers, events). Tests of single requests may switch them off.</summary>
    public bool RunWorkers { get; init; } = true;

    /// <summary>This process's name in leases and logs.</summary>
    public string InstanceName { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Log format on the console: "simple" (people) or "json" (log collectors).</summary>
    public string LogFormat { get; init; } = "simple";

    /// <summary>The clock (tests replace it to make time pass).</summary>
    public IClock Clock { get; init; } = SystemClock.Instance;
}

/// <summary>JWT bearer validation: tokens signed by an identity provider with a shared key, for people who exist as local users.</summary>
/// <param name="Issuer">The expected issuer.</param>
/// <param name="Audience">The expected audience.</param>
/// <param name="SigningKey">The HMAC-SHA256 key (from a file, never the command line).</param>
public sealed record JwtOptions(string Issuer, string Audience, byte[] SigningKey);
