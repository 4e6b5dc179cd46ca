using System.ComponentModel;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ProtocolEngine.Checks.Core;
using ProtocolEngine.Runtime.Conformance;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Runtime;

/// <summary><c>protocol conformance core</c>: runs CDISC CORE rules natively on their positive and negative test cases.</summary>
[Description("Run CDISC CORE rules (rule.yml) natively on their test cases and compare with the results CORE published.")]
[ExitCode(CliApp.Success, "the cases ran (and the agreement reached --min-pass)")]
[ExitCode(CliApp.Findings, "the agreement with CORE is below --min-pass")]
internal sealed class ConformanceCoreCommand(CliConsole console) : Command<ConformanceCoreCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<folder>")]
        [Description("A folder of CORE rules (CORE-nnnnnn/ with rule.yml, positive/ and negative/ cases).")]
        public string Folder { get; init; } = "";

        [CommandOption("--family <FAMILIES>")]
        [Description("Only rules citing these families, comma-separated: CG (SDTMIG), FB (FDA business rules), SEND, TIG, DDF. Default: all.")]
        public string? Family { get; init; }

        [CommandOption("--rule <ID>")]
        [Description("Only this rule (CORE-000001).")]
        public string? Rule { get; init; }

        [CommandOption("--min-pass <PERCENT>")]
        [Description("Exit with code 1 when fewer than this percentage of cases agree with CORE (skipped cases count as not agreeing).")]
        public double? MinPass { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("text (default: totals by family) or json (every case with rule, case, outcome, expected and actual issue counts).")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        [CommandOption("--failures")]
        [Description("In text format, also list each failed or skipped case with the reason.")]
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
        var folders = CoreConformanceRunner.FindRules(settings.Folder);
        if (folders.Count == 0) throw new UserFacingException($"No CORE rules (CORE-nnnnnn/rule.yml) in {settings.Folder}");
        if (settings.Rule is { } only)
        {
            folders = [.. folders.Where(f => string.Equals(Path.GetFileName(f), only, StringComparison.OrdinalIgnoreCase))];
            if (folders.Count == 0) throw new UserFacingException($"No rule {only} in {settings.Folder}");
        }
        var families = settings.Family?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => f.ToUpperInvariant()).ToHashSet();

        var results = new List<CoreCaseResult>();
        foreach (var folder in folders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                results.AddRange(CoreConformanceRunner.RunRule(folder).Where(r => families is null || r.Families.Any(families.Contains)));
            }
            catch (CoreRuleFormatException e)
            {
                throw new UserFacingException(e.Message);
            }
        }

        int passed = results.Count(r => r.Outcome == ConformanceOutcome.Passed);
        double rate = results.Count == 0 ? 0 : 100.0 * passed / results.Count;
        if (settings.Format == "json")
        {
            console.Text.WriteLine(JsonSerializer.Serialize(results.Select(r => new
            {
                rule = r.Rule, @case = r.Case, families = r.Families, outcome = r.Outcome.ToString().ToLowerInvariant(),
                expected = r.ExpectedIssues, actual = r.ActualIssues, detail = r.Detail,
            }), new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        }
        else
        {
            if (settings.ShowFailures)
                foreach (var f in results.Where(r => r.Outcome != ConformanceOutcome.Passed))
                    console.Text.WriteLine($"  {f.Outcome.ToString().ToUpperInvariant()} {f.Rule} {f.Case} ({string.Join(",", f.Families)}): expected {f.ExpectedIssues}, actual {f.ActualIssues}: {f.Detail}");
            foreach (var family in results.SelectMany(r => r.Families).Distinct().Order(StringComparer.Ordinal))
                console.Text.WriteLine($"{family}: {Line([.. results.Where(r => r.Families.Contains(family))])}");
            console.Text.WriteLine($"Total: {Line(results)} ({rate.ToString("F1", CultureInfo.InvariantCulture)}% agree with CORE; {results.Select(r => r.Rule).Distinct().Count()} rules)");
        }
        if (settings.MinPass is double min && rate < min)
        {
            console.Error.WriteLine($"Agreement {rate.ToString("F1", CultureInfo.InvariantCulture)}% is below the minimum {min.ToString(CultureInfo.InvariantCulture)}%.");
            return CliApp.Findings;
        }
        return CliApp.Success;
    }

    private static string Line(IReadOnlyCollection<CoreCaseResult> r) =>
        $"{r.Count(x => x.Outcome == ConformanceOutcome.Passed)} passed, {r.Count(x => x.Outcome == ConformanceOutcome.Failed)} failed, {r.Count(x => x.Outcome == ConformanceOutcome.Skipped)} skipped";
}
