using System.Text;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Usdm;
using ProtocolEngine.Usdm.Export;

namespace ProtocolEngine.Cli.Commands.Authoring;

/// <summary><c>protocol usdm import|export</c>: a protocol skeleton from a CDISC USDM 4.0 study definition, and back.</summary>
[Description("CDISC USDM 4.0 study definitions. 'usdm import STUDY.json --out DIR' writes a protocol skeleton (identifiers, title, arms, epochs, visits, criteria attested by the investigator, syntax-template parameters); 'usdm export PROTOCOL' writes its identifiers, criteria and parameters as USDM (to standard output, or to the file --out names), checked against the USDM API schema. When the input cannot be used, each problem is named with its JSON path and line (or the protocol's line) and nothing is written.")]
[ExitCode(CliApp.Success, "the protocol (import) or the USDM study definition (export) was written")]
internal sealed class UsdmCommand(CliConsole console) : Command<UsdmCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<action>")]
        [Description("import or export.")]
        public string Action { get; init; } = "";

        [CommandArgument(1, "<path>")]
        [Description("import: the USDM study definition (JSON); export: the protocol file.")]
        public string Path { get; init; } = "";

        [CommandOption("--out <PATH>")]
        [Description("import: the folder the protocol is written into (created when missing; required). export: the file to write (default: standard output).")]
        public string? Out { get; init; }

        public override ValidationResult Validate() => Action switch
        {
            "import" when string.IsNullOrWhiteSpace(Out) => ValidationResult.Error("usdm import needs --out DIR, the folder to write the protocol into."),
            "import" or "export" => ValidationResult.Success(),
            _ => ValidationResult.Error($"Unknown action '{Action}'; use 'usdm import STUDY.json --out DIR' or 'usdm export PROTOCOL'."),
        };
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        settings.Action == "import" ? Import(settings, cancellationToken) : Export(settings, cancellationToken);

    private int Import(Settings settings, CancellationToken cancellationToken)
    {
        if (OutputFiles.FolderProblem(settings.Out!, "--out") is { } outProblem) return Fail(outProblem);
        if (ReadInput(settings.Path) is not { } json) return CliApp.Failure;
        var result = UsdmImporter.Import(json, System.IO.Path.GetFileName(settings.Path));
        if (!result.Succeeded)
        {
            foreach (var problem in result.Problems) console.Error.WriteLine($"error: {settings.Path}, {problem}");
            console.Error.WriteLine($"{settings.Path}: {result.Problems.Count} problem{(result.Problems.Count == 1 ? "" : "s")}; nothing was written.");
            return CliApp.Failure;
        }
        var target = System.IO.Path.Combine(settings.Out!, result.FileName!);
        if (Directory.Exists(settings.Out) && OutputFiles.FileProblem(target, "--out") is { } fileProblem) return Fail(fileProblem);
        Directory.CreateDirectory(settings.Out!);
        OutputFiles.WriteText(target, w => w.Write(result.ProtocolText), cancellationToken);
        console.Text.WriteLine($"Wrote {target}: {result.Criteria} criteria (each attested by the investigator until its rule is written), " +
                              $"{result.Parameters} parameters, {result.Visits} visits, {result.Arms} arms, {result.Epochs} epochs.");
        return CliApp.Success;
    }

    private int Export(Settings settings, CancellationToken cancellationToken)
    {
        if (CliApp.OutputFileProblem(settings.Out, "--out") is { } outProblem) return Fail(outProblem);
        if (ReadInput(settings.Path) is null) return CliApp.Failure;
        var compiled = ProtocolLoader.Shipped.Load(settings.Path);
        if (compiled.HasErrors)
        {
            foreach (var d in compiled.Diagnostics.Where(d => d.IsError)) console.Error.Write(DiagnosticRenderer.ToText(d));
            console.Error.WriteLine($"{settings.Path}: the protocol has errors; nothing was exported.");
            return CliApp.Failure;
        }
        var result = UsdmExporter.Export(compiled);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors) console.Error.WriteLine($"error: {error}");
            return CliApp.Failure;
        }
        if (settings.Out is null) console.Text.Write(result.Json);
        else
        {
            OutputFiles.WriteText(settings.Out, w => w.Write(result.Json), cancellationToken);
            console.Text.WriteLine($"Wrote {settings.Out}: {result.Identifiers} identifiers, {result.Criteria} criteria, {result.Parameters} parameters (valid against the USDM 4.0 API schema).");
        }
        return CliApp.Success;
    }

    // The input as text, or null after saying why it cannot be read (missing, a folder, a pipe, not UTF-8).
    private string? ReadInput(string path)
    {
        var kind = OutputFiles.KindOfTarget(path);
        if (kind != PathKind.File)
        {
            Fail(kind == PathKind.Missing ? $"no such file: {path}" : $"{path}: it is {OutputFiles.Describe(kind)}, not a file that can be read");
            return null;
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException ex)
        {
            Fail($"{path}, byte {ex.Index}: the file is not valid UTF-8 text");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail($"{path}: {ex.Message}");
            return null;
        }
    }

    private int Fail(string message)
    {
        console.Error.WriteLine($"error: {message}");
        return CliApp.Failure;
    }
}
