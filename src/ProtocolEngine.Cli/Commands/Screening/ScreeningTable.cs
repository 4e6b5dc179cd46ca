using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>The screening as console tables: counts per criterion with the attrition, then every subject's status and reasons.</summary>
internal static class ScreeningTable
{
    public static void Write(IAnsiConsole console, ScreeningResult result, bool subjects = true)
    {
        console.MarkupLine($"[bold]{Markup.Escape(result.Protocol.Name)}[/] version {Markup.Escape(result.Protocol.Version ?? "-")} " +
                           $"(hash {result.Protocol.ContentHash[..12]}), as of {result.AsOf.ToIsoString()}{(result.Phase is { } p ? $", phase {Markup.Escape(p)}" : "")}: " +
                           $"{result.SubjectCount:N0} subjects from {Markup.Escape(result.Study.Source ?? "memory")} in {result.Elapsed.TotalMilliseconds:N0} ms");
        var table = new AdaptiveTable().Columns("Criterion", "Kind").NumberColumns("Met", "NotMet", "Unknown", "Attested", "Recorded", "Excluded here", "Remaining");
        table.Row("[grey]screened[/]", "", "", "", "", "", "", "", result.SubjectCount.ToString("N0"));
        for (int j = 0; j < result.Criteria.Count; j++)
        {
            var s = result.CriterionSummaries[j];
            var step = result.Attrition[j];
            table.Row(Markup.Escape(s.Criterion.Id), ScreeningJson.Kind(s.Criterion.Kind),
                N(s.Met), N(s.NotMet), N(s.Unknown), N(s.Attested), N(s.Recorded) + (s.Discrepancies > 0 ? $" [red]({s.Discrepancies} contradicted)[/]" : ""),
                N(step.ExcludedHere), N(step.Remaining));
        }
        table.Write(console);

        var counts = result.Counts;
        console.MarkupLine($"[green]Eligible {counts.Eligible:N0}[/] · [red]Ineligible {counts.Ineligible:N0}[/] · [yellow]Needs review {counts.NeedsReview:N0}[/]" +
                           $" ({counts.AwaitingAttestationOnly:N0} awaiting attestation only{(counts.WithDiscrepancy > 0 ? $", {counts.WithDiscrepancy:N0} with a discrepancy" : "")}{(counts.WithError > 0 ? $", {counts.WithError:N0} with a rule error" : "")})");
        foreach (var note in result.Determinations.Notes.Take(10)) console.MarkupLine($"[grey]note: {Markup.Escape(note)}[/]");
        if (!subjects) return;

        console.WriteLine();
        var list = new AdaptiveTable().Columns("USUBJID", "Status", "Why");
        for (int i = 0; i < result.SubjectCount; i++)
        {
            var status = result.Status(i);
            var reasons = status == EligibilityStatus.Eligible ? [] : result.Subject(i).Reasons;
            var why = string.Join("; ", reasons.Take(3)) + (reasons.Count > 3 ? $"; +{reasons.Count - 3} more" : "");
            list.Row(Markup.Escape(result.SubjectId(i)), Colour(status), Markup.Escape(why));
        }
        list.Write(console);
    }

    private static string N(int value) => value == 0 ? "[grey]0[/]" : value.ToString("N0");

    private static string Colour(EligibilityStatus status) => status switch
    {
        EligibilityStatus.Eligible => "[green]Eligible[/]",
        EligibilityStatus.Ineligible => "[red]Ineligible[/]",
        _ => "[yellow]NeedsReview[/]",
    };
}
