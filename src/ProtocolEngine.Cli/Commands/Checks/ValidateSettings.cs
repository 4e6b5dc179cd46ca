using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Cli.Commands.Checks;

/// <summary>The options of <c>protocol validate</c>; the database options name where findings are routed as data queries.</summary>
internal sealed class ValidateSettings : WorkflowDatabaseSettings
{
    [CommandArgument(0, "<protocol>")]
    [Description("The protocol file whose checks run (with the checks of the libraries it imports).")]
    public string Protocol { get; init; } = "";

    [CommandOption("--data <FOLDER>")]
    [Description("The study: a folder of datasets (.xpt, .json, .ndjson, .csv, with define.xml).")]
    public string? Data { get; init; }

    [CommandOption("--encoding <NAME>")]
    [Description(DataCommandSupport.EncodingDescription)]
    public string? Encoding { get; init; }

    [CommandOption("--format <FORMAT>")]
    [Description("text (default: the findings for people), json (the CDISC CORE report shape) or csv (one row per finding).")]
    [DefaultValue("text")]
    public string Format { get; init; } = "text";

    [CommandOption("--out <FILE>")]
    [Description("Also write a printable HTML report to this file.")]
    public string? Out { get; init; }

    [CommandOption("--check <ID>")]
    [Description("Run only this check (repeatable).")]
    public string[]? Checks { get; init; }

    [CommandOption("--max-details <N>")]
    [Description("List at most N findings per check and outcome (counts stay exact); 0 lists all.")]
    [DefaultValue(0)]
    public int MaxDetails { get; init; }

    [CommandOption("--as-of <DATE>")]
    [Description("The date rules see as today (ISO 8601); now by default.")]
    public string? AsOf { get; init; }

    public override ValidationResult Validate() =>
        OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json, OutputFormats.Csv) is { Successful: false } badFormat ? badFormat
        : string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("--data <FOLDER> is required.")
        : MaxDetails < 0 ? ValidationResult.Error("--max-details must be 0 or more.")
        : Databases.Validate(Database, required: false) is { Successful: false } badDatabase ? badDatabase
        : MaxDetails > 0 && Database.Count > 0 ? ValidationResult.Error("Data queries need every finding: --max-details cannot be used with a query database.")
        : AsOf is not null && !CqlDateTime.TryParseIso(AsOf, out _) ? ValidationResult.Error($"--as-of '{AsOf}' is not an ISO 8601 date.")
        : DataCommandSupport.ValidateEncoding(Encoding) is { Successful: false } badEncoding ? badEncoding
        : CliApp.OutputFileProblem(Db, "--db") is { } badDb ? ValidationResult.Error(badDb)
        : CliApp.OutputFileProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut) : ValidationResult.Success();
}
