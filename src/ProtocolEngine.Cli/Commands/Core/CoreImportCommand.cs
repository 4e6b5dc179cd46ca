using ProtocolEngine.Checks.Core;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Cli.Commands.Core;

/// <summary><c>protocol core import</c>: translates CDISC CORE rules into checks of the protocol language.</summary>
[Description("Translate CDISC CORE rules (a folder of CORE-nnnnnn/rule.yml) into checks of the protocol language, one library per family (SDTMIG, SENDIG, FDA business rules, TIG), each check citing its CORE id and CDISC rule ids. Every rule not translated is listed with the reason (--report), never dropped.")]
[ExitCode(CliApp.Success, "the libraries were written (every rule translated or listed with its reason)")]
internal sealed class CoreImportCommand(CliConsole console) : Command<CoreImportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<rules>")]
        [Description("The CORE rules: a folder of CORE-nnnnnn/ folders, each with rule.yml.")]
        public string Rules { get; init; } = "";

        [CommandOption("--out <FOLDER>")]
        [Description("The folder the libraries are written into (sdtmig.protocol, sendig.protocol, fda-business-rules.protocol, tig.protocol).")]
        public string? Out { get; init; }

        [CommandOption("--report <FILE>")]
        [Description("Write the report (every rule: its checks, or why it was not translated, and what the language lacks) to this file as Markdown; without it, the totals and reasons are printed.")]
        public string? Report { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("core import needs --out FOLDER, the folder to write the libraries into.") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(settings.Rules)) throw new UserFacingException($"No such folder: {settings.Rules}");
        if (OutputFiles.FolderProblem(settings.Out!, "--out") is { } outProblem) throw new UserFacingException(outProblem);
        if (settings.Report is { } report && CliApp.OutputFileProblem(report, "--report") is { } reportProblem) throw new UserFacingException(reportProblem);
        CoreRuleSet rules;
        try
        {
            rules = CoreRuleSet.Read(settings.Rules);
        }
        catch (CoreRuleFormatException e)
        {
            throw new UserFacingException(e.Message);
        }
        if (rules.Rules.Count == 0) throw new UserFacingException($"No CORE rules (CORE-nnnnnn/rule.yml) in {settings.Rules}");
        Directory.CreateDirectory(settings.Out!);
        var entries = CoreImporter.Import(rules.Rules, settings.Out!);
        var text = CoreImporter.Report(entries);
        if (settings.Report is { } file) OutputFiles.WriteText(file, w => w.Write(text), cancellationToken);
        int translated = entries.Count(e => e.Checks.Count > 0);
        console.Text.WriteLine($"{entries.Count} CORE rules: {translated} translated into {entries.Sum(e => e.Checks.Count)} checks in {settings.Out}, {entries.Count - translated} not translated" +
            (settings.Report is null ? " (reasons below; --report FILE lists every rule)." : $" (every rule and reason in {settings.Report})."));
        if (settings.Report is null)
        {
            var section = text[text.IndexOf("## What the language lacks", StringComparison.Ordinal)..text.IndexOf("## Every rule", StringComparison.Ordinal)];
            console.Text.Write(section);
        }
        return CliApp.Success;
    }
}
