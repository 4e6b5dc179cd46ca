using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary><c>protocol screen</c>: screens a population against a protocol's criteria.</summary>
[Description("Screen a population against a protocol's eligibility criteria: every criterion of every subject is Met, NotMet, Unknown or Attested, with the evidence; each subject is Eligible, Ineligible or NeedsReview.")]
[ExitCode(CliApp.Success, "the population was screened, whatever the subjects' statuses")]
internal sealed class ScreenCommand(CliConsole console) : Command<ScreenSettings>
{
    public override int Execute(CommandContext context, ScreenSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Backend == "rulesengine") return Interop.RulesEngineScreeningCommand.Run(settings, console, cancellationToken);
        if (settings.Backend != "native") return Sql.BackendScreening.Run(settings, console, cancellationToken);
        var (protocol, asOf, study) = ScreeningCommandSupport.Prepare(settings, console);
        var options = new ScreeningOptions
        {
            AsOf = asOf,
            Phase = settings.Phase,
            RecordEvidence = ScreeningCommandSupport.KeepEvidence(settings.Evidence, study.Data.SubjectCount),
            MaxDegreeOfParallelism = settings.Threads ?? Environment.ProcessorCount,
        };
        var result = ScreeningCommandSupport.Screen(protocol, study, options, console, cancellationToken);
        if (settings.Format == OutputFormats.Json) ScreeningJson.Write(result, console.Text);
        else if (settings.Format == OutputFormats.Csv) ScreeningCsv.Write(result, console.Text);
        else ScreeningTable.Write(console.Out, result);
        if (settings.Out is { } html)
        {
            ScreeningHtml.Write(result, html, ScreeningHtml.FairnessIfPossible(result));
            console.Status.MarkupLineInterpolated($"Report written to [bold]{html}[/]");
        }
        if (settings.Ie is not { } folder) return CliApp.Success;
        try
        {
            var (path, records, added) = IeDatasetWriter.Write(result, folder, ScreeningCommandSupport.InputFormat(study));
            console.Status.MarkupLineInterpolated($"IE dataset written to [bold]{path}[/]: {records:N0} records, {added:N0} new.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new UserFacingException($"Cannot write the IE dataset to {folder}: {e.Message}");
        }
        return CliApp.Success;
    }
}
