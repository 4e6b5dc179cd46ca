using System.Runtime.InteropServices;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Storage.Connections;

namespace ProtocolEngine.Cli;

/// <summary>
/// The `protocol` command line. Each command is a short host: it parses its options, calls a library and renders
/// the result on the <see cref="CliConsole"/> it is given. Exit codes: 0 success, 1 findings (each command's
/// <see cref="ExitCodeAttribute"/>s say which), 2 usage or I/O failure, 130 cancelled.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code: success.</summary>
    public const int Success = 0;
    /// <summary>Exit code: the command ran and found problems.</summary>
    public const int Findings = 1;
    /// <summary>Exit code: wrong usage, a missing or unreadable file, or another failure to run.</summary>
    public const int Failure = 2;
    /// <summary>Exit code: stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it); nothing half-written is left.</summary>
    public const int Cancelled = 130;

    /// <summary>
    /// The error for an output file that cannot be written safely (a device, pipe, folder or link, or a missing folder;
    /// null when it can, or no file is asked for), checked before the work starts so that a long run does not fail
    /// only when it writes.
    /// </summary>
    /// <param name="path">The output file, or null.</param>
    /// <param name="option">The option that named it, for the message.</param>
    public static string? OutputFileProblem(string? path, string option) => path is null ? null : OutputFiles.FileProblem(path, option);

    /// <summary>The same for an output folder (created when missing); <paramref name="files"/> are the names written into it.</summary>
    public static string? OutputFolderProblem(string? path, string option, params string[] files)
    {
        if (path is null) return null;
        if (OutputFiles.FolderProblem(path, option) is { } problem) return problem;
        return Directory.Exists(path) ? files.Select(f => OutputFiles.FileProblem(Path.Combine(path, f), option)).FirstOrDefault(p => p is not null) : null;
    }

    /// <summary>The product version.</summary>
    public static string Version => typeof(CliApp).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";

    /// <summary>Every command as registered, for the help's exit codes and docs/cli.md.</summary>
    public static CommandCatalog Catalog()
    {
        var catalog = new CommandCatalog();
        new CommandApp().Configure(config => CommandRegistry.Register(new RecordingConfigurator(config, catalog)));
        return catalog;
    }

    /// <summary>Runs the command line and returns its exit code. Never throws.</summary>
    /// <param name="args">The arguments after <c>protocol</c>.</param>
    /// <param name="console">Where to write (default: the process's standard output and error).</param>
    public static int Run(string[] args, CliConsole? console = null)
    {
        console ??= CliConsole.FromProcess();
        var app = new CommandApp();
        app.Configure(config =>
        {
            var catalog = new CommandCatalog();
            config.SetApplicationName("protocol");
            config.SetApplicationVersion(Version);
            // With no arguments the help is the answer to a usage mistake: it goes to standard error.
            config.ConfigureConsole(args.Length == 0 ? console.Status : console.Out);
            config.Settings.Registrar.RegisterInstance(console);
            config.SetHelpProvider(new CliHelpProvider(config.Settings, catalog));
            config.SetExceptionHandler((ex, _) => ReportFailure(ex, console));
            config.Settings.StrictParsing = true;
            CommandRegistry.Register(new RecordingConfigurator(config, catalog));
        });
        // Ctrl-C and SIGTERM cancel the command, which then removes what it had half-written; a second Ctrl-C ends the process at once.
        using var cancellation = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Cancel(c, cancellation));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Cancel(c, cancellation));
        try
        {
            if (args.Length == 0)
            {
                app.Run(["--help"], cancellation.Token);
                return Failure;
            }
            return app.Run(args, cancellation.Token);
        }
        catch (Exception ex)
        {
            return ReportFailure(ex, console);
        }
    }

    private static void Cancel(PosixSignalContext context, CancellationTokenSource cancellation)
    {
        if (cancellation.IsCancellationRequested) return;
        context.Cancel = true;
        cancellation.Cancel();
    }

    private static int ReportFailure(Exception ex, CliConsole console)
    {
        // Usage mistakes and I/O failures are the user's to fix: say what went wrong, never a stack trace.
        if (ex is OperationCanceledException || ex.InnerException is OperationCanceledException)
        {
            console.Error.WriteLine("error: cancelled; nothing half-written was left behind.");
            return Cancelled;
        }
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
        // A password read from --pg-env or --pg-file never reaches the screen, whatever echoed it.
        console.Error.WriteLine(ConnectionSettings.MaskSecrets($"error: {message}"));
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_DEBUG") == "1") console.Error.WriteLine(ConnectionSettings.MaskSecrets(ex.ToString()));
        return Failure;
    }
}

/// <summary>An error whose message is meant for the user as is (a bad option value, an unreadable input).</summary>
public sealed class UserFacingException(string message) : Exception(message);
