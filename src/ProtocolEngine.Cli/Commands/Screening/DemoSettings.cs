namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>The options of <c>protocol demo</c>.</summary>
internal sealed class DemoSettings : CommandSettings
{
    [CommandOption("--subjects <N>")]
    [Description("Subjects in the synthetic population.")]
    [DefaultValue(2000)]
    public int Subjects { get; init; } = 2000;

    [CommandOption("--seed <S>")]
    [Description("Seed of the population (the same seed gives the same population).")]
    [DefaultValue(1UL)]
    public ulong Seed { get; init; } = 1;

    [CommandOption("--protocols <FOLDER>")]
    [Description("Where the protocols are (their std/ libraries are not screened).")]
    [DefaultValue("protocols")]
    public string Protocols { get; init; } = "protocols";

    [CommandOption("--out <FOLDER>")]
    [Description("The folder the population, the HTML reports and the demo server's data go to (created when missing).")]
    [DefaultValue("out/demo")]
    public string Out { get; init; } = "out/demo";

    [CommandOption("--as-of <DATE>")]
    [Description("The date every rule takes as today (YYYY-MM-DD); default 2025-06-01, after the population's screening dates.")]
    [DefaultValue("2025-06-01")]
    public string AsOf { get; init; } = "2025-06-01";

    [CommandOption("--no-serve")]
    [Description("Stop after the summary and the reports (tests and CI); without it the server starts and serves until Ctrl-C.")]
    public bool NoServe { get; init; }

    [CommandOption("--urls <URLS>")]
    [Description("Where the demo server listens.")]
    [DefaultValue("http://127.0.0.1:5080")]
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    [CommandOption("--pilot-data <DIR>")]
    [Description("The pilot study's SDTM folder the demo server registers (skipped with a note when missing).")]
    [DefaultValue("../shared/data/sdtm/cdiscpilot01")]
    public string PilotData { get; init; } = "../shared/data/sdtm/cdiscpilot01";

    public override ValidationResult Validate() =>
        Subjects is not (> 0 and <= 10_000_000) ? ValidationResult.Error("--subjects must be between 1 and 10,000,000.")
        : CliApp.OutputFolderProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut)
        : ValidationResult.Success();
}
