using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Safety.Replays;
using Spectre.Console;

namespace ProtocolEngine.Cli.Commands.Workflows;

/// <summary><c>protocol simulate --replay AE</c>: real records through the protocol's workflows, then the clocks they started.</summary>
internal sealed class ReplayRunner(IAnsiConsole console)
{
    public async Task<int> RunAsync(SimulateCommand.Settings settings, CancellationToken ct)
    {
        var assumptions = Assumptions(settings.Assumptions);
        var protocol = ProtocolLoader.Shipped.Load(settings.Workflows);
        if (protocol.HasErrors) throw new UserFacingException($"{settings.Workflows} has errors; `protocol check {settings.Workflows}` lists them all.");
        var study = Data.DataCommandSupport.Load(settings.Data!, new StudyLoadOptions { Encoding = Data.DataCommandSupport.ParseEncoding(settings.Encoding) }, quiet: false).Data;
        using var database = await SimulationDatabase.OpenAsync(settings.Db, "replay", ct);
        var store = database.Store;
        ReplayReport report = null!;
        await console.Progress().StartAsync(async p =>
        {
            var task = p.AddTask($"Replaying {settings.Replay}", maxValue: 1);
            try
            {
                report = await SafetyReplay.RunAsync(protocol, study, settings.Replay!.ToUpperInvariant(), assumptions, store,
                    (done, total) => { task.MaxValue = total; task.Value = done; }, ct);
            }
            catch (InvalidOperationException ex) { throw new UserFacingException(ex.Message); }
            task.Value = task.MaxValue;
        });
        Print(report);
        if (settings.Out is { } path)
        {
            OutputFiles.WriteText(path, writer => ReplayMarkdown.Write(report, writer, $"Replay of {protocol.Name} {report.Domain} ({assumptions.Name})",
                $"protocol simulate {settings.Workflows} --data {settings.Data} --replay {settings.Replay} --assumptions {settings.Assumptions ?? "prompt"}"));
            console.MarkupLineInterpolated($"Report written to {path}");
        }
        return report.Problems.Count == 0 ? CliApp.Success : CliApp.Findings;
    }

    private static ReplayAssumptions Assumptions(string? option)
    {
        switch (option)
        {
            case null or "prompt": return ReplayAssumptions.Prompt();
            case "working-days": return ReplayAssumptions.WorkingDays();
        }
        if (!File.Exists(option)) throw new UserFacingException($"--assumptions: \"{option}\" is neither prompt, working-days nor a file.");
        try { return ReplayAssumptions.Parse(File.ReadAllText(option), option); }
        catch (FormatException ex) { throw new UserFacingException(ex.Message); }
    }

    private void Print(ReplayReport r)
    {
        console.MarkupLineInterpolated($"{r.Records:N0} {r.Domain} records, {r.Replayed:N0} replayed ({r.StartedNothing:N0} started no workflow); {r.TasksDone:N0} tasks done; {r.Deviations:N0} deviations. Assumptions: {r.Assumptions.Name}.");
        foreach (var n in r.NotReplayed) console.MarkupLineInterpolated($"[yellow]Not replayed:[/] {n}");
        var table = new Table().AddColumns("Clock", "Started", "Met", "Missed", "Withdrawn", "Running");
        foreach (var t in r.Tally) table.AddRow(t.Clock, N(t.Started), N(t.Met), N(t.Missed), N(t.Withdrawn), N(t.Running));
        table.AddRow("[bold]all[/]", N(r.Tally.Sum(t => t.Started)), N(r.Tally.Sum(t => t.Met)), N(r.Tally.Sum(t => t.Missed)), N(r.Tally.Sum(t => t.Withdrawn)), N(r.Tally.Sum(t => t.Running)));
        console.Write(table);
        var states = new Table().AddColumns("Workflow/state", "Instances");
        foreach (var (k, v) in r.FinalStates) states.AddRow(Markup.Escape(k), N(v));
        console.Write(states);
        var missed = new Table().AddColumns("Record", "Term", "Clock", "Due", "Stopped");
        foreach (var c in r.Clocks.Where(c => c.Status == "missed"))
            missed.AddRow(Markup.Escape(c.Key), Markup.Escape(ProtocolEngine.Runtime.Values.DisplayText.Shorten(c.Term)), c.Clock, c.DueAt.ToString(), c.StoppedAt?.ToString() ?? "");
        if (missed.Rows.Count > 0) { console.Write(new Rule("Missed")); console.Write(missed); }
        foreach (var p in r.Problems) console.MarkupLineInterpolated($"[red]Refused:[/] {p}");
    }

    private static string N(int n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
