using System.ComponentModel;
using ProtocolEngine.Storage.Connections;
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

        /// <summary>A database option.</summary>
        [CommandOption("--pg <CONNSTR>")]
        [Description(Databases.PgDescription)]
        public string? Pg { get; init; }

        /// <summary>A database option.</summary>
        [CommandOption("--pg-env <NAME>")]
        [Description(Databases.PgEnvDescription)]
        public string? PgEnv { get; init; }

        /// <summary>A database option.</summary>
        [CommandOption("--pg-file <PATH>")]
        [Description(Databases.PgFileDescription)]
        public string? PgFile { get; init; }

        /// <summary>A database option.</summary>
        [CommandOption("--sqlserver <CONNSTR>")]
        [Description(Databases.SqlServerDescription)]
        public string? SqlServer { get; init; }

        /// <summary>A database option.</summary>
        [CommandOption("--sqlserver-env <NAME>")]
        [Description(Databases.SqlServerEnvDescription)]
        public string? SqlServerEnv { get; init; }

        /// <summary>A database option.</summary>
        [CommandOption("--sqlserver-file <PATH>")]
        [Description(Databases.SqlServerFileDescription)]
        public string? SqlServerFile { get; init; }

        /// <summary>The database named.</summary>
        public DatabaseOptions Database => new(Db, Pg, PgEnv, PgFile, SqlServer, SqlServerEnv, SqlServerFile);

        /// <inheritdoc />
        public override ValidationResult Validate() => Databases.Validate(Database, required: true);
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DapperWorkflowStore store;
        try { store = await WorkflowStores.OpenExistingAsync(Databases.Resolve(settings.Database)!, cancellationToken); }
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
