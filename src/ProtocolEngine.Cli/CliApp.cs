using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli;

/// <summary>
/// The `protocol` command line. Each command is a short host: it calls the libraries, writes the output and
/// returns an exit code. Exit codes: 0 success, 1 findings (errors in a protocol, ineligible checks failed,
/// a pass rate below its minimum), 2 usage or I/O failure.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code: success.</summary>
    public const int Success = 0;
    /// <summary>Exit code: the command ran and found problems.</summary>
    public const int Findings = 1;
    /// <summary>Exit code: wrong usage, a missing or unreadable file, or another failure to run.</summary>
    public const int Failure = 2;

    /// <summary>
    /// The error for an output file whose folder does not exist (null when it does, or no file is asked for), checked
    /// before the work starts so that a long run does not fail only when it writes.
    /// </summary>
    /// <param name="path">The output file, or null.</param>
    /// <param name="option">The option that named it, for the message.</param>
    public static string? MissingOutputFolder(string? path, string option)
    {
        if (path is null) return null;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is null || Directory.Exists(folder) ? null : $"{option} {path}: the folder {folder} does not exist.";
    }

    /// <summary>The product version.</summary>
    public static string Version => typeof(CliApp).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";

    /// <summary>Runs the command line and returns its exit code. Never throws.</summary>
    public static int Run(string[] args, IAnsiConsole? console = null)
    {
        // Output to a file or pipe gets lines wide enough for tables rather than Spectre's 80-column default.
        var effective = console ?? AnsiConsole.Console;
        if (!effective.Profile.Out.IsTerminal) effective.Profile.Width = Math.Max(effective.Profile.Width, 160);
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("protocol");
            config.SetApplicationVersion(Version);
            if (console is not null) config.ConfigureConsole(console);
            config.SetExceptionHandler((ex, _) => ReportFailure(ex, console ?? AnsiConsole.Console));
            config.Settings.StrictParsing = true;
            CommandRegistry.Register(config);
        });
        try
        {
            return app.Run(args);
        }
        catch (Exception ex)
        {
            return ReportFailure(ex, console ?? AnsiConsole.Console);
        }
    }

    private static int ReportFailure(Exception ex, IAnsiConsole console)
    {
        // Usage mistakes and I/O failures are the user's to fix: say what went wrong, never a stack trace.
        var message = ex switch
        {
            CommandParseException or CommandRuntimeException => ex.Message,
            UserFacingException => ex.Message,
            FileNotFoundException f => $"File not found: {f.FileName ?? f.Message}",
            DirectoryNotFoundException d => d.Message,
            UnauthorizedAccessException u => u.Message,
            IOException io => io.Message,
            _ => $"Internal error ({ex.GetType().Name}): {ex.Message}. This is a bug in ProtocolEngine; please report it with the command you ran.",
        };
        Console.Error.WriteLine($"error: {message}");
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_DEBUG") == "1") Console.Error.WriteLine(ex);
        return Failure;
    }
}

/// <summary>An error whose message is meant for the user as is (a bad option value, an unreadable input).</summary>
public sealed class UserFacingException(string message) : Exception(message);
