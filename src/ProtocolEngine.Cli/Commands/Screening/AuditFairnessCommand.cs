using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary><c>protocol audit fairness</c>: exclusion rates of subgroups per criterion, against the overall rate.</summary>
[Description("Audit eligibility criteria for fairness: per criterion and subgroup the exclusion rate, its ratio to the overall rate with a 95% confidence interval, a flag at 1.25 times or more with the interval above 1, and the composition of eligible vs screened.")]
[ExitCode(CliApp.Success, "no subgroup is flagged")]
[ExitCode(CliApp.Findings, "a subgroup is excluded at 1.25 times the overall rate or more, its 95% interval above 1")]
internal sealed class AuditFairnessCommand(CliConsole console) : Command<AuditFairnessSettings>
{
    public override int Execute(CommandContext context, AuditFairnessSettings settings, CancellationToken cancellationToken)
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
