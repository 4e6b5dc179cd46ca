using System.ComponentModel;
using ProtocolEngine.Checks.Queries;
using ProtocolEngine.Storage.Connections;
using ProtocolEngine.Storage.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Checks;

/// <summary><c>protocol queries list</c>: the data queries of a workflow database, open ones first.</summary>
[Description("List the data queries that protocol validate routed to roles: open ones (with their task), or all with --all.")]
internal sealed class QueriesListCommand(IAnsiConsole console) : AsyncCommand<QueriesListCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--db <PATH>")]
        [Description("The SQLite workflow database file.")]
        public string? Db { get; init; }

        [CommandOption("--pg <CONNSTR>")]
        [Description(Databases.PgDescription)]
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

        [CommandOption("--all")]
        [Description("Include closed queries.")]
        public bool All { get; init; }

        public override ValidationResult Validate() => Databases.Validate(Database, required: true);
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DapperWorkflowStore store;
        try { store = await WorkflowStores.OpenExistingAsync(Databases.Resolve(settings.Database)!, cancellationToken); }
        catch (InvalidDataException ex) { throw new UserFacingException(ex.Message); }
        var queries = await new DataQueryService(DataQueryService.CreateEngine(store)).ListAsync(settings.All, cancellationToken);
        var table = new Table().AddColumns("Query", "Role", "State", "Check", "Subject", "Record", "Opened", "Message", "Task");
        foreach (var q in queries)
            table.AddRow(Markup.Escape(q.Id), Markup.Escape(q.Role), q.State, Markup.Escape(q.CheckId), Markup.Escape(q.SubjectId ?? ""),
                Markup.Escape($"{q.Dataset} {q.RecordKey}".Trim()), q.OpenedAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(q.Message ?? ""), Markup.Escape(q.TaskId ?? ""));
        console.Write(table);
        console.MarkupLineInterpolated($"{queries.Count(q => q.State != "Closed")} open, {queries.Count(q => q.State == "Closed")} closed.");
        return CliApp.Success;
    }
}
