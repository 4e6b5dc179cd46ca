using System.ComponentModel;
using System.Reflection;
using System.Text;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Hosting;

/// <summary>
/// docs/cli.md, made from the command definitions: every command with its description, arguments and options
/// (from the settings' attributes), exit codes (from <see cref="ExitCodeAttribute"/>) and examples. A test keeps
/// the file equal to this text.
/// </summary>
public static class CliReference
{
    /// <summary>The document for the registered commands.</summary>
    public static string Markdown(CommandCatalog catalog)
    {
        var sb = new StringBuilder();
        sb.Append("# The `protocol` command line\n\n");
        sb.Append("Generated from the command definitions (src/ProtocolEngine.Cli) by `CliReferenceTests`; ");
        sb.Append("`PROTOCOLENGINE_UPDATE_BASELINES=1 dotnet test tests/ProtocolEngine.Cli.Tests --filter CliReference` rewrites it. ");
        sb.Append("`protocol COMMAND --help` shows the same.\n\n");
        sb.Append("## What every command does the same way\n\n");
        foreach (var line in Conventions) sb.Append("- ").Append(line).Append('\n');
        sb.Append("\n## Commands\n\n| command | what it does |\n|---|---|\n");
        foreach (var c in catalog.Commands.Where(c => !c.Hidden))
            sb.Append($"| [`protocol {c.Path}`](#{Anchor(c.Path)}) | {Cell(FirstSentence(DescriptionOf(c)))} |\n");
        foreach (var c in catalog.Commands.Where(c => !c.Hidden)) Command(sb, c);
        return sb.ToString();
    }

    /// <summary>The rules every command follows, as the document states them.</summary>
    public static IReadOnlyList<string> Conventions { get; } =
    [
        "Results go to standard output; progress bars, notes, warnings and errors go to standard error, so `protocol screen ... --format json > result.json` holds only the JSON.",
        "`--format` takes the same words in every command: `text` (the default: tables and prose for people), `json` (for programs), and where a command offers them `csv` (one row per record) and `sarif` (CI annotations).",
        "Options that write name a file (`<FILE>`) or a folder (`<FOLDER>`). They are checked before any work starts: a missing parent folder, a device, a pipe, a link or a folder where a file is expected is refused with exit code 2. A failed or cancelled command leaves nothing half-written.",
        "Progress bars appear only when standard error is a terminal, and are removed when the work ends, finished, failed or cancelled.",
        "Tables fit the terminal: when the columns do not fit its width (each at least its longest word), each row is printed as a block instead: a title line, then one `column  value` line each.",
        "`protocol` with no arguments prints the help and exits 2; `protocol COMMAND --help` describes a command.",
        "Exit codes: 0 success, 1 findings (each command says which), 2 wrong usage or a failure to run (one line on standard error names the file and the place), 130 cancelled.",
    ];

    private static void Command(StringBuilder sb, CommandEntry c)
    {
        sb.Append($"\n## protocol {c.Path}\n\n{DescriptionOf(c)}\n\n");
        var parameters = Parameters(c.Type).ToList();
        var arguments = parameters.Where(p => p.Argument is not null).OrderBy(p => p.Argument!.Position).ToList();
        var usage = string.Concat(arguments.Select(a => " " + (a.Argument!.IsRequired ? $"<{a.Argument.ValueName}>" : $"[{a.Argument.ValueName}]")));
        sb.Append($"Usage: `protocol {c.Path}{usage}{(parameters.Any(p => p.Option is not null) ? " [OPTIONS]" : "")}`\n\n");
        if (parameters.Count > 0)
        {
            sb.Append("| argument or option | default | description |\n|---|---|---|\n");
            foreach (var p in arguments.Concat(parameters.Where(p => p.Option is not null)))
                sb.Append($"| `{Name(p)}` | {(p.Default is { } d ? $"`{d}`" : "")} | {Cell(p.Description)} |\n");
            sb.Append('\n');
        }
        sb.Append("| exit code | meaning |\n|---|---|\n");
        foreach (var code in ExitCodeAttribute.Of(c.Type)) sb.Append($"| {code.Code} | {Cell(code.Meaning)} |\n");
        if (c.Examples.Count == 0) return;
        sb.Append("\nExamples:\n\n```\n");
        foreach (var e in c.Examples) sb.Append("protocol ").Append(string.Join(' ', e.Select(Quote))).Append('\n');
        sb.Append("```\n");
    }

    /// <summary>The description of a command: the one given at registration, or the class's [Description].</summary>
    public static string DescriptionOf(CommandEntry c) =>
        c.Description ?? c.Type.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";

    /// <summary>The arguments and options of a command, base settings first, each in declaration order.</summary>
    public static IEnumerable<CommandParameter> Parameters(Type command)
    {
        var settings = SettingsType(command);
        var chain = new List<Type>();
        for (var t = settings; t is not null && t != typeof(CommandSettings); t = t.BaseType) chain.Add(t);
        chain.Reverse();
        foreach (var type in chain)
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).OrderBy(p => p.MetadataToken))
            {
                var argument = property.GetCustomAttribute<CommandArgumentAttribute>();
                var option = property.GetCustomAttribute<CommandOptionAttribute>();
                if (argument is null && (option is null || option.IsHidden)) continue;
                yield return new CommandParameter(property, argument, option,
                    property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "",
                    property.GetCustomAttribute<DefaultValueAttribute>()?.Value is { } v ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null);
            }
    }

    /// <summary>The settings class of a command class.</summary>
    public static Type SettingsType(Type command)
    {
        for (var t = command; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericArguments() is [var settings] && typeof(CommandSettings).IsAssignableFrom(settings)) return settings;
        throw new ArgumentException($"{command.Name} is not a command with settings.", nameof(command));
    }

    private static string Name(CommandParameter p) =>
        p.Argument is { } a ? (a.IsRequired ? $"<{a.ValueName}>" : $"[{a.ValueName}]")
        : string.Join(", ", p.Option!.ShortNames.Select(s => "-" + s).Concat(p.Option.LongNames.Select(l => "--" + l)))
          + (p.Option.ValueName is { } v ? $" <{v}>" : "");

    private static string FirstSentence(string text)
    {
        int end = text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text : text[..(end + 1)];
    }

    private static string Anchor(string path) => "protocol-" + path.Replace(' ', '-');

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Quote(string arg) => arg.Contains(' ', StringComparison.Ordinal) ? $"\"{arg}\"" : arg;
}

/// <summary>An argument or option of a command.</summary>
/// <param name="Property">The settings property.</param>
/// <param name="Argument">Its argument attribute, when it is an argument.</param>
/// <param name="Option">Its option attribute, when it is an option.</param>
/// <param name="Description">Its description.</param>
/// <param name="Default">Its default value as text, or null.</param>
public sealed record CommandParameter(PropertyInfo Property, CommandArgumentAttribute? Argument, CommandOptionAttribute? Option, string Description, string? Default);
