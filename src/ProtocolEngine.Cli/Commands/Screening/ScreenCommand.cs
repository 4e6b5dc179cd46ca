using System.ComponentModel;
using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary><c>protocol screen</c>: screens a population against a protocol's criteria.</summary>
[Description("Screen a population against a protocol's eligibility criteria: every criterion of every subject is Met, NotMet, Unknown or Attested, with the evidence; each subject is Eligible, Ineligible or NeedsReview.")]
internal sealed class ScreenCommand(IAnsiConsole console) : Command<ScreenCommand.Settings>
{
    public sealed class Settings : ProtocolDataSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("table (default), json or csv.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        [CommandOption("--out <FILE>")]
        [Description("Also write a self-contained HTML report (attrition funnel, outcomes, review list, fairness, protocol text and hashes).")]
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

        public override ValidationResult Validate()
        {
            if (base.Validate() is { Successful: false } invalid) return invalid;
            if (Format is not ("table" or "json" or "csv")) return ValidationResult.Error($"Unknown format '{Format}'; use table, json or csv.");
            if (Evidence is not ("auto" or "full" or "none")) return ValidationResult.Error($"Unknown evidence mode '{Evidence}'; use auto, full or none.");
            if (CliApp.OutputFileProblem(Out, "--out") is { } badOut) return ValidationResult.Error(badOut);
            if (CliApp.OutputFolderProblem(Ie, "--ie", "ie.xpt", "ie.json", "ie.ndjson", "ie.csv") is { } badIe) return ValidationResult.Error(badIe);
            return Threads is <= 0 ? ValidationResult.Error("--threads must be positive.") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (protocol, asOf, study) = ScreeningCommandSupport.Prepare(settings);
        var options = new ScreeningOptions
        {
            AsOf = asOf,
            Phase = settings.Phase,
            RecordEvidence = ScreeningCommandSupport.KeepEvidence(settings.Evidence, study.Data.SubjectCount),
            MaxDegreeOfParallelism = settings.Threads ?? Environment.ProcessorCount,
        };
        var result = ScreeningCommandSupport.Screen(protocol, study, options, cancellationToken);

        switch (settings.Format)
        {
            case "json":
                using (var stdout = new TextWriterStream(Console.Out))
                    ScreeningJson.Write(result, stdout);
                Console.Out.WriteLine();
                break;
            case "csv":
                ScreeningCsv.Write(result, Console.Out);
                break;
            default:
                ScreeningTable.Write(console, result);
                break;
        }

        if (settings.Out is { } html)
        {
            var fairness = ScreeningHtml.FairnessIfPossible(result);
            ScreeningHtml.Write(result, html, fairness);
            ScreeningCommandSupport.Status.MarkupLine($"Report written to [bold]{Markup.Escape(html)}[/]");
        }
        if (settings.Ie is { } folder)
        {
            try
            {
                var (path, records, added) = IeDatasetWriter.Write(result, folder, ScreeningCommandSupport.InputFormat(study));
                ScreeningCommandSupport.Status.MarkupLine($"IE dataset written to [bold]{Markup.Escape(path)}[/]: {records:N0} records, {added:N0} new.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new UserFacingException($"Cannot write the IE dataset to {folder}: {e.Message}");
            }
        }
        return CliApp.Success;
    }
}
