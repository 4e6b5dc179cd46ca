namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>The options every screening command takes: the protocol, the population, "today" and the phase.</summary>
internal class ProtocolDataSettings : CommandSettings
{
    [CommandArgument(0, "<protocol>")]
    [Description("The .protocol file.")]
    public string Protocol { get; init; } = "";

    [CommandOption("--data <PATH>")]
    [Description("The population: an SDTM folder (XPT, Dataset-JSON, NDJSON or CSV) or a FHIR R4 bundle.")]
    public string? Data { get; init; }

    [CommandOption("--encoding <NAME>")]
    [Description(Commands.Data.DataCommandSupport.EncodingDescription)]
    public string? Encoding { get; init; }

    [CommandOption("--as-of <DATE>")]
    [Description("The date every rule takes as today (YYYY-MM-DD), for reproducible results. Default: today.")]
    public string? AsOf { get; init; }

    [CommandOption("--phase <NAME>")]
    [Description("Only the criteria of this phase (for example prescreen).")]
    public string? Phase { get; init; }

    /// <summary>The --format of the command, validated against the formats it offers.</summary>
    protected ValidationResult Validate(string format, params string[] formats) =>
        string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("--data <PATH> is required.")
        : OutputFormats.Check(format, formats) is { Successful: false } bad ? bad
        : Commands.Data.DataCommandSupport.ValidateEncoding(Encoding);
}
