using ProtocolEngine.Cli.Commands.Data;

namespace ProtocolEngine.Cli.Commands.Safety;

/// <summary>The options of <c>protocol grade</c>.</summary>
internal sealed class GradeSettings : CommandSettings
{
    [CommandArgument(0, "[protocol]")]
    [Description("A protocol whose std.ctcae5 grades (resolved as its import is); default: the shipped standard library.")]
    public string? Protocol { get; init; }

    [CommandOption("--data <PATH>")]
    [Description("Study data with an LB dataset (a folder of XPT, Dataset-JSON or CSV datasets).")]
    public string? Data { get; init; }

    [CommandOption("--encoding <NAME>")]
    [Description(DataCommandSupport.EncodingDescription)]
    public string? Encoding { get; init; }

    [CommandOption("--records <FILE>")]
    [Description("Also write every graded result to this CSV file (subject, LBSEQ, values, limits, baseline, term, grade).")]
    public string? Records { get; init; }

    [CommandOption("--format <FORMAT>")]
    [Description(OutputFormats.TextOrJson)]
    [DefaultValue("text")]
    public string Format { get; init; } = "text";

    public override ValidationResult Validate() =>
        Data is null ? ValidationResult.Error("--data <PATH> is required.")
        : OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json) is { Successful: false } badFormat ? badFormat
        : Protocol is not null && !File.Exists(Protocol) ? ValidationResult.Error($"No such protocol file: {Protocol}")
        : CliApp.OutputFileProblem(Records, "--records") is { } error ? ValidationResult.Error(error)
        : DataCommandSupport.ValidateEncoding(Encoding);
}
