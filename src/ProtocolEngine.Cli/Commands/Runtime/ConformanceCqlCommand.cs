using ProtocolEngine.Runtime.Conformance;

namespace ProtocolEngine.Cli.Commands.Runtime;

/// <summary><c>protocol conformance cql</c>: runs HL7 CQL conformance test files through the compiler and runtime.</summary>
[Description("Run CQL conformance tests (HL7 XML format) through the real compiler and runtime and report the pass rate.")]
[ExitCode(CliApp.Success, "the tests ran (and the pass rate reached --min-pass)")]
[ExitCode(CliApp.Findings, "the pass rate is below --min-pass")]
internal sealed class ConformanceCqlCommand(CliConsole console) : Command<ConformanceCqlCommand.Settings>
{
    public sealed class Settings : ConformanceSettings
    {
        [CommandArgument(0, "<folder>")]
        [Description("A folder of conformance test files (*.xml).")]
        public string Folder { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ConformanceReport report;
        try { report = ConformanceReport.RunFolder(settings.Folder, new CqlConformanceRunner()); }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or FormatException) { throw new UserFacingException(e.Message); }
        if (settings.Format == OutputFormats.Json) report.WriteJson(console.Text);
        else report.WriteText(console.Text, settings.ShowFailures);
        return settings.ExitCode(report.PassRate, console);
    }
}
