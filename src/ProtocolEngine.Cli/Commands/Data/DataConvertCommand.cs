using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>`protocol data convert INPUT --to FORMAT --out FOLDER`: converts every dataset of a study to another format.</summary>
[ExitCode(CliApp.Success, "every dataset was converted")]
internal sealed class DataConvertCommand(CliConsole console) : Command<DataConvertCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<input>")]
        [Description("A folder of datasets (.xpt, .json, .ndjson, .csv, with define.xml) or one dataset file.")]
        public string Input { get; init; } = "";

        [CommandOption("--to <FORMAT>")]
        [Description("The datasets' format: xpt, json, ndjson or csv.")]
        public string? To { get; init; }

        [CommandOption("--out <FOLDER>")]
        [Description("The folder to write to (created when missing; files of the same names are replaced).")]
        public string? Out { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("What this command prints: " + OutputFormats.TextOrJson)]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        [CommandOption("--encoding <NAME>")]
        [Description(DataCommandSupport.EncodingDescription)]
        public string? Encoding { get; init; }

        [CommandOption("--allow-malformed-dates")]
        [Description("Convert --DTC values that are not ISO 8601 as they are instead of failing.")]
        public bool AllowMalformedDates { get; init; }

        public override ValidationResult Validate() =>
            !DataFileFormats.TryParse(To, out _) ? ValidationResult.Error("--to must be xpt, json, ndjson or csv.")
            : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out <FOLDER> is required.")
            : CliApp.OutputFolderProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut)
            : OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json) is { Successful: false } bad ? bad
            : DataCommandSupport.ValidateEncoding(Encoding);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DataFileFormats.TryParse(settings.To, out var format);
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
