namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>The options of <see cref="DataInspectCommand"/>.</summary>
internal sealed class DataInspectSettings : CommandSettings
{
    [CommandArgument(0, "<path>")]
    [Description("A folder of datasets (.xpt, .json, .ndjson, .csv, with define.xml) or one dataset file.")]
    public string Path { get; init; } = "";

    [CommandOption("--format <FORMAT>")]
    [Description(OutputFormats.TextOrJson)]
    [DefaultValue("text")]
    public string Format { get; init; } = "text";

    [CommandOption("--encoding <NAME>")]
    [Description(DataCommandSupport.EncodingDescription)]
    public string? Encoding { get; init; }

    [CommandOption("--variables")]
    [Description("Also list every variable with its missing-value count.")]
    public bool Variables { get; init; }

    [CommandOption("--strict")]
    [Description("Fail on datasets that neither SDTMIG 3.4 nor define.xml describes.")]
    public bool Strict { get; init; }

    [CommandOption("--allow-malformed-dates")]
    [Description("Report --DTC values that are not ISO 8601 instead of failing.")]
    public bool AllowMalformedDates { get; init; }

    public override ValidationResult Validate() =>
        OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json) is { Successful: false } bad ? bad : DataCommandSupport.ValidateEncoding(Encoding);
}
