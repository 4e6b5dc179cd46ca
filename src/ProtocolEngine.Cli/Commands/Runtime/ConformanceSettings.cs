using System.Globalization;

namespace ProtocolEngine.Cli.Commands.Runtime;

/// <summary>The options every conformance suite takes (after its folder): the minimum pass rate, the format, the failures.</summary>
internal class ConformanceSettings : CommandSettings
{
    [CommandOption("--min-pass <PERCENT>")]
    [Description("Exit with code 1 when fewer than this percentage of the tests pass (skipped tests count as not passing).")]
    public double? MinPass { get; init; }

    [CommandOption("--format <FORMAT>")]
    [Description("text (default: a line per file or family, then the total) or json (every test with what was expected and what came out).")]
    [DefaultValue("text")]
    public string Format { get; init; } = "text";

    [CommandOption("--failures")]
    [Description("In text format, also list each test that did not pass, with why.")]
    public bool ShowFailures { get; init; }

    public override ValidationResult Validate() =>
        MinPass is < 0 or > 100 ? ValidationResult.Error("--min-pass is a percentage from 0 to 100.") : OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json);

    /// <summary>The exit code for a suite's pass rate: 1, said on standard error, when it is below --min-pass.</summary>
    public int ExitCode(double rate, CliConsole console)
    {
        if (MinPass is not double min || rate >= min) return CliApp.Success;
        console.Error.WriteLine($"Pass rate {rate.ToString("F1", CultureInfo.InvariantCulture)}% is below the minimum {min.ToString(CultureInfo.InvariantCulture)}%.");
        return CliApp.Findings;
    }
}
