using ProtocolEngine.Cli.Commands.Data;

namespace ProtocolEngine.Cli.Commands.Evidence;

/// <summary>The options of <c>protocol evidence</c>.</summary>
internal sealed class EvidenceSettings : CommandSettings
{
    [CommandArgument(0, "<protocol>")]
    [Description("The .protocol file.")]
    public string Protocol { get; init; } = "";

    [CommandOption("--data <PATH>")]
    [Description("The study: an SDTM folder (XPT, Dataset-JSON, NDJSON or CSV) or a FHIR R4 bundle.")]
    public string? Data { get; init; }

    [CommandOption("--encoding <NAME>")]
    [Description(DataCommandSupport.EncodingDescription)]
    public string? Encoding { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("The zip to write (replaced only once it is complete).")]
    public string? Out { get; init; }

    [CommandOption("--as-of <DATE>")]
    [Description("The date every rule takes as today (YYYY-MM-DD). Default: today.")]
    public string? AsOf { get; init; }

    [CommandOption("--conformance <FOLDER>")]
    [Description("A folder of HL7 CQL conformance test files to run into the pack (for example ../shared/conformance/cql).")]
    public string? Conformance { get; init; }

    [CommandOption("--db <FILE>")]
    [Description("A SQLite workflow database whose journal is verified and whose signatures are listed.")]
    public string? Db { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("--data <PATH> is required.")
        : DataCommandSupport.ValidateEncoding(Encoding) is { Successful: false } badEncoding ? badEncoding
        : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out <FILE> is required.")
        : CliApp.OutputFileProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut)
        : ValidationResult.Success();
}
