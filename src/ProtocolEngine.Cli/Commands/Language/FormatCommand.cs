using ProtocolEngine.Language.Rendering;
using ProtocolEngine.LanguageService.Formatting;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Cli.Commands.Language;

/// <summary><c>protocol format</c>: rewrites protocol files in the one canonical layout (or, with --check, lists those that would change).</summary>
[Description("Format protocol files in the one canonical layout (indentation, spacing, line breaks of long rules, aligned tables and columns; comments stay). With --check nothing is written: the files that would change are listed.")]
[ExitCode(CliApp.Success, "every file is formatted (with --check: none would change)")]
[ExitCode(CliApp.Findings, "with --check, a file would change; or a file has syntax errors and was left as it is")]
internal sealed class FormatCommand(CliConsole console) : Command<FormatCommand.Settings>
{
    public sealed class Settings : ProtocolFilesSettings
    {
        [CommandOption("--check")]
        [Description("Write nothing; list the files that are not formatted and exit 1 if there are any (for CI).")]
        public bool Check { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var files = settings.Files();
        int changed = 0, failed = 0;
        foreach (var file in files)
        {
            var source = ProtocolFiles.Read(file);
            var result = ProtocolFormatter.Format(source.Text);
            if (!result.Succeeded)
            {
                // A text the parser cannot read is never reformatted: its syntax errors are the user's to fix first.
                foreach (var d in result.Errors) console.Error.Write(DiagnosticRenderer.ToText(d with { Source = source }));
                failed++;
                continue;
            }
            if (result.Text == source.Text) continue;
            changed++;
            if (settings.Check) console.Text.WriteLine(file);
            else OutputFiles.WriteText(file, w => w.Write(result.Text), cancellationToken);
        }
        var verb = settings.Check ? "would change" : "formatted";
        console.Text.WriteLine($"{files.Count} file{(files.Count == 1 ? "" : "s")}: {changed} {verb}{(failed > 0 ? $", {failed} not formatted (syntax errors)" : "")}.");
        return failed > 0 || settings.Check && changed > 0 ? CliApp.Findings : CliApp.Success;
    }
}
