namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>The options of <see cref="ScreenCommand"/>.</summary>
internal sealed class ScreenSettings : ProtocolDataSettings
{
    [CommandOption("--format <FORMAT>")]
    [Description(OutputFormats.TextJsonOrCsv)]
    [DefaultValue("text")]
    public string Format { get; init; } = "text";

    [CommandOption("--out <FILE>")]
    [Description("Also write a self-contained HTML report to this file (attrition funnel, outcomes, review list, fairness, protocol text and hashes).")]
    public string? Out { get; init; }

    [CommandOption("--ie <FOLDER>")]
    [Description("Also write the IE dataset (criteria not met) into this folder, in the input's format.")]
    public string? Ie { get; init; }

    [CommandOption("--evidence <MODE>")]
    [Description("auto (default: kept up to 50,000 subjects), full or none.")]
    [DefaultValue("auto")]
    public string Evidence { get; init; } = "auto";

    [CommandOption("--threads <N>")]
    [Description("Worker threads (default: one per core).")]
    public int? Threads { get; init; }

    public override ValidationResult Validate() =>
        Validate(Format, OutputFormats.Text, OutputFormats.Json, OutputFormats.Csv) is { Successful: false } invalid ? invalid
        : Evidence is not ("auto" or "full" or "none") ? ValidationResult.Error($"Unknown evidence mode '{Evidence}'; use auto, full or none.")
        : CliApp.OutputFileProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut)
        : CliApp.OutputFolderProblem(Ie, "--ie", "ie.xpt", "ie.json", "ie.ndjson", "ie.csv") is { } badIe ? ValidationResult.Error(badIe)
        : Threads is <= 0 ? ValidationResult.Error("--threads must be positive.") : ValidationResult.Success();
}
