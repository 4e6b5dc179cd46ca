using System.Text.Json;
using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Verification.Fit;

namespace ProtocolEngine.Cli.Commands.Verification;

/// <summary><c>protocol fit</c>: whether a study holds every code and variable a protocol's criteria read.</summary>
[Description("Check a study against what a protocol's criteria read: every domain, variable, and every code or term a rule compares with (test codes, decoded terms, categories, units); for what the study lacks, the closest ones it holds.")]
[ExitCode(CliApp.Success, "the study holds everything the criteria read")]
[ExitCode(CliApp.Findings, "the study lacks something a criterion reads (that criterion would be Unknown for every subject)")]
internal sealed class FitCommand(CliConsole console) : Command<FitCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<protocol>")]
        [Description("The .protocol file.")]
        public string Protocol { get; init; } = "";

        [CommandOption("--data <PATH>")]
        [Description("The study: an SDTM folder (XPT, Dataset-JSON, NDJSON or CSV) or a FHIR R4 bundle.")]
        public string? Data { get; init; }

        [CommandOption("--encoding <NAME>")]
        [Description(DataCommandSupport.EncodingDescription)]
        public string? Encoding { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("text (default: what is missing and the closest held, for people), json (for programs) or sarif (SARIF 2.1.0).")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("--data <PATH> is required.")
            : OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json, OutputFormats.Sarif) is { Successful: false } bad ? bad
            : DataCommandSupport.ValidateEncoding(Encoding);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var protocol = ProtocolCommandSupport.CompileOrReport(settings.Protocol, console);
        var study = DataCommandSupport.Load(settings.Data!, new StudyLoadOptions { Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) }, console);
        var findings = DataFit.Check(protocol, study.Data);
        var missing = findings.Where(f => !f.Held).ToList();
        switch (settings.Format)
        {
            case OutputFormats.Json:
                console.Text.WriteLine(JsonSerializer.Serialize(findings.Select(f => new { f.Domain, f.Variable, f.Value, f.Held, f.Closest, f.Rules, Message = f.Sentence }), DataCommandSupport.Json));
                break;
            case OutputFormats.Sarif:
                console.Text.WriteLine(DiagnosticRenderer.ToSarif(missing.Select(f => f.Diagnostic!).ToList(), CliApp.Version, [settings.Protocol]));
                break;
            default:
                foreach (var f in missing) console.Text.Write($"{DiagnosticRenderer.ToText(f.Diagnostic!).TrimEnd()} (read by {string.Join(", ", f.Rules)})\n");
                console.Text.WriteLine($"{protocol.Name}: {findings.Count - missing.Count} of {findings.Count} domains, variables and codes the criteria read are in the study; {missing.Count} are not.");
                break;
        }
        return missing.Count == 0 ? CliApp.Success : CliApp.Findings;
    }
}
