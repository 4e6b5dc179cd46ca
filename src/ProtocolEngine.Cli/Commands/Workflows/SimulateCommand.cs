using ProtocolEngine.Workflows.Simulation;

namespace ProtocolEngine.Cli.Commands.Workflows;

/// <summary><c>protocol simulate</c>: runs a scenario of events on a virtual clock and prints the timeline and final states.</summary>
[ExitCode(CliApp.Success, "every expectation of the scenario was met (with --replay: every record was replayed)")]
[ExitCode(CliApp.Findings, "an expectation was not met or a workflow faulted (with --replay: a record was refused)")]
internal sealed class SimulateCommand(CliConsole console) : AsyncCommand<SimulateSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, SimulateSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Replay is not null) return await new ReplayRunner(console).RunAsync(settings, cancellationToken);
        var inputs = await ScenarioInputs.LoadAsync(settings, console, cancellationToken);
        var ruleHost = inputs.RuleHost(settings, console);
        using var database = await SimulationDatabase.OpenAsync(settings.Db, "simulate", cancellationToken);
        int events = inputs.Scenario.Events.Count;
        SimulationReport report;
        try
        {
            report = await console.ProgressAsync("Simulating", progress =>
                ScenarioRunner.RunAsync(inputs.Definitions, inputs.Scenario, database.Store, (done, _) => progress(done, events), ruleHost, inputs.Protocol, cancellationToken));
        }
        catch (FormatException ex) { throw new UserFacingException($"{settings.Scenario}: {ex.Message}"); }
        SimulationTables.Write(console.Out, report);
        return report.Problems.Count == 0 ? CliApp.Success : CliApp.Findings;
    }
}
