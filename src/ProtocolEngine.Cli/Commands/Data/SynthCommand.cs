using System.ComponentModel;
using System.Diagnostics;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>`protocol synth --subjects N --seed S --out FOLDER [--format F]`: writes a synthetic SDTM population.</summary>
internal sealed class SynthCommand : Command<SynthCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--subjects <N>")]
        [Description("How many subjects to generate (screen failures included).")]
        [DefaultValue(1000)]
        public int Subjects { get; init; } = 1000;

        [CommandOption("--seed <S>")]
        [Description("The seed; the same seed always gives the same population.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; } = 1;

        [CommandOption("--out <FOLDER>")]
        [Description("The folder to write to (created when missing).")]
        public string? Out { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("xpt (default), json, ndjson or csv.")]
        [DefaultValue("xpt")]
        public string Format { get; init; } = "xpt";

        [CommandOption("--quiet")]
        [Description("No progress bar; print a JSON summary instead.")]
        public bool Quiet { get; init; }

        public override ValidationResult Validate()
        {
            if (Subjects <= 0) return ValidationResult.Error("--subjects must be positive.");
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out <FOLDER> is required.");
            if (CliApp.OutputFolderProblem(Out, "--out", PopulationGenerator.FileNames(DataFileFormats.TryParse(Format, out var f) ? f : DataFileFormat.Xpt)) is { } badOut) return ValidationResult.Error(badOut);
            return DataFileFormats.TryParse(Format, out _) ? ValidationResult.Success() : ValidationResult.Error("--format must be xpt, json, ndjson or csv.");
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DataFileFormats.TryParse(settings.Format, out var format);
        var options = new SynthOptions { Subjects = settings.Subjects, Seed = settings.Seed, Format = format };
        var watch = Stopwatch.StartNew();
        SynthResult result;
        if (settings.Quiet) result = PopulationGenerator.Generate(settings.Out!, options, null, cancellationToken);
        else
        {
            SynthResult? generated = null;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"Generating {settings.Subjects:N0} subjects", maxValue: settings.Subjects);
                    generated = PopulationGenerator.Generate(settings.Out!, options, new Progress<long>(n => task.Value = n), cancellationToken);
                    task.Value = settings.Subjects;
                });
            result = generated!;
        }
        watch.Stop();
        if (settings.Quiet)
        {
            DataCommandSupport.WriteJson(new { result.Subjects, result.Files, result.Records, Seconds = Math.Round(watch.Elapsed.TotalSeconds, 2) });
            return CliApp.Success;
        }
        var table = new Table().Border(TableBorder.Rounded).Title($"{result.Subjects:N0} subjects, seed {settings.Seed}, {watch.Elapsed.TotalSeconds:F1} s");
        table.AddColumns("Dataset", "Records");
        table.Columns[1].RightAligned();
        foreach (var (name, count) in result.Records) table.AddRow(name, count.ToString("N0"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(Path.GetFullPath(settings.Out!))}[/]");
        return CliApp.Success;
    }
}
