using ProtocolEngine.Cli.Commands.Screening;
using ProtocolEngine.Interop.RulesEngine;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Cli.Commands.Interop;

/// <summary><c>protocol export rulesengine PROTOCOL --out FILE</c>: the criteria as a Microsoft RulesEngine workflow.</summary>
[Description("Write a protocol's criteria as a Microsoft RulesEngine 6.0.1 workflow (JSON): one lambda rule per criterion it can express, whose OutputExpression action returns Met, NotMet or Unknown "
    + "for one input, s (the subject: its DM record and its records of each domain the rules read). A criterion it cannot express is named on standard error (PE4101) and left out; attested criteria have no rule.")]
[ExitCode(CliApp.Success, "the workflow was written (criteria left out, if any, are warnings on standard error)")]
internal sealed class RulesEngineExportCommand(CliConsole console) : Command<RulesEngineExportSettings>
{
    public override int Execute(CommandContext context, RulesEngineExportSettings settings, CancellationToken cancellationToken)
    {
        var protocol = ScreeningCommandSupport.Compile(settings.Protocol, console);
        RulesEngineWorkflow workflow;
        try
        {
            workflow = RulesEngineWorkflow.Generate(protocol, settings.Phase);
        }
        catch (ArgumentException ex)
        {
            throw new UserFacingException(ex.Message);
        }
        RulesEngineSupport.ReportLeftOut(workflow.Diagnostics, console);
        int rules = workflow.Criteria.Count(c => c.IsExpressed);
        if (rules == 0)
            throw new UserFacingException($"RulesEngine can express none of the {workflow.Criteria.Count(c => !c.IsAttested)} rules of {protocol.Name} (named above); no workflow written.");
        var json = workflow.ToJson();
        if (settings.Out is null) console.Text.Write(json);
        else
        {
            OutputFiles.WriteText(settings.Out, w => w.Write(json), cancellationToken);
            console.Status.MarkupLineInterpolated($"{rules} of {workflow.Criteria.Count} criteria written to [bold]{settings.Out}[/] ({workflow.Diagnostics.Count} left out, {workflow.Criteria.Count(c => c.IsAttested)} attested).");
        }
        return CliApp.Success;
    }
}

/// <summary>The options of <see cref="RulesEngineExportCommand"/>.</summary>
internal sealed class RulesEngineExportSettings : CommandSettings
{
    [CommandArgument(0, "<protocol>")]
    [Description("The .protocol file.")]
    public string Protocol { get; init; } = "";

    [CommandOption("--out <FILE>")]
    [Description("The workflow JSON file to write (whole or not at all); default: standard output.")]
    public string? Out { get; init; }

    [CommandOption("--phase <NAME>")]
    [Description("Only the criteria of this phase (for example prescreen).")]
    public string? Phase { get; init; }

    public override ValidationResult Validate() =>
        CliApp.OutputFileProblem(Out, "--out") is { } bad ? ValidationResult.Error(bad) : ValidationResult.Success();
}

/// <summary>What the RulesEngine commands share.</summary>
internal static class RulesEngineSupport
{
    /// <summary>Writes each PE4101 warning on standard error.</summary>
    public static void ReportLeftOut(IReadOnlyList<Diagnostic> diagnostics, CliConsole console)
    {
        foreach (var d in diagnostics)
        {
            var (line, column) = d.Source?.GetLinePosition(d.Span.Start) ?? (0, 0);
            console.Error.WriteLine($"{d.Source?.Path}({line},{column}): warning {d.Code}: {d.Message}");
        }
    }
}
