using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>
/// <c>protocol explain</c>: every criterion of one subject (or the one asked for) with the rule text, outcome, values read
/// and what is missing; natively over --data, or where the data are (--backend duckdb|postgres|clickhouse|auto).
/// </summary>
[Description("Explain one subject's screening: for every criterion (or --criterion) the rule text and hash, the outcome, the values the rule read, and for Unknown what is missing; natively, or in a database (--backend) with the values the database returns as read.")]
[ExitCode(CliApp.Success, "the subject was explained, whatever its status")]
internal sealed class ExplainCommand(CliConsole console) : Command<ExplainCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandOption("--subject <USUBJID>")]
        [Description("The subject to explain.")]
        public string? Subject { get; init; }

        [CommandOption("--criterion <ID>")]
        [Description("Only this criterion (its id, for example EXCL27).")]
        public string? Criterion { get; init; }

        [CommandOption("--backend <NAME>")]
        [Description("Where the subject is screened: native (default, over --data), duckdb (embedded, over --data), postgres or clickhouse (tables loaded by protocol data load) or auto (the database named, with the criteria it cannot decide run natively over --data).")]
        [DefaultValue("native")]
        public string Backend { get; init; } = "native";

        [CommandOption("--format <FORMAT>")]
        [Description(OutputFormats.TextOrJson)]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        public override ValidationResult Validate() =>
            Backend is not ("native" or "duckdb" or "postgres" or "clickhouse" or "auto") ? ValidationResult.Error($"Unknown backend '{Backend}'; use native, duckdb, postgres, clickhouse or auto.")
            : string.IsNullOrWhiteSpace(Subject) ? ValidationResult.Error("--subject <USUBJID> is required.")
            : Criterion is not null && string.IsNullOrWhiteSpace(Criterion) ? ValidationResult.Error("--criterion needs a criterion id.")
            : Backend == "postgres" && !NamesPostgres ? ValidationResult.Error("--backend postgres needs the database: --pg-env NAME, --pg-file PATH or --pg CONNSTR.")
            : Backend == "clickhouse" && !NamesClickHouse ? ValidationResult.Error("--backend clickhouse needs the cluster: --ch-env NAME, --ch-file PATH or --ch CONNSTR.")
            : NamesPostgres && NamesClickHouse ? ValidationResult.Error("Name one database: PostgreSQL (--pg...) or ClickHouse (--ch...), not both.")
            : Backend is "native" or "duckdb" && (NamesPostgres || NamesClickHouse || Schema is not null) ? ValidationResult.Error($"--backend {Backend} reads the study named by --data, not a database.")
            : Backend is "postgres" or "clickhouse" && string.IsNullOrWhiteSpace(Data) ? OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json)
            : Validate(Format, OutputFormats.Text, OutputFormats.Json);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Backend != "native") return Sql.BackendScreening.Explain(settings, console, cancellationToken);
        var (protocol, asOf, study) = ScreeningCommandSupport.Prepare(settings, console);
        if (settings.Criterion is { } wanted && !protocol.Criteria.Any(c => string.Equals(c.Id, wanted, StringComparison.OrdinalIgnoreCase)))
            throw new UserFacingException($"Criterion {wanted} is not in protocol {protocol.Name}; its criteria: {string.Join(", ", protocol.Criteria.Select(c => c.Id))}.");
        var options = new ScreeningOptions
        {
            AsOf = asOf,
            Phase = settings.Phase,
            Subjects = [settings.Subject!],
            RecordEvidence = true,
        };
        var result = ScreeningCommandSupport.Screen(protocol, study, options, console, cancellationToken);
        if (settings.Format == OutputFormats.Json) ScreeningJson.Write(result, console.Text);
        else
        {
            var subject = result.Subject(0);
            console.Text.Write(Only(SubjectExplanation.Text(result, subject), settings.Criterion));
            // An Unknown whose cause is a code or variable the study never holds says so (protocol fit).
            var fit = ProtocolEngine.Verification.Fit.DataFit.Check(protocol, study.Data);
            foreach (var c in subject.Criteria.Where(c => c.Outcome == ProtocolEngine.Runtime.Eligibility.CriterionOutcome.Unknown
                         && (settings.Criterion is null || string.Equals(c.Id, settings.Criterion, StringComparison.OrdinalIgnoreCase))))
                foreach (var f in ProtocolEngine.Verification.Fit.DataFit.Explaining(fit, c.Id))
                    console.Text.WriteLine($"{c.Id} is Unknown because the study does not hold what it reads: {f.Sentence}");
        }
        return CliApp.Success;
    }

    /// <summary>
    /// The account's header and the one criterion's section (sections are separated by an empty line and start with the
    /// id): the status stays the one decided over every criterion.
    /// </summary>
    private static string Only(string text, string? criterion)
    {
        if (criterion is null) return text;
        var sections = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n");
        var kept = sections.Take(1).Concat(sections.Skip(1).Where(s => s.StartsWith(criterion + " (", StringComparison.OrdinalIgnoreCase)));
        return string.Join("\n\n", kept).TrimEnd('\n') + "\n";
    }
}
