namespace ProtocolEngine.Cli.Tests;

/// <summary>Runs the command line in-process and captures what it prints. Console is process-wide, so CLI tests never run in parallel.</summary>
public static class CliRunner
{
    private static readonly object Gate = new();

    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        lock (Gate)
        {
            var originalOut = Console.Out;
            var originalError = Console.Error;
            var output = new StringWriter();
            var error = new StringWriter();
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                int code = CliApp.Run(args, Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
                {
                    Out = new Spectre.Console.AnsiConsoleOutput(output),
                    Ansi = Spectre.Console.AnsiSupport.No,
                    ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
                }));
                return (code, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(originalOut);
                Console.SetError(originalError);
            }
        }
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
