using System.ComponentModel;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Journal;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Workflows;

/// <summary><c>protocol journal verify</c>: checks every instance's journal hash chain; exit 1 names the first bad entry of each instance.</summary>
internal sealed class JournalVerifyCommand(IAnsiConsole console) : AsyncCommand<JournalVerifyCommand.Settings>
{
    /// <summary>Where the journal is.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>A SQLite workflow database.</summary>
        [CommandOption("--db <PATH>")]
        [Description("The SQLite workflow database file.")]
        public string? Db { get; init; }

        /// <summary>A PostgreSQL connection string.</summary>
        [CommandOption("--pg <CONNSTR>")]
        [Description("A PostgreSQL connection string (Host=...;Database=...).")]
        public string? Pg { get; init; }

        /// <summary>A SQL Server connection string.</summary>
        [CommandOption("--sqlserver <CONNSTR>")]
        [Description("A SQL Server connection string.")]
        public string? SqlServer { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            new[] { Db, Pg, SqlServer }.Count(x => x is not null) == 1 ? ValidationResult.Success() : ValidationResult.Error("Name exactly one database: --db PATH, --pg CONNSTR or --sqlserver CONNSTR.");
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DapperWorkflowStore store;
        try { store = await WorkflowStores.OpenExistingAsync(settings.Db, settings.Pg, settings.SqlServer, cancellationToken); }
        catch (InvalidDataException ex) { throw new UserFacingException(ex.Message); }
        JournalAuditResult result = null!;
        await console.Status().StartAsync("Verifying journals...", async ctx =>
            result = await JournalAudit.VerifyAsync(store, n => ctx.Status($"Verifying journals... {n:N0} instances"), cancellationToken));
        if (result.Problems.Count == 0)
        {
            console.MarkupLineInterpolated($"[green]Journal intact:[/] {result.Instances:N0} instances, {result.Entries:N0} entries, every hash and link verified.");
            return CliApp.Success;
        }
        var table = new Table().AddColumns("Instance", "Entry", "Problem", "Detail");
        foreach (var p in result.Problems) table.AddRow(Markup.Escape(p.InstanceId), p.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Kind.ToString().ToLowerInvariant(), Markup.Escape(p.Message));
        console.Write(table);
        console.MarkupLineInterpolated($"[red]Journal damaged:[/] {result.Problems.Count} of {result.Instances:N0} instances fail verification.");
        return CliApp.Findings;
    }
}
