namespace ProtocolEngine.Cli.Commands.Workflows;

/// <summary>The options of <c>protocol simulate</c>: a scenario, or a replay of study records.</summary>
internal sealed class SimulateSettings : CommandSettings
{
    /// <summary>The workflows.</summary>
    [CommandArgument(0, "<WORKFLOWS>")]
    [Description("The workflows: a .protocol file (compiled; every workflow block), or a .workflow.json file.")]
    public string Workflows { get; init; } = "";

    /// <summary>The scenario file.</summary>
    [CommandOption("--scenario <FILE>")]
    [Description("The scenario: events on a virtual clock (JSON, see docs/workflows.md).")]
    public string? Scenario { get; init; }

    /// <summary>Study data the protocol's rules read.</summary>
    [CommandOption("--data <PATH>")]
    [Description("Study data (a folder of XPT, Dataset-JSON or CSV datasets): the .protocol's own criteria, conditions and safety rules decide on it.")]
    public string? Data { get; init; }

    /// <summary>The encoding of the data files.</summary>
    [CommandOption("--encoding <NAME>")]
    [Description(Commands.Data.DataCommandSupport.EncodingDescription)]
    public string? Encoding { get; init; }

    /// <summary>The randomisation seed when the protocol states none.</summary>
    [CommandOption("--seed <N>")]
    [Description("With --data: the seed of the protocol's permuted-block randomisation, used instead of any seed the protocol states (a live trial keeps its seed secret). Without either, a fresh secret seed is drawn and the allocations differ between runs.")]
    public long? Seed { get; init; }

    /// <summary>Replay a domain of the study data instead of a scenario.</summary>
    [CommandOption("--replay <DOMAIN>")]
    [Description("Replay every record of a domain of --data (AE) through the protocol's per-record workflows, each arriving at its start date (Day 0 = awareness), people acting as --assumptions say; prints the clocks started, met and missed.")]
    public string? Replay { get; init; }

    /// <summary>How people behave in a replay.</summary>
    [CommandOption("--assumptions <NAME|FILE>")]
    [Description("For --replay: prompt (default), working-days, or a JSON file of review times and decisions (see docs/safety.md).")]
    public string? Assumptions { get; init; }

    /// <summary>Where to write the replay report.</summary>
    [CommandOption("--out <FILE>")]
    [Description("For --replay: also write the report (assumptions, clock tally, every clock, timeline) as Markdown.")]
    public string? Out { get; init; }

    /// <summary>The database to run on.</summary>
    [CommandOption("--db <FILE>")]
    [Description("A SQLite file to run on and keep (default: a temporary file, deleted afterwards).")]
    public string? Db { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        CliApp.OutputFileProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut)
        : CliApp.OutputFileProblem(Db, "--db") is { } badDb ? ValidationResult.Error(badDb)
        : Seed is not null && (Data is null || Replay is not null)
            ? ValidationResult.Error("--seed goes with --scenario and --data: it seeds the protocol's randomisation of the scenario's subjects.")
        : Replay is not null ? (Data is null || !Workflows.EndsWith(".protocol", StringComparison.OrdinalIgnoreCase)
                ? ValidationResult.Error("--replay needs a .protocol file and --data: the protocol's rules and workflows run on the study's records.")
                : Scenario is not null ? ValidationResult.Error("Give either --scenario or --replay, not both.") : ValidationResult.Success())
        : Assumptions is not null || Out is not null ? ValidationResult.Error("--assumptions and --out go with --replay.")
        : Scenario is null ? ValidationResult.Error("--scenario <FILE> is required (or --replay <DOMAIN> with --data).")
        : Data is not null && !Workflows.EndsWith(".protocol", StringComparison.OrdinalIgnoreCase) ? ValidationResult.Error("--data needs a .protocol file: its rules read the data.")
        : ValidationResult.Success();
}
