using Spectre.Console;

namespace ProtocolEngine.Cli;

/// <summary>
/// Where a command writes. Results go to standard output: <see cref="Out"/> for people (tables, prose) and
/// <see cref="Text"/> for programs (JSON, CSV, SARIF), so a pipe receives nothing else. Progress, notes, warnings
/// and errors go to standard error (<see cref="Status"/>, <see cref="Error"/>). Commands get this object instead of
/// the process-wide <see cref="Console"/>, so tests run commands in parallel, each with its own writers.
/// </summary>
public sealed class CliConsole
{
    private readonly bool _progress;

    /// <summary>Creates a console over two writers (tests, hosts that capture the output).</summary>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="width">The line width tables and prose are laid out for.</param>
    /// <param name="progress">Whether progress bars are drawn (on standard error; only a terminal wants them).</param>
    /// <param name="ansi">Whether colours and cursor movements are written.</param>
    public CliConsole(TextWriter output, TextWriter error, int width = 120, bool progress = false, bool ansi = false)
        : this(Create(output, width, ansi, progress), Create(error, width, ansi, progress), output, error, progress)
    {
    }

    private CliConsole(IAnsiConsole output, IAnsiConsole status, TextWriter text, TextWriter error, bool progress)
    {
        Out = output;
        Status = status;
        Text = text;
        Error = error;
        _progress = progress;
    }

    /// <summary>The process's own streams: tables as wide as the terminal (160 columns into a file or pipe), progress only on a terminal.</summary>
    public static CliConsole FromProcess()
    {
        var output = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (!output.Profile.Out.IsTerminal) output.Profile.Width = Math.Max(output.Profile.Width, 160);
        var status = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return new CliConsole(output, status, Console.Out, Console.Error, status.Profile.Out.IsTerminal && status.Profile.Capabilities.Interactive);
    }

    /// <summary>Standard output for people: tables, markup, prose.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Standard output as text, for machine-readable results.</summary>
    public TextWriter Text { get; }

    /// <summary>Standard error for people: progress, notes, warnings.</summary>
    public IAnsiConsole Status { get; }

    /// <summary>Standard error as text: the one-line errors.</summary>
    public TextWriter Error { get; }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar on standard error (only on a terminal). The bar is removed
    /// when the work ends, whether it finished, failed or was cancelled, so nothing stays behind at 94%.
    /// </summary>
    /// <param name="description">What is being done (plain text).</param>
    /// <param name="work">The work; it reports (done, total) as it goes, total null when unchanged.</param>
    public T Progress<T>(string description, Func<Action<double, double?>, T> work)
    {
        if (!_progress) return work(static (_, _) => { });
        T result = default!;
        NewProgress().Start(ctx => result = work(Reporter(ctx.AddTask(Markup.Escape(description), maxValue: 1), description)));
        return result;
    }

    /// <summary>The asynchronous form of <see cref="Progress{T}"/>.</summary>
    public async Task<T> ProgressAsync<T>(string description, Func<Action<double, double?>, Task<T>> work)
    {
        if (!_progress) return await work(static (_, _) => { });
        T result = default!;
        await NewProgress().StartAsync(async ctx => result = await work(Reporter(ctx.AddTask(Markup.Escape(description), maxValue: 1), description)));
        return result;
    }

    private Spectre.Console.Progress NewProgress() =>
        Status.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn());

    // Work that knows its total moves the bar; work that only counts (total always null) shows the count instead.
    private static Action<double, double?> Reporter(ProgressTask task, string description)
    {
        bool counted = true;
        return (done, total) =>
        {
            if (total is double t)
            {
                counted = false;
                task.IsIndeterminate = false;
                task.MaxValue = Math.Max(1, t);
                task.Value = Math.Min(done, task.MaxValue);
            }
            else if (counted)
            {
                task.IsIndeterminate = true;
                task.Description = Markup.Escape($"{description} ({done:N0})");
            }
            else task.Value = Math.Min(done, task.MaxValue);
        };
    }

    private static IAnsiConsole Create(TextWriter writer, int width, bool ansi, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = width;
        return console;
    }
}
