using System.ComponentModel;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening.Reports;
using ProtocolEngine.Screening;
using Spectre.Console.Cli;
using Spectre.Console;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary><c>protocol audit fairness</c>: exclusion rates of subgroups per criterion, against the overall rate.</summary>
[Description("Audit eligibility criteria for fairness: per criterion and subgroup the exclusion rate, its ratio to the overall rate with a 95% confidence interval, a flag at 1.25 times or more with the interval above 1, and the composition of eligible vs screened. Exit code 1 when a subgroup is flagged.")]
internal sealed class AuditFairnessCommand(IAnsiConsole console) : Command<AuditFairnessCommand.Settings>
{
    public sealed class Settings : ProtocolDataSettings
    {
        [CommandOption("--by <VARIABLES>")]
        [Description("Comma-separated DM variables (AGEGROUP is derived from AGE). Default: SEX,RACE,ETHNIC,AGEGROUP.")]
        [DefaultValue("SEX,RACE,ETHNIC,AGEGROUP")]
        public string By { get; init; } = "SEX,RACE,ETHNIC,AGEGROUP";

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        [CommandOption("--out <FILE>")]
        [Description("Also write the HTML screening report with the audit.")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            if (base.Validate() is { Successful: false } invalid) return invalid;
            if (string.IsNullOrWhiteSpace(By)) return ValidationResult.Error("--by needs at least one variable.");
            if (CliApp.OutputFileProblem(Out, "--out") is { } badOut) return ValidationResult.Error(badOut);
            return Format is "table" or "json" ? ValidationResult.Success() : ValidationResult.Error($"Unknown format '{Format}'; use table or json.");
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (protocol, asOf, study) = ScreeningCommandSupport.Prepare(settings);
        var options = new ScreeningOptions { AsOf = asOf, Phase = settings.Phase, RecordEvidence = false };
        var result = ScreeningCommandSupport.Screen(protocol, study, options, cancellationToken);
        var variables = settings.By.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        FairnessReport audit;
        try
        {
            audit = FairnessAudit.Compute(result, variables);
        }
        catch (ArgumentException e)
        {
            throw new UserFacingException(e.Message);
        }

        if (settings.Format == "json")
        {
            using (var stdout = new TextWriterStream(Console.Out))
                FairnessJson.Write(audit, stdout);
            Console.Out.WriteLine();
        }
        else
        {
            Write(console, result, audit);
        }
        if (settings.Out is { } html) ScreeningHtml.Write(result, html, audit);
        return audit.Flagged.Any() ? CliApp.Findings : CliApp.Success;
    }

    private static void Write(IAnsiConsole console, ScreeningResult result, FairnessReport audit)
    {
        console.MarkupLine($"Fairness of [bold]{Markup.Escape(result.Protocol.Name)}[/] over {result.SubjectCount:N0} subjects, by {Markup.Escape(string.Join(", ", audit.Variables))}; " +
                           $"flag: excluded at {FairnessAudit.FlagRatio:0.##}x the overall rate or more, 95% interval above 1.");
        var flagged = audit.Flagged.ToList();
        var rows = flagged.Count > 0 ? flagged : [.. audit.Rows.Where(r => r.CriterionId == FairnessReport.AnyCriterion)];
        console.MarkupLine(flagged.Count > 0 ? $"[red]{flagged.Count} subgroup exclusion(s) flagged:[/]" : "[green]No subgroup is flagged.[/] Ineligibility by subgroup:");
        var table = new Table().Border(TableBorder.Simple).AddColumns("Criterion", "Variable", "Subgroup", "Subjects", "Excluded", "Rate", "Overall", "Ratio (95% CI)", "Unknown");
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.CriterionId), r.Variable, Markup.Escape(DisplayText.Shorten(r.Level)), r.Subjects.ToString("N0"), r.Excluded.ToString("N0"), $"{r.Rate:P1}", $"{r.OverallRate:P1}",
                r.Ratio is double ratio ? $"{ratio:0.00} ({r.Low:0.00}-{r.High:0.00})" : "-", r.Unknown.ToString("N0"));
        console.Write(table);
        var composition = new Table().Border(TableBorder.Simple).AddColumns("Variable", "Subgroup", "Screened", "Not excluded", "Eligible");
        foreach (var c in audit.Composition)
            composition.AddRow(c.Variable, Markup.Escape(DisplayText.Shorten(c.Level)), $"{c.Screened:N0} ({c.ScreenedShare:P1})", $"{c.NotExcluded:N0} ({c.NotExcludedShare:P1})", $"{c.Eligible:N0} ({c.EligibleShare:P1})");
        console.MarkupLine("Composition:");
        console.Write(composition);
    }
}
