using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>`protocol data convert INPUT --to FORMAT --out FOLDER`: converts every dataset of a study to another format.</summary>
[ExitCode(CliApp.Success, "every dataset was converted")]
internal sealed class DataConvertCommand(CliConsole console) : Command<DataConvertSettings>
{
    public override int Execute(CommandContext context, DataConvertSettings settings, CancellationToken cancellationToken)
    {
        DataFileFormats.TryParseConversionTarget(settings.To, out var format);
        if (!File.Exists(settings.Input) && !Directory.Exists(settings.Input)) throw new UserFacingException($"No such data file or folder: {settings.Input}");
        var options = new StudyLoadOptions { AllowMalformedDates = settings.AllowMalformedDates, MergeSupplementalQualifiers = false, Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) };
        ConversionResult result;
        try
        {
            result = console.Progress($"Converting to {settings.To}", report => DataCommandSupport.Guard(() => StudyConverter.Convert(settings.Input, format, settings.Out!, options,
                new Progress<(int Done, int Total, string Dataset)>(p => report(p.Done, p.Total)))));
        }
        catch (ArgumentException ex)
        {
            throw new UserFacingException($"The data do not fit {format.ToString().ToUpperInvariant()}: {ex.Message} Nothing was written.");
        }
        if (settings.Format == OutputFormats.Json)
        {
            DataCommandSupport.WriteJson(console, result);
            return CliApp.Success;
        }
        foreach (var file in result.Define is null ? result.Files : [.. result.Files, result.Define]) console.Out.MarkupLine($"wrote [green]{Markup.Escape(file)}[/]");
        foreach (var note in result.Notes) console.Out.MarkupLine($"[grey]note:[/] {Markup.Escape(note.Message)}");
        return CliApp.Success;
    }
}
