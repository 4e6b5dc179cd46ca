using System.ComponentModel;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ProtocolEngine.Runtime.Conformance;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Runtime;

/// <summary><c>protocol conformance cql</c>: runs HL7 CQL conformance test files through the compiler and runtime.</summary>
[Description("Run CQL conformance tests (HL7 XML format) through the real compiler and runtime and report the pass rate.")]
internal sealed class ConformanceCqlCommand : Command<ConformanceCqlCommand.Settings>
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

        public override ValidationResult Validate()
        {
            if (Format is not ("text" or "json")) return ValidationResult.Error($"Unknown format '{Format}'; use text or json.");
            if (MinPass is < 0 or > 100) return ValidationResult.Error("--min-pass is a percentage from 0 to 100.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(settings.Folder)) throw new UserFacingException($"No such folder: {settings.Folder}");
        var files = CqlConformanceRunner.FindFiles(settings.Folder);
        if (files.Count == 0) throw new UserFacingException($"No conformance test files (*.xml) in {settings.Folder}");

        var runner = new CqlConformanceRunner();
        var results = new List<ConformanceTestResult>();
        foreach (var file in files)
        {
            try
            {
                results.AddRange(runner.RunFile(file));
            }
            catch (System.Xml.XmlException e)
            {
                throw new UserFacingException($"{file}: not a readable conformance file: {e.Message}");
            }
        }

        int passed = results.Count(r => r.Outcome == ConformanceOutcome.Passed);
        double rate = results.Count == 0 ? 0 : 100.0 * passed / results.Count;
        if (settings.Format == "json")
        {
            var json = JsonSerializer.Serialize(results.Select(r => new
            {
                file = r.File, group = r.Group, name = r.Name, outcome = r.Outcome.ToString().ToLowerInvariant(), expression = r.Expression, expected = r.Expected, actual = r.Actual,
            }), new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            Console.Out.WriteLine(json);
        }
        else
        {
            foreach (var group in results.GroupBy(r => r.File))
            {
                if (settings.ShowFailures)
                    foreach (var f in group.Where(r => r.Outcome != ConformanceOutcome.Passed))
                        Console.Out.WriteLine($"  {f.Outcome.ToString().ToUpperInvariant()} {f.Group}/{f.Name}: {f.Expression.ReplaceLineEndings(" ")}\n      expected {f.Expected.ReplaceLineEndings(" ")}\n      actual   {f.Actual.ReplaceLineEndings(" ")}");
                Console.Out.WriteLine($"{group.Key}: {Line(group.ToList())}");
            }
            Console.Out.WriteLine($"Total: {Line(results)} ({rate.ToString("F1", CultureInfo.InvariantCulture)}% passed)");
        }
        if (settings.MinPass is double min && rate < min)
        {
            Console.Error.WriteLine($"Pass rate {rate.ToString("F1", CultureInfo.InvariantCulture)}% is below the minimum {min.ToString(CultureInfo.InvariantCulture)}%.");
            return CliApp.Findings;
        }
        return CliApp.Success;
    }

    private static string Line(IReadOnlyCollection<ConformanceTestResult> r) =>
        $"{r.Count(x => x.Outcome == ConformanceOutcome.Passed)} passed, {r.Count(x => x.Outcome == ConformanceOutcome.Failed)} failed, {r.Count(x => x.Outcome == ConformanceOutcome.Skipped)} skipped";
}
