using System.ComponentModel;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Runtime.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Language;

/// <summary><c>protocol check</c>: compiles protocol files and reports every problem with its code and position.</summary>
[Description("Check protocol files for errors: syntax, names, types, units and workflows. Exit code 0 when there are no errors, 1 when there are, 2 when a file cannot be read.")]
internal sealed class CheckCommand : Command<CheckCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<paths>")]
        [Description("Protocol files or folders (folders are searched for *.protocol files).")]
        public string[] Paths { get; init; } = [];

        [CommandOption("--format <FORMAT>")]
        [Description("Output format: text (default), json, or sarif (SARIF 2.1.0 for CI annotations).")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        public override ValidationResult Validate() =>
            Format is "text" or "json" or "sarif" ? ValidationResult.Success() : ValidationResult.Error($"Unknown format '{Format}'; use text, json or sarif.");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (files, missing) = ProtocolFiles.Expand(settings.Paths);
        foreach (var m in missing) Console.Error.WriteLine($"error: no such file or folder: {m}");
        if (missing.Count > 0) return CliApp.Failure;
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"error: no .protocol files found in {string.Join(", ", settings.Paths)}");
            return CliApp.Failure;
        }

        var diagnostics = ProtocolLoader.Shipped.Check(files);

        switch (settings.Format)
        {
            case "json":
                Console.Out.WriteLine(DiagnosticRenderer.ToJson(diagnostics));
                break;
            case "sarif":
                Console.Out.WriteLine(DiagnosticRenderer.ToSarif(diagnostics, CliApp.Version, files));
                break;
            default:
                foreach (var d in diagnostics) Console.Out.Write(DiagnosticRenderer.ToText(d));
                int errors = diagnostics.Count(d => d.IsError), warnings = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
                Console.Out.WriteLine($"Checked {files.Count} file{(files.Count == 1 ? "" : "s")}: {errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}.");
                break;
        }
        return diagnostics.Any(d => d.IsError) ? CliApp.Findings : CliApp.Success;
    }
}
