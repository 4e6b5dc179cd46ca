using System.ComponentModel;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>`protocol data convert INPUT --to FORMAT --out FOLDER`: converts every dataset of a study to another format.</summary>
internal sealed class DataConvertCommand : Command<DataConvertCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<input>")]
        [Description("A folder of datasets (.xpt, .json, .ndjson, .csv, with define.xml) or one dataset file.")]
        public string Input { get; init; } = "";

        [CommandOption("--to <FORMAT>")]
        [Description("xpt, json, ndjson or csv.")]
        public string? To { get; init; }

        [CommandOption("--out <FOLDER>")]
        [Description("The folder to write to (created when missing; files of the same names are replaced).")]
        public string? Out { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("Output of this command: table (default) or json.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        [CommandOption("--encoding <NAME>")]
        [Description(DataCommandSupport.EncodingDescription)]
        public string? Encoding { get; init; }

        [CommandOption("--allow-malformed-dates")]
        [Description("Convert --DTC values that are not ISO 8601 as they are instead of failing.")]
        public bool AllowMalformedDates { get; init; }

        public override ValidationResult Validate()
        {
            if (!DataFileFormats.TryParse(To, out _)) return ValidationResult.Error("--to must be xpt, json, ndjson or csv.");
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out <FOLDER> is required.");
            if (CliApp.OutputFolderProblem(Out, "--out") is { } badOut) return ValidationResult.Error(badOut);
            return Format is "table" or "json" ? DataCommandSupport.ValidateEncoding(Encoding) : ValidationResult.Error("--format must be table or json.");
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DataFileFormats.TryParse(settings.To, out var format);
        if (!File.Exists(settings.Input) && !Directory.Exists(settings.Input)) throw new UserFacingException($"No such file or folder: {settings.Input}");
        var options = new StudyLoadOptions { AllowMalformedDates = settings.AllowMalformedDates, MergeSupplementalQualifiers = false, Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) };
        ConversionResult result;
        try
        {
            if (settings.Format == "json")
                result = DataCommandSupport.Guard(() => StudyConverter.Convert(settings.Input, format, settings.Out!, options));
            else
            {
                ConversionResult? converted = null;
                AnsiConsole.Progress().AutoClear(true).Start(ctx =>
                {
                    var task = ctx.AddTask($"Converting to {format.ToString().ToLowerInvariant()}");
                    converted = DataCommandSupport.Guard(() => StudyConverter.Convert(settings.Input, format, settings.Out!, options,
                        new Progress<(int Done, int Total, string Dataset)>(p => { task.MaxValue = p.Total; task.Value = p.Done; })));
                });
                result = converted!;
            }
        }
        catch (ArgumentException ex)
        {
            throw new UserFacingException($"The data do not fit {format.ToString().ToUpperInvariant()}: {ex.Message} Nothing was written.");
        }

        if (settings.Format == "json")
        {
            DataCommandSupport.WriteJson(result);
            return CliApp.Success;
        }
        foreach (var file in result.Files) AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(file)}[/]");
        if (result.Define is not null) AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(result.Define)}[/]");
        foreach (var note in result.Notes) AnsiConsole.MarkupLine($"[grey]note:[/] {Markup.Escape(note.Message)}");
        return CliApp.Success;
    }
}
