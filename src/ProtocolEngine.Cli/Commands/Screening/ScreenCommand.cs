using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary><c>protocol screen</c>: screens a population against a protocol's criteria.</summary>
[Description("Screen a population against a protocol's eligibility criteria: every criterion of every subject is Met, NotMet, Unknown or Attested, with the evidence; each subject is Eligible, Ineligible or NeedsReview.")]
[ExitCode(CliApp.Success, "the population was screened, whatever the subjects' statuses")]
internal sealed class ScreenCommand(CliConsole console) : Command<ScreenCommand.Settings>
{
    public sealed class Settings : ProtocolDataSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description(OutputFormats.TextJsonOrCsv)]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        [CommandOption("--out <FILE>")]
        [Description("Also write a self-contained HTML report to this file (attrition funnel, outcomes, review list, fairness, protocol text and hashes).")]
        public string? Out { get; init; }

        [CommandOption("--ie <FOLDER>")]
        [Description("Also write the IE dataset (criteria not met) into this folder, in the input's format.")]
        public string? Ie { get; init; }

        [CommandOption("--evidence <MODE>")]
        [Description("auto (default: kept up to 50,000 subjects), full or none.")]
        [DefaultValue("auto")]
        public string Evidence { get; init; } = "auto";

        [CommandOption("--threads <N>")]
        [Description("Worker threads (default: one per core).")]
        public int? Threads { get; init; }

        public override ValidationResult Validate() =>
            Validate(Format, OutputFormats.Text, OutputFormats.Json, OutputFormats.Csv) is { Successful: false } invalid ? invalid
            : Evidence is not ("auto" or "full" or "none") ? ValidationResult.Error($"Unknown evidence mode '{Evidence}'; use auto, full or none.")
            : CliApp.OutputFileProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut)
            : CliApp.OutputFolderProblem(Ie, "--ie", "ie.xpt", "ie.json", "ie.ndjson", "ie.csv") is { } badIe ? ValidationResult.Error(badIe)
            : Threads is <= 0 ? ValidationResult.Error("--threads must be positive.") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
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
