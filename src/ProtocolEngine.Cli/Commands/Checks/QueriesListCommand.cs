using ProtocolEngine.Checks.Queries;

namespace ProtocolEngine.Cli.Commands.Checks;

/// <summary><c>protocol queries list</c>: the data queries of a workflow database, open ones first.</summary>
[Description("List the data queries that protocol validate routed to roles: open ones (with their task), or all with --all.")]
[ExitCode(CliApp.Success, "the queries were listed (open ones or not)")]
internal sealed class QueriesListCommand(CliConsole console) : AsyncCommand<QueriesListCommand.Settings>
{
    public sealed class Settings : WorkflowDatabaseSettings
    {
        [CommandOption("--all")]
        [Description("Include closed queries.")]
        public bool All { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var store = await Databases.OpenStoreAsync(Databases.Resolve(settings.Database, console)!, existing: true, cancellationToken);
        var queries = await new DataQueryService(DataQueryService.CreateEngine(store)).ListAsync(settings.All, cancellationToken);
        var table = new AdaptiveTable().Columns("Query", "Role", "State", "Check", "Subject", "Record", "Opened", "Message", "Task");
        foreach (var q in queries)
            table.Row(Markup.Escape(q.Id), Markup.Escape(q.Role), q.State, Markup.Escape(q.CheckId), Markup.Escape(q.SubjectId ?? ""),
                Markup.Escape($"{q.Dataset} {q.RecordKey}".Trim()), q.OpenedAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(q.Message ?? ""), Markup.Escape(q.TaskId ?? ""));
        table.Write(console.Out);
        console.Out.MarkupLineInterpolated($"{queries.Count(q => q.State != "Closed")} open, {queries.Count(q => q.State == "Closed")} closed.");
        return CliApp.Success;
    }
}
