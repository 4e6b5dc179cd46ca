using System.ComponentModel;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Cli.Commands.Language;

/// <summary><c>protocol check</c>: compiles protocol files and reports every problem with its code and position.</summary>
[Description("Check protocol files for errors: syntax, names, types, units and workflows.")]
[ExitCode(CliApp.Success, "no protocol has errors (warnings allowed)")]
[ExitCode(CliApp.Findings, "a protocol has errors")]
internal sealed class CheckCommand(CliConsole console) : Command<CheckCommand.Settings>
{
    public sealed class Settings : ProtocolFilesSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("text (default: each problem with its line, for people), json (for programs) or sarif (SARIF 2.1.0, for CI annotations).")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        [CommandOption("--verify")]
        [Description("Also verify each protocol without errors with the z3 solver (protocol verify): contradictions are errors; redundant criteria, workflow findings and what was not verified are warnings.")]
        public bool Verify { get; init; }

        public override ValidationResult Validate() => OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json, OutputFormats.Sarif);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var files = settings.Files();
        // Every command loads protocols through the one loader, so what check reports (import cycles, duplicate ids) is
        // what screen and the others refuse.
        var diagnostics = ProtocolLoader.Shipped.Check(files);
        if (settings.Verify) diagnostics = [.. diagnostics, .. Verification.VerifyCommand.Diagnostics(files, diagnostics)];

        switch (settings.Format)
        {
            case "json":
                console.Text.WriteLine(DiagnosticRenderer.ToJson(diagnostics));
                break;
            case "sarif":
                console.Text.WriteLine(DiagnosticRenderer.ToSarif(diagnostics, CliApp.Version, files));
                break;
            default:
                foreach (var d in diagnostics) console.Text.Write(DiagnosticRenderer.ToText(d));
                int errors = diagnostics.Count(d => d.IsError), warnings = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
                console.Text.WriteLine($"Checked {files.Count} file{(files.Count == 1 ? "" : "s")}: {errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}.");
                break;
        }
        return diagnostics.Any(d => d.IsError) ? CliApp.Findings : CliApp.Success;
    }
}
