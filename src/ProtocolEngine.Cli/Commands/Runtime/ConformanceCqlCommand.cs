using System.Globalization;
using ProtocolEngine.Runtime.Conformance;

namespace ProtocolEngine.Cli.Commands.Runtime;

/// <summary><c>protocol conformance cql</c>: runs HL7 CQL conformance test files through the compiler and runtime.</summary>
[Description("Run CQL conformance tests (HL7 XML format) through the real compiler and runtime and report the pass rate.")]
[ExitCode(CliApp.Success, "the tests ran (and the pass rate reached --min-pass)")]
[ExitCode(CliApp.Findings, "the pass rate is below --min-pass")]
internal sealed class ConformanceCqlCommand(CliConsole console) : Command<ConformanceCqlCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<folder>")]
        [Description("A folder of conformance test files (*.xml).")]
        public string Folder { get; init; } = "";

        [CommandOption("--min-pass <PERCENT>")]
        [Description("Exit with code 1 when fewer than this percentage of tests pass (skipped tests count as not passed).")]
        public double? MinPass { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("text (default: per-file lines and a total) or json (every test with expected and actual).")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        [CommandOption("--failures")]
        [Description("In text format, also list each failed test with its expected and actual result.")]
        public bool ShowFailures { get; init; }

        public override ValidationResult Validate() =>
            MinPass is < 0 or > 100 ? ValidationResult.Error("--min-pass is a percentage from 0 to 100.") : OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ConformanceReport report;
        try { report = ConformanceReport.RunFolder(settings.Folder, new CqlConformanceRunner()); }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or FormatException) { throw new UserFacingException(e.Message); }
        if (settings.Format == OutputFormats.Json) report.WriteJson(console.Text);
        else report.WriteText(console.Text, settings.ShowFailures);
        if (settings.MinPass is not double min || report.PassRate >= min) return CliApp.Success;
        console.Error.WriteLine($"Pass rate {report.PassRate.ToString("F1", CultureInfo.InvariantCulture)}% is below the minimum {min.ToString(CultureInfo.InvariantCulture)}%.");
        return CliApp.Findings;
    }
}
