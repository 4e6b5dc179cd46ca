using ProtocolEngine.Workflows.Journal;

namespace ProtocolEngine.Cli.Commands.Workflows;

/// <summary><c>protocol journal verify</c>: checks every instance's journal hash chain; exit 1 names the first bad entry of each instance.</summary>
[ExitCode(CliApp.Success, "every journal is intact")]
[ExitCode(CliApp.Findings, "an instance's journal has an edited, missing or reordered entry (each is listed)")]
internal sealed class JournalVerifyCommand(CliConsole console) : AsyncCommand<WorkflowDatabaseSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, WorkflowDatabaseSettings settings, CancellationToken cancellationToken)
    {
        var store = await Databases.OpenStoreAsync(Databases.Resolve(settings.Database, console)!, existing: true, cancellationToken);
        var result = await console.ProgressAsync("Verifying journals", report => JournalAudit.VerifyAsync(store, n => report(n, null), cancellationToken));
        if (result.Problems.Count == 0)
        {
            console.Out.MarkupLineInterpolated($"[green]Journal intact:[/] {result.Instances:N0} instances, {result.Entries:N0} entries, every hash and link verified.");
            return CliApp.Success;
        }
        var table = new AdaptiveTable().Columns("Instance").NumberColumns("Entry").Columns("Problem", "Detail");
        foreach (var p in result.Problems) table.Row(Markup.Escape(p.InstanceId), p.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Kind.ToString().ToLowerInvariant(), Markup.Escape(p.Message));
        table.Write(console.Out);
        console.Out.MarkupLineInterpolated($"[red]Journal damaged:[/] {result.Problems.Count} of {result.Instances:N0} instances fail verification.");
        return CliApp.Findings;
    }
}
