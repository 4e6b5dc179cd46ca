using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Safety.Replays;

namespace ProtocolEngine.Cli.Commands.Workflows;

/// <summary><c>protocol simulate --replay AE</c>: real records through the protocol's workflows, then the clocks they started.</summary>
internal sealed class ReplayRunner(CliConsole console)
{
    public async Task<int> RunAsync(SimulateSettings settings, CancellationToken ct)
    {
        var assumptions = Assumptions(settings.Assumptions);
        var protocol = ProtocolCommandSupport.CompileOrReport(settings.Workflows, console);
        var study = Commands.Data.DataCommandSupport.Load(settings.Data!, new StudyLoadOptions { Encoding = Commands.Data.DataCommandSupport.ParseEncoding(settings.Encoding) }, console).Data;
        using var database = await SimulationDatabase.OpenAsync(settings.Db, "replay", ct);
        var store = database.Store;
        ReplayReport report;
        try
        {
            report = await console.ProgressAsync($"Replaying {settings.Replay}", progress =>
                SafetyReplay.RunAsync(protocol, study, settings.Replay!.ToUpperInvariant(), assumptions, store, (done, total) => progress(done, total), ct));
        }
        catch (InvalidOperationException ex) { throw new UserFacingException(ex.Message); }
        Print(report);
        if (settings.Out is { } path)
        {
            OutputFiles.WriteText(path, writer => ReplayMarkdown.Write(report, writer, $"Replay of {protocol.Name} {report.Domain} ({assumptions.Name})",
                $"protocol simulate {settings.Workflows} --data {settings.Data} --replay {settings.Replay} --assumptions {settings.Assumptions ?? "prompt"}"));
            console.Status.MarkupLineInterpolated($"Report written to {path}");
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
        var output = console.Out;
        output.MarkupLineInterpolated($"{r.Records:N0} {r.Domain} records, {r.Replayed:N0} replayed ({r.StartedNothing:N0} started no workflow); {r.TasksDone:N0} tasks done; {r.Deviations:N0} deviations. Assumptions: {r.Assumptions.Name}.");
        foreach (var n in r.NotReplayed) output.MarkupLineInterpolated($"[yellow]Not replayed:[/] {n}");
        var table = new AdaptiveTable().Columns("Clock").NumberColumns("Started", "Met", "Missed", "Withdrawn", "Running");
        foreach (var t in r.Tally) table.Row(t.Clock, N(t.Started), N(t.Met), N(t.Missed), N(t.Withdrawn), N(t.Running));
        table.Row("[bold]all[/]", N(r.Tally.Sum(t => t.Started)), N(r.Tally.Sum(t => t.Met)), N(r.Tally.Sum(t => t.Missed)), N(r.Tally.Sum(t => t.Withdrawn)), N(r.Tally.Sum(t => t.Running)));
        table.Write(output);
        var states = new Table().AddColumns("Workflow/state", "Instances");
        foreach (var (k, v) in r.FinalStates) states.AddRow(Markup.Escape(k), N(v));
        output.Write(states);
        var missed = new AdaptiveTable().Columns("Record", "Term", "Clock", "Due", "Stopped");
        foreach (var c in r.Clocks.Where(c => c.Status == "missed"))
            missed.Row(Markup.Escape(c.Key), Markup.Escape(ProtocolEngine.Runtime.Values.DisplayText.Shorten(c.Term)), c.Clock, c.DueAt.ToString(), c.StoppedAt?.ToString() ?? "");
        if (missed.Count > 0) { output.Write(new Rule("Missed")); missed.Write(output); }
        foreach (var p in r.Problems) output.MarkupLineInterpolated($"[red]Refused:[/] {p}");
    }

    private static string N(int n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
