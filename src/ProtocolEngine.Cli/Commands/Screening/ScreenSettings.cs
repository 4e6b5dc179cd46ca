namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>The options of <see cref="ScreenCommand"/>.</summary>
internal sealed class ScreenSettings : DatabaseSettings
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

    [CommandOption("--backend <NAME>")]
    [Description("Where the criteria are decided: native (default), duckdb (embedded, over --data), postgres or clickhouse (tables loaded by protocol data load) or auto (duckdb, or the database named, with the criteria a database cannot decide run natively); rulesengine runs the rules Microsoft RulesEngine can express through it (over --data) and the others natively.")]
    [DefaultValue("native")]
    public string Backend { get; init; } = "native";

    [CommandOption("--threads <N>")]
    [Description("Worker threads (default: one per core).")]
    public int? Threads { get; init; }

    public override ValidationResult Validate() =>
        Backend is not ("native" or "duckdb" or "postgres" or "clickhouse" or "auto" or "rulesengine") ? ValidationResult.Error($"Unknown backend '{Backend}'; use native, duckdb, postgres, clickhouse, auto or rulesengine.")
        : Backend == "rulesengine" && (NamesPostgres || NamesClickHouse || Schema is not null) ? ValidationResult.Error("--backend rulesengine reads the study named by --data, not a database.")
        : Backend == "postgres" && !NamesPostgres ? ValidationResult.Error("--backend postgres needs the database: --pg-env NAME, --pg-file PATH or --pg CONNSTR.")
        : Backend == "clickhouse" && !NamesClickHouse ? ValidationResult.Error("--backend clickhouse needs the cluster: --ch-env NAME, --ch-file PATH or --ch CONNSTR.")
        : NamesPostgres && NamesClickHouse ? ValidationResult.Error("Name one database: PostgreSQL (--pg...) or ClickHouse (--ch...), not both.")
        : Backend == "postgres" && NamesClickHouse || Backend == "clickhouse" && NamesPostgres ? ValidationResult.Error($"--backend {Backend} reads the database it names; the other database's options do not apply.")
        : Backend != "native" && (Out is not null || Ie is not null || Format == OutputFormats.Csv) ? ValidationResult.Error("--out, --ie and --format csv need --backend native (a database's result has outcomes and statuses, not the evidence a report shows).")
        : Backend is "postgres" or "clickhouse" && string.IsNullOrWhiteSpace(Data) ? OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json)
        : Validate(Format, OutputFormats.Text, OutputFormats.Json, OutputFormats.Csv) is { Successful: false } invalid ? invalid
        : Evidence is not ("auto" or "full" or "none") ? ValidationResult.Error($"Unknown evidence mode '{Evidence}'; use auto, full or none.")
        : CliApp.OutputFileProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut)
        : CliApp.OutputFolderProblem(Ie, "--ie", "ie.xpt", "ie.json", "ie.ndjson", "ie.csv") is { } badIe ? ValidationResult.Error(badIe)
        : Threads is <= 0 ? ValidationResult.Error("--threads must be positive.") : ValidationResult.Success();
}
