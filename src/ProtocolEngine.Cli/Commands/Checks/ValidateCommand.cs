using System.ComponentModel;
using ProtocolEngine.Checks.Queries;
using ProtocolEngine.Checks.Reports;
using ProtocolEngine.Checks.Results;
using ProtocolEngine.Checks;
using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Storage.Connections;
using ProtocolEngine.Storage.Workflows;
using Spectre.Console.Cli;
using Spectre.Console;

namespace ProtocolEngine.Cli.Commands.Checks;

/// <summary><c>protocol validate</c>: runs a protocol's data checks over a study and reports like CDISC CORE.</summary>
[Description("Run a protocol's data checks over SDTM data. Exit code 0 when no check at error severity or above fails, 1 when one does (or cannot run), 2 on usage or I/O failure.")]
internal sealed class ValidateCommand : AsyncCommand<ValidateCommand.Settings>
{
    public sealed class Settings : CommandSettings
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
        [Description("Output on stdout: text (default), json (CDISC CORE report shape) or csv (one row per finding).")]
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

        [CommandOption("--db <PATH>")]
        [Description("Route findings of checks with `query to ROLE` as data queries into this SQLite workflow database (created when missing): new findings open queries, fixed data close them.")]
        public string? Db { get; init; }

        [CommandOption("--pg <CONNSTR>")]
        [Description("The same, in a PostgreSQL workflow database: a connection string without a password (see --pg-env, --pg-file).")]
        public string? Pg { get; init; }

        [CommandOption("--pg-env <NAME>")]
        [Description(Databases.PgEnvDescription)]
        public string? PgEnv { get; init; }

        [CommandOption("--pg-file <PATH>")]
        [Description(Databases.PgFileDescription)]
        public string? PgFile { get; init; }

        [CommandOption("--sqlserver <CONNSTR>")]
        [Description(Databases.SqlServerDescription)]
        public string? SqlServer { get; init; }

        [CommandOption("--sqlserver-env <NAME>")]
        [Description(Databases.SqlServerEnvDescription)]
        public string? SqlServerEnv { get; init; }

        [CommandOption("--sqlserver-file <PATH>")]
        [Description(Databases.SqlServerFileDescription)]
        public string? SqlServerFile { get; init; }

        public DatabaseOptions Database => new(Db, Pg, PgEnv, PgFile, SqlServer, SqlServerEnv, SqlServerFile);

        [CommandOption("--as-of <DATE>")]
        [Description("The date rules see as today (ISO 8601); now by default.")]
        public string? AsOf { get; init; }

        public override ValidationResult Validate()
        {
            if (Format is not ("text" or "json" or "csv")) return ValidationResult.Error($"Unknown format '{Format}'; use text, json or csv.");
            if (string.IsNullOrWhiteSpace(Data)) return ValidationResult.Error("--data <FOLDER> is required.");
            if (MaxDetails < 0) return ValidationResult.Error("--max-details must be 0 or more.");
            if (Databases.Validate(Database, required: false) is { Successful: false } badDatabase) return badDatabase;
            if (MaxDetails > 0 && Database.Count > 0) return ValidationResult.Error("Data queries need every finding: --max-details cannot be used with a query database.");
            if (AsOf is not null && !CqlDateTime.TryParseIso(AsOf, out _)) return ValidationResult.Error($"--as-of '{AsOf}' is not an ISO 8601 date.");
            if (DataCommandSupport.ValidateEncoding(Encoding) is { Successful: false } badEncoding) return badEncoding;
            if (CliApp.OutputFileProblem(Db, "--db") is { } badDb) return ValidationResult.Error(badDb);
            return CliApp.OutputFileProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut) : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Protocol)) throw new UserFacingException($"No such protocol file: {settings.Protocol}");
        var compiled = ProtocolLoader.Shipped.Load(settings.Protocol);
        if (compiled.HasErrors)
        {
            foreach (var d in compiled.Diagnostics.Where(d => d.IsError)) Console.Error.Write(DiagnosticRenderer.ToText(d));
            throw new UserFacingException($"{settings.Protocol} has errors; its checks cannot run.");
        }
        try { CheckRunner.RequireChecks(compiled, settings.Checks is { Length: > 0 } selected ? selected : null); }
        catch (ArgumentException ex) { throw new UserFacingException($"--check: {ex.Message}"); }
        // Progress bars only on an interactive terminal: piped text and machine-readable output stay clean.
        bool quiet = settings.Format != "text" || !AnsiConsole.Profile.Capabilities.Interactive;
        var study = DataCommandSupport.Load(settings.Data!, new StudyLoadOptions { Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) }, quiet);
        var options = new CheckRunOptions
        {
            AsOf = settings.AsOf is null ? null : CqlDateTime.ParseIso(settings.AsOf),
            DetailLimit = settings.MaxDetails,
            Only = settings.Checks is { Length: > 0 } ids ? ids : null,
            Engine = "ProtocolEngine " + CliApp.Version,
        };
        var report = quiet ? CheckRunner.Run(compiled, study, options, cancellationToken) : RunWithProgress(compiled, study, options, cancellationToken);

        switch (settings.Format)
        {
            case "json": Console.Out.WriteLine(CoreJsonReport.ToJson(report)); break;
            case "csv": CsvReport.Write(report, Console.Out); break;
            default: TextReport.Write(report, Console.Out); break;
        }
        if (settings.Out is { } path) OutputFiles.WriteText(path, w => HtmlReport.Write(report, w));
        if (Databases.Resolve(settings.Database) is { } database)
        {
            DapperWorkflowStore store;
            try { store = await WorkflowStores.OpenAsync(database, cancellationToken); }
            catch (InvalidDataException ex) { throw new UserFacingException(ex.Message); }
            QuerySyncResult sync;
            try
            {
                sync = await new DataQueryService(DataQueryService.CreateEngine(store)).SyncAsync(compiled, study.Data, report, options, "validate", cancellationToken);
            }
            catch (System.Data.Common.DbException ex)
            {
                throw new UserFacingException(ConnectionSettings.MaskSecrets($"{database.Description} failed while routing queries: {ex.Message}"));
            }
            // Machine-readable output stays alone on stdout.
            var summary = settings.Format == "text" ? Console.Out : Console.Error;
            summary.WriteLine($"Data queries: {sync.Opened} opened, {sync.Closed} closed, {sync.Reopened} sent back, {sync.StillOpen} still open, {sync.Unchanged.Count} not decided by this run.");
            foreach (var u in sync.Unchanged.Take(20)) summary.WriteLine($"  {u.Query.CheckId} {u.Query.SubjectId} {u.Query.RecordKey}: {u.Reason}");
        }
        return report.HasBlockingIssues ? CliApp.Findings : CliApp.Success;
    }

    private static ValidationReport RunWithProgress(CompiledProtocol compiled, LoadedStudy study, CheckRunOptions options, CancellationToken token)
    {
        ValidationReport? report = null;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("Checking subjects", maxValue: Math.Max(1, study.Data.SubjectCount));
            var withProgress = new CheckRunOptions
            {
                AsOf = options.AsOf, DetailLimit = options.DetailLimit, Only = options.Only, Engine = options.Engine,
                Progress = new Progress<(long Done, long Total)>(p => task.Value = p.Done),
            };
            report = CheckRunner.Run(compiled, study, withProgress, token);
            task.Value = task.MaxValue;
        });
        return report!;
    }
}
