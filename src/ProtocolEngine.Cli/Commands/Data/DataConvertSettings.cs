using ProtocolEngine.Data.Loading;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>The options of <see cref="DataConvertCommand"/>.</summary>
internal sealed class DataConvertSettings : CommandSettings
{
    [CommandArgument(0, "<input>")]
    [Description("A folder of datasets (.xpt, .json, .ndjson, .parquet, .csv, with define.xml) or one dataset file.")]
    public string Input { get; init; } = "";

    [CommandOption("--to <FORMAT>")]
    [Description("The datasets' format: xpt, json, ndjson, csv or parquet (columnar, the fastest to load).")]
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
        !DataFileFormats.TryParseConversionTarget(To, out _) ? ValidationResult.Error("--to must be xpt, json, ndjson, csv or parquet.")
        : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out <FOLDER> is required.")
        : CliApp.OutputFolderProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut)
        : OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json) is { Successful: false } bad ? bad
        : DataCommandSupport.ValidateEncoding(Encoding);
}
