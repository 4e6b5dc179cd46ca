using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>The options of <see cref="SynthCommand"/>.</summary>
internal sealed class SynthSettings : CommandSettings
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

    [CommandOption("--to <FORMAT>")]
    [Description("The datasets' format: xpt (default), json, ndjson or csv.")]
    [DefaultValue("xpt")]
    public string To { get; init; } = "xpt";

    [CommandOption("--format <FORMAT>")]
    [Description("What this command prints: text (default: the datasets and their records, for people) or json (a summary for programs).")]
    [DefaultValue("text")]
    public string Format { get; init; } = "text";

    public override ValidationResult Validate() =>
        Subjects <= 0 ? ValidationResult.Error("--subjects must be positive.")
        : !DataFileFormats.TryParse(To, out var to) ? ValidationResult.Error("--to must be xpt, json, ndjson or csv.")
        : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out <FOLDER> is required.")
        : CliApp.OutputFolderProblem(Out, "--out", PopulationGenerator.FileNames(to)) is { } badOut ? ValidationResult.Error(badOut)
        : DataFileFormats.TryParse(Format, out _) && Format != OutputFormats.Json ? ValidationResult.Error($"--format is what this command prints (text or json); the datasets' format is --to {Format}.")
        : OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json);
}
