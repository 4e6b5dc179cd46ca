using ProtocolEngine.Server;
using ProtocolEngine.Server.Hosting;

namespace ProtocolEngine.Cli.Commands.Server;

/// <summary><c>protocol serve</c>: the API that people and systems work through, until Ctrl-C.</summary>
[Description("Run the server: the REST API (OpenAPI page at /scalar), sign-in, roles per study, electronic signatures, the workflow and event workers. "
    + "Data go to a SQLite file in --data-dir, or to PostgreSQL (--pg-env / --pg-file; never a password on the command line).")]
[ExitCode(CliApp.Success, "the server was stopped by Ctrl-C or SIGTERM after serving")]
internal sealed class ServeCommand(CliConsole console) : AsyncCommand<ServeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data-dir <DIR>")]
        [Description("The data folder: the SQLite database (the default store), uploaded study data, session keys. Created when missing.")]
        [DefaultValue("protocol-data")]
        public string DataDir { get; init; } = "protocol-data";

        [CommandOption("--urls <URLS>")]
        [Description("Where to listen, semicolon-separated (loopback by default; put a TLS proxy in front for other hosts).")]
        [DefaultValue("http://127.0.0.1:5080")]
        public string Urls { get; init; } = "http://127.0.0.1:5080";

        [CommandOption("--pg-env <NAME>")]
        [Description("Keep everything in PostgreSQL: the environment variable NAME holds the connection string (Host=...;Database=...;Username=...;Password=...).")]
        public string? PgEnv { get; init; }

        [CommandOption("--pg-file <PATH>")]
        [Description("Keep everything in PostgreSQL: the file PATH holds the connection string (readable by the server's user only).")]
        public string? PgFile { get; init; }

        [CommandOption("--demo")]
        [Description("Seed an empty server: the shipped protocols published, the pilot study (when ../shared/data is there) and --synthetic registered, one user per role with printed throwaway passwords.")]
        public bool Demo { get; init; }

        [CommandOption("--protocols <DIR>")]
        [Description("With --demo: the protocols to publish.")]
        [DefaultValue("protocols")]
        public string Protocols { get; init; } = "protocols";

        [CommandOption("--pilot-data <DIR>")]
        [Description("With --demo: the pilot study's SDTM folder.")]
        [DefaultValue("../shared/data/sdtm/cdiscpilot01")]
        public string PilotData { get; init; } = "../shared/data/sdtm/cdiscpilot01";

        [CommandOption("--synthetic <DIR>")]
        [Description("With --demo: a synthetic population folder to register as a second study (protocol demo makes one).")]
        public string? Synthetic { get; init; }

        [CommandOption("--idle-timeout <MINUTES>")]
        [Description("A browser session ends after this many minutes without a request.")]
        [DefaultValue(30)]
        public int IdleTimeout { get; init; } = 30;

        [CommandOption("--jwt-issuer <ISSUER>")]
        [Description("Accept JWT bearer tokens from this issuer (with --jwt-audience and --jwt-key-file); their users must exist here.")]
        public string? JwtIssuer { get; init; }

        [CommandOption("--jwt-audience <AUDIENCE>")]
        [Description("The audience JWTs must name.")]
        public string? JwtAudience { get; init; }

        [CommandOption("--jwt-key-file <PATH>")]
        [Description("A file holding the HMAC-SHA256 key JWTs are signed with (at least 32 bytes).")]
        public string? JwtKeyFile { get; init; }

        [CommandOption("--static <DIR>")]
        [Description("The web app's built files, served at / when the folder exists.")]
        [DefaultValue("designer/dist")]
        public string Static { get; init; } = "designer/dist";

        [CommandOption("--log-format <FORMAT>")]
        [Description("Console logs: text (default: for people) or json (for log collectors); every line carries the request's correlation id.")]
        [DefaultValue("text")]
        public string LogFormat { get; init; } = "text";

        public override Spectre.Console.ValidationResult Validate()
        {
            if (IdleTimeout is < 1 or > 24 * 60) return Spectre.Console.ValidationResult.Error("--idle-timeout is 1 to 1,440 minutes.");
            if (OutputFormats.Check(LogFormat, OutputFormats.Text, OutputFormats.Json) is { Successful: false } badFormat) return badFormat;
            int jwt = new[] { JwtIssuer, JwtAudience, JwtKeyFile }.Count(x => x is not null);
            if (jwt is not (0 or 3)) return Spectre.Console.ValidationResult.Error("JWT validation needs all of --jwt-issuer, --jwt-audience and --jwt-key-file.");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ServerOptions options;
        try
        {
            options = Options(settings);
        }
        catch (ServerStartupException ex)
        {
            throw new UserFacingException(ex.Message);
        }
        return await ServerHost.RunAsync(options, console.Text, cancellationToken, console.Error);
    }

    /// <summary>The server's settings from the command's options (the connection string from its variable or file).</summary>
    public static ServerOptions Options(Settings s)
    {
        JwtOptions? jwt = null;
        if (s.JwtKeyFile is { } keyFile)
        {
            if (!File.Exists(keyFile)) throw new ServerStartupException($"--jwt-key-file {keyFile}: no such file.");
            var key = File.ReadAllBytes(keyFile);
            if (key.Length < 32) throw new ServerStartupException($"--jwt-key-file {keyFile}: the key has {key.Length} bytes; HMAC-SHA256 needs at least 32.");
            jwt = new JwtOptions(s.JwtIssuer!, s.JwtAudience!, key);
        }
        return new ServerOptions
        {
            DataDir = s.DataDir,
            Urls = s.Urls,
            Postgres = DatabaseSettings.Postgres(s.PgEnv, s.PgFile),
            Demo = s.Demo,
            DemoProtocols = s.Protocols,
            DemoPilotData = s.PilotData,
            DemoSyntheticData = s.Synthetic,
            IdleTimeout = TimeSpan.FromMinutes(s.IdleTimeout),
            Jwt = jwt,
            StaticRoot = s.Static,
            LogFormat = s.LogFormat == OutputFormats.Json ? "json" : "simple",
        };
    }
}
