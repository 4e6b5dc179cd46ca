using ProtocolEngine.Checks;
using ProtocolEngine.Checks.Queries;
using ProtocolEngine.Checks.Reports;
using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Storage.Connections;

namespace ProtocolEngine.Cli.Commands.Checks;

/// <summary><c>protocol validate</c>: runs a protocol's data checks over a study and reports like CDISC CORE.</summary>
[Description("Run a protocol's data checks over SDTM data; with a database (--db, --pg-env, ...), route the findings of checks with `query to ROLE` as data queries: new findings open queries, fixed data close them.")]
[ExitCode(CliApp.Success, "no check at error severity or above fails")]
[ExitCode(CliApp.Findings, "a check at error severity or above fails, or cannot run")]
internal sealed class ValidateCommand(CliConsole console) : AsyncCommand<ValidateSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ValidateSettings settings, CancellationToken cancellationToken)
    {
        var compiled = ProtocolCommandSupport.CompileOrReport(settings.Protocol, console);
        try { CheckRunner.RequireChecks(compiled, settings.Checks is { Length: > 0 } selected ? selected : null); }
        catch (ArgumentException ex) { throw new UserFacingException($"--check: {ex.Message}"); }
        var study = DataCommandSupport.Load(settings.Data!, new StudyLoadOptions { Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) }, console);
        var report = console.Progress("Checking subjects", progress => CheckRunner.Run(compiled, study, Options(settings, progress), cancellationToken));
        switch (settings.Format)
        {
            case OutputFormats.Json: console.Text.WriteLine(CoreJsonReport.ToJson(report)); break;
            case OutputFormats.Csv: CsvReport.Write(report, console.Text); break;
            default: TextReport.Write(report, console.Text); break;
        }
        if (settings.Out is { } path) OutputFiles.WriteText(path, w => HtmlReport.Write(report, w));
        if (Databases.Resolve(settings.Database, console) is not { } database) return report.HasBlockingIssues ? CliApp.Findings : CliApp.Success;
        var store = await Databases.OpenStoreAsync(database, existing: false, cancellationToken);
        QuerySyncResult sync;
        try { sync = await new DataQueryService(DataQueryService.CreateEngine(store)).SyncAsync(compiled, study.Data, report, Options(settings, null), "validate", cancellationToken); }
        catch (System.Data.Common.DbException ex) { throw new UserFacingException(ConnectionSettings.MaskSecrets($"{database.Description} failed while routing queries: {ex.Message}")); }
        // Machine-readable output stays alone on stdout.
        sync.WriteSummary(settings.Format == OutputFormats.Text ? console.Text : console.Error);
        return report.HasBlockingIssues ? CliApp.Findings : CliApp.Success;
    }

    private static CheckRunOptions Options(ValidateSettings settings, Action<double, double?>? progress) => new()
    {
        AsOf = settings.AsOf is null ? null : CqlDateTime.ParseIso(settings.AsOf),
        DetailLimit = settings.MaxDetails,
        Only = settings.Checks is { Length: > 0 } ids ? ids : null,
        Engine = "ProtocolEngine " + CliApp.Version,
        Progress = progress is null ? null : new Progress<(long Done, long Total)>(p => progress(p.Done, p.Total)),
    };
}
