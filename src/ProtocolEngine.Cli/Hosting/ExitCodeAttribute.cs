namespace ProtocolEngine.Cli.Hosting;

/// <summary>
/// What an exit code of a command means. Every command declares 0 and each code of its own (1 for findings);
/// 2 (usage or failure to run) and 130 (cancelled) hold for every command. The help (<c>--help</c>) and
/// docs/cli.md show them from here.
/// </summary>
/// <param name="code">The exit code.</param>
/// <param name="meaning">When the command returns it, as a sentence fragment ("no protocol has errors").</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ExitCodeAttribute(int code, string meaning) : Attribute
{
    /// <summary>The exit code.</summary>
    public int Code { get; } = code;

    /// <summary>When the command returns it.</summary>
    public string Meaning { get; } = meaning;

    /// <summary>The codes every command shares, after its own.</summary>
    public static IReadOnlyList<ExitCodeAttribute> Common { get; } =
    [
        new(CliApp.Failure, "wrong usage, or an input that cannot be read, or another failure to run (one line on standard error says which; nothing half-written is left)"),
        new(CliApp.Cancelled, "cancelled by Ctrl-C or SIGTERM (nothing half-written is left)"),
    ];

    /// <summary>Every exit code of a command: its own, then the common ones.</summary>
    public static IReadOnlyList<ExitCodeAttribute> Of(Type command) =>
        [.. command.GetCustomAttributes(typeof(ExitCodeAttribute), false).Cast<ExitCodeAttribute>().OrderBy(a => a.Code), .. Common];
}
