using System.ComponentModel;
using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary><c>protocol explain</c>: every criterion of one subject with the rule text, outcome, values read and what is missing.</summary>
[Description("Explain one subject's screening: for every criterion the rule text and hash, the outcome, the values the rule read, and for Unknown what is missing.")]
internal sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    public sealed class Settings : ProtocolDataSettings
    {
        [CommandOption("--subject <USUBJID>")]
        [Description("The subject to explain.")]
        public string? Subject { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("text (default) or json.")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        public override ValidationResult Validate()
        {
            if (base.Validate() is { Successful: false } invalid) return invalid;
            if (string.IsNullOrWhiteSpace(Subject)) return ValidationResult.Error("--subject <USUBJID> is required.");
            return Format is "text" or "json" ? ValidationResult.Success() : ValidationResult.Error($"Unknown format '{Format}'; use text or json.");
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (protocol, asOf, study) = ScreeningCommandSupport.Prepare(settings);
        var options = new ScreeningOptions { AsOf = asOf, Phase = settings.Phase, Subjects = [settings.Subject!], RecordEvidence = true };
        var result = ScreeningCommandSupport.Screen(protocol, study, options, cancellationToken);
        if (settings.Format == "json")
        {
            using (var stdout = new TextWriterStream(Console.Out))
                ScreeningJson.Write(result, stdout);
            Console.Out.WriteLine();
        }
        else
        {
            Console.Out.Write(SubjectExplanation.Text(result, result.Subject(0)));
        }
        return CliApp.Success;
    }
}
