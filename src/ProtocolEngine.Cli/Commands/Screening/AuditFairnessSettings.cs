namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>The options of <see cref="AuditFairnessCommand"/>.</summary>
internal sealed class AuditFairnessSettings : ProtocolDataSettings
{
    [CommandOption("--by <VARIABLES>")]
    [Description("Comma-separated DM variables (AGEGROUP is derived from AGE). Default: SEX,RACE,ETHNIC,AGEGROUP.")]
    [DefaultValue("SEX,RACE,ETHNIC,AGEGROUP")]
    public string By { get; init; } = "SEX,RACE,ETHNIC,AGEGROUP";

    [CommandOption("--format <FORMAT>")]
    [Description(OutputFormats.TextOrJson)]
    [DefaultValue("text")]
    public string Format { get; init; } = "text";

    [CommandOption("--out <FILE>")]
    [Description("Also write the HTML screening report with the audit to this file.")]
    public string? Out { get; init; }

    public override ValidationResult Validate() =>
        Validate(Format, OutputFormats.Text, OutputFormats.Json) is { Successful: false } invalid ? invalid
        : string.IsNullOrWhiteSpace(By) ? ValidationResult.Error("--by needs at least one variable.")
        : CliApp.OutputFileProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut) : ValidationResult.Success();
}
