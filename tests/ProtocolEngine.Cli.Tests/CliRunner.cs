namespace ProtocolEngine.Cli.Tests;

/// <summary>
/// Runs the command line in-process and captures what it prints. Each run has its own writers (commands write to the
/// <see cref="CliConsole"/> they are given, never to the process-wide Console), so tests run in parallel.
/// </summary>
public static class CliRunner
{
    /// <summary>Runs with a console 160 columns wide (what a file or pipe gets).</summary>
    public static (int ExitCode, string Out, string Error) Run(params string[] args) => RunAt(160, args);

    /// <summary>Runs with a console of <paramref name="width"/> columns.</summary>
    public static (int ExitCode, string Out, string Error) RunAt(int width, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, new CliConsole(output, error, width));
        return (code, output.ToString(), error.ToString());
    }

    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) return dir.FullName;
            throw new InvalidOperationException("Cannot find the repository root.");
        }
    }
}
