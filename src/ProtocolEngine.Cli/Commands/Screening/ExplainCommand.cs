using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary><c>protocol explain</c>: every criterion of one subject with the rule text, outcome, values read and what is missing.</summary>
[Description("Explain one subject's screening: for every criterion the rule text and hash, the outcome, the values the rule read, and for Unknown what is missing.")]
[ExitCode(CliApp.Success, "the subject was explained, whatever its status")]
internal sealed class ExplainCommand(CliConsole console) : Command<ExplainCommand.Settings>
{
    public sealed class Settings : ProtocolDataSettings
    {
        [CommandOption("--subject <USUBJID>")]
        [Description("The subject to explain.")]
        public string? Subject { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description(OutputFormats.TextOrJson)]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        public override ValidationResult Validate() =>
            Validate(Format, OutputFormats.Text, OutputFormats.Json) is { Successful: false } invalid ? invalid
            : string.IsNullOrWhiteSpace(Subject) ? ValidationResult.Error("--subject <USUBJID> is required.") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (protocol, asOf, study) = ScreeningCommandSupport.Prepare(settings, console);
        var options = new ScreeningOptions { AsOf = asOf, Phase = settings.Phase, Subjects = [settings.Subject!], RecordEvidence = true };
        var result = ScreeningCommandSupport.Screen(protocol, study, options, console, cancellationToken);
        if (settings.Format == OutputFormats.Json) ScreeningJson.Write(result, console.Text);
        else
        {
            var subject = result.Subject(0);
            console.Text.Write(SubjectExplanation.Text(result, subject));
            // An Unknown whose cause is a code or variable the study never holds says so (protocol fit).
            var fit = ProtocolEngine.Verification.Fit.DataFit.Check(protocol, study.Data);
            foreach (var c in subject.Criteria.Where(c => c.Outcome == ProtocolEngine.Runtime.Eligibility.CriterionOutcome.Unknown))
                foreach (var f in ProtocolEngine.Verification.Fit.DataFit.Explaining(fit, c.Id))
                    console.Text.WriteLine($"{c.Id} is Unknown because the study does not hold what it reads: {f.Sentence}");
        }
        return CliApp.Success;
    }
}
