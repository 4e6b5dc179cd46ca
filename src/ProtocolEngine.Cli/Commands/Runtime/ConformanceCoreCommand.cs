using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ProtocolEngine.Checks.Core;
using ProtocolEngine.Runtime.Conformance;

namespace ProtocolEngine.Cli.Commands.Runtime;

/// <summary><c>protocol conformance core</c>: runs CDISC CORE rules natively on their positive and negative test cases.</summary>
[Description("Run CDISC CORE rules (rule.yml) natively on their test cases and compare with the results CORE published.")]
[ExitCode(CliApp.Success, "the cases ran (and the agreement reached --min-pass)")]
[ExitCode(CliApp.Findings, "fewer cases than --min-pass agree with CORE")]
internal sealed class ConformanceCoreCommand(CliConsole console) : Command<ConformanceCoreCommand.Settings>
{
    public sealed class Settings : ConformanceSettings
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

        double rate = ConformanceReport.Rate([.. results.Select(r => r.Outcome)]);
        if (settings.Format == OutputFormats.Json)
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
                console.Text.WriteLine($"{family}: {Line(results.Where(r => r.Families.Contains(family)))}");
            console.Text.WriteLine($"Total: {Line(results)} ({rate.ToString("F1", CultureInfo.InvariantCulture)}% agree with CORE; {results.Select(r => r.Rule).Distinct().Count()} rules)");
        }
        return settings.ExitCode(rate, console);
    }

    private static string Line(IEnumerable<CoreCaseResult> results) => ConformanceReport.Tally(results.Select(r => r.Outcome));
}
