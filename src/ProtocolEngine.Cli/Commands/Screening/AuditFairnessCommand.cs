using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary><c>protocol audit fairness</c>: exclusion rates of subgroups per criterion, against the overall rate.</summary>
[Description("Audit eligibility criteria for fairness: per criterion and subgroup the exclusion rate, its ratio to the overall rate with a 95% confidence interval, a flag at 1.25 times or more with the interval above 1, and the composition of eligible vs screened.")]
[ExitCode(CliApp.Success, "no subgroup is flagged")]
[ExitCode(CliApp.Findings, "a subgroup is excluded at 1.25 times the overall rate or more, its 95% interval above 1")]
internal sealed class AuditFairnessCommand(CliConsole console) : Command<AuditFairnessCommand.Settings>
{
    public sealed class Settings : ProtocolDataSettings
    {
        [CommandOption("--by <VARIABLES>")]
        [Description("Comma-separated DM variables (AGEGROUP is derived from AGE). Default: SEX,RACE,ETHNIC,AGEGROUP.")]
        [DefaultValue("SEX,RACE,ETHNIC,AGEGROUP")]
        public string By { get; init; } = "SEX,RACE,ETHNIC,AGEGROUP";

        [CommandOption("--format <FORMAT>")]
        [Description(OutputFormats.TextOrJson)]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        [CommandOption("--out <FILE>")]
        [Description("Also write the HTML screening report with the audit to this file.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            Validate(Format, OutputFormats.Text, OutputFormats.Json) is { Successful: false } invalid ? invalid
            : string.IsNullOrWhiteSpace(By) ? ValidationResult.Error("--by needs at least one variable.")
            : CliApp.OutputFileProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut) : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (protocol, asOf, study) = ScreeningCommandSupport.Prepare(settings, console);
        var result = ScreeningCommandSupport.Screen(protocol, study, new ScreeningOptions { AsOf = asOf, Phase = settings.Phase, RecordEvidence = false }, console, cancellationToken);
        FairnessReport audit;
        try { audit = FairnessAudit.Compute(result, settings.By.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); }
        catch (ArgumentException e) { throw new UserFacingException(e.Message); }
        if (settings.Format == OutputFormats.Json) FairnessJson.Write(audit, console.Text);
        else Write(console.Out, result, audit);
        if (settings.Out is { } html) ScreeningHtml.Write(result, html, audit);
        return audit.Flagged.Any() ? CliApp.Findings : CliApp.Success;
    }

    private static void Write(IAnsiConsole console, ScreeningResult result, FairnessReport audit)
    {
        console.MarkupLine($"Fairness of [bold]{Markup.Escape(result.Protocol.Name)}[/] over {result.SubjectCount:N0} subjects, by {Markup.Escape(string.Join(", ", audit.Variables))}; " +
                           $"flag: excluded at {FairnessAudit.FlagRatio:0.##}x the overall rate or more, 95% interval above 1.");
        var flagged = audit.Flagged.ToList();
        console.MarkupLine(flagged.Count > 0 ? $"[red]{flagged.Count} subgroup exclusion(s) flagged:[/]" : "[green]No subgroup is flagged.[/] Ineligibility by subgroup:");
        var table = new AdaptiveTable().Columns("Criterion", "Variable", "Subgroup").NumberColumns("Subjects", "Excluded", "Rate", "Overall", "Ratio (95% CI)", "Unknown");
        foreach (var r in flagged.Count > 0 ? flagged : audit.Rows.Where(r => r.CriterionId == FairnessReport.AnyCriterion))
            table.Row(Markup.Escape(r.CriterionId), r.Variable, Markup.Escape(DisplayText.Shorten(r.Level)), r.Subjects.ToString("N0"), r.Excluded.ToString("N0"), $"{r.Rate:P1}", $"{r.OverallRate:P1}",
                r.Ratio is double ratio ? $"{ratio:0.00} ({r.Low:0.00}-{r.High:0.00})" : "-", r.Unknown.ToString("N0"));
        table.Write(console);
        console.MarkupLine("Composition:");
        var composition = new AdaptiveTable().Columns("Variable", "Subgroup").NumberColumns("Screened", "Not excluded", "Eligible");
        foreach (var c in audit.Composition)
            composition.Row(c.Variable, Markup.Escape(DisplayText.Shorten(c.Level)), $"{c.Screened:N0} ({c.ScreenedShare:P1})", $"{c.NotExcluded:N0} ({c.NotExcludedShare:P1})", $"{c.Eligible:N0} ({c.EligibleShare:P1})");
        composition.Write(console);
    }
}
