using System.ComponentModel;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Safety.Randomization;
using ProtocolEngine.Workflows.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Workflows;

/// <summary><c>protocol simulate</c>: runs a scenario of events on a virtual clock and prints the timeline and final states.</summary>
internal sealed class SimulateCommand(IAnsiConsole console) : AsyncCommand<SimulateCommand.Settings>
{
    /// <summary>What to simulate.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The workflows.</summary>
        [CommandArgument(0, "<WORKFLOWS>")]
        [Description("The workflows: a .protocol file (compiled; every workflow block), or a .workflow.json file.")]
        public string Workflows { get; init; } = "";

        /// <summary>The scenario file.</summary>
        [CommandOption("--scenario <FILE>")]
        [Description("The scenario: events on a virtual clock (JSON, see docs/workflows.md).")]
        public string? Scenario { get; init; }

        /// <summary>Study data the protocol's rules read.</summary>
        [CommandOption("--data <PATH>")]
        [Description("Study data (a folder of XPT, Dataset-JSON or CSV datasets): the .protocol's own criteria, conditions and safety rules decide on it.")]
        public string? Data { get; init; }

        /// <summary>The encoding of the data files.</summary>
        [CommandOption("--encoding <NAME>")]
        [Description(Commands.Data.DataCommandSupport.EncodingDescription)]
        public string? Encoding { get; init; }

        /// <summary>The randomisation seed when the protocol states none.</summary>
        [CommandOption("--seed <N>")]
        [Description("With --data: the seed of the protocol's permuted-block randomisation, used instead of any seed the protocol states (a live trial keeps its seed secret). Without either, a fresh secret seed is drawn and the allocations differ between runs.")]
        public long? Seed { get; init; }

        /// <summary>Replay a domain of the study data instead of a scenario.</summary>
        [CommandOption("--replay <DOMAIN>")]
        [Description("Replay every record of a domain of --data (AE) through the protocol's per-record workflows, each arriving at its start date (Day 0 = awareness), people acting as --assumptions say; prints the clocks started, met and missed.")]
        public string? Replay { get; init; }

        /// <summary>How people behave in a replay.</summary>
        [CommandOption("--assumptions <NAME|FILE>")]
        [Description("For --replay: prompt (default), working-days, or a JSON file of review times and decisions (see docs/safety.md).")]
        public string? Assumptions { get; init; }

        /// <summary>Where to write the replay report.</summary>
        [CommandOption("--out <FILE>")]
        [Description("For --replay: also write the report (assumptions, clock tally, every clock, timeline) as Markdown.")]
        public string? Out { get; init; }

        /// <summary>The database to run on.</summary>
        [CommandOption("--db <PATH>")]
        [Description("A SQLite file to run on and keep (default: a temporary file, deleted afterwards).")]
        public string? Db { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            CliApp.OutputFileProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut)
            : CliApp.OutputFileProblem(Db, "--db") is { } badDb ? ValidationResult.Error(badDb)
            : Seed is not null && (Data is null || Replay is not null)
                ? ValidationResult.Error("--seed goes with --scenario and --data: it seeds the protocol's randomisation of the scenario's subjects.")
            : Replay is not null ? (Data is null || !Workflows.EndsWith(".protocol", StringComparison.OrdinalIgnoreCase)
                    ? ValidationResult.Error("--replay needs a .protocol file and --data: the protocol's rules and workflows run on the study's records.")
                    : Scenario is not null ? ValidationResult.Error("Give either --scenario or --replay, not both.") : ValidationResult.Success())
            : Assumptions is not null || Out is not null ? ValidationResult.Error("--assumptions and --out go with --replay.")
            : Scenario is null ? ValidationResult.Error("--scenario <FILE> is required (or --replay <DOMAIN> with --data).")
            : Data is not null && !Workflows.EndsWith(".protocol", StringComparison.OrdinalIgnoreCase) ? ValidationResult.Error("--data needs a .protocol file: its rules read the data.")
            : ValidationResult.Success();
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Replay is not null) return await new ReplayRunner(console).RunAsync(settings, cancellationToken);
        IReadOnlyList<WorkflowDefinition> defs;
        Scenario scenario;
        CompiledProtocol? protocol = null;
        try
        {
            scenario = ProtocolEngine.Workflows.Simulation.Scenario.Parse(await File.ReadAllTextAsync(settings.Scenario!, cancellationToken), settings.Scenario!);
            if (settings.Workflows.EndsWith(".protocol", StringComparison.OrdinalIgnoreCase))
            {
                var compiled = protocol = ProtocolLoader.Shipped.Load(settings.Workflows);
                if (compiled.HasErrors)
                {
                    foreach (var d in compiled.Diagnostics.Where(d => d.IsError).Take(10)) console.WriteLine(d.ToString());
                    throw new UserFacingException($"{settings.Workflows} has errors; `protocol check {settings.Workflows}` lists them all.");
                }
                if (compiled.WorkflowDefinitions.IsEmpty) throw new UserFacingException($"{settings.Workflows} declares no workflow.");
                defs = [.. compiled.WorkflowDefinitions.Select(d => d with { TimeZone = scenario.TimeZone ?? "UTC" })];
            }
            else
            {
                defs = DefinitionSerializer.ReadFile(await File.ReadAllTextAsync(settings.Workflows, cancellationToken), settings.Workflows);
            }
        }
        catch (FormatException ex) { throw new UserFacingException(ex.Message); }
        // The checks the compiler runs on protocol text, for a .workflow.json file (and the scenario's time zone).
        foreach (var d in defs)
            if (d.Validate().Where(p => p.IsError).ToList() is { Count: > 0 } problems)
                throw new UserFacingException($"{settings.Workflows}: workflow {d.Name}: {string.Join(" ", problems.Select(p => $"{p.Code}: {p.Message}"))}");

        Func<NodaTime.IClock, ScenarioRuleHost, IWorkflowRuleHost>? ruleHost = null;
        if (settings.Data is not null && protocol is not null)
        {
            var study = Data.DataCommandSupport.Load(settings.Data, new StudyLoadOptions { Encoding = Data.DataCommandSupport.ParseEncoding(settings.Encoding) }, quiet: false).Data;
            if (protocol.Randomization is { } scheme)
            {
                // The protocol's own scheme assigns arms (permuted blocks, its strata read from the data).
                byte[] seed = settings.Seed is { } n ? PermutedBlockRandomizer.SeedFrom(n)
                    : scheme.Seed is { } p ? PermutedBlockRandomizer.SeedFrom(p)
                    : System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
                if (settings.Seed is null && scheme.Seed is null) console.MarkupLine("[yellow]The protocol states no randomisation seed and --seed is not given: a fresh secret seed is used.[/]");
                // One randomiser per run, on the run's (virtual) clock.
                ruleHost = (clock, _) => new ProtocolRuleHost(protocol, study, clock, new ProtocolRandomizer(protocol, study, seed, clock));
            }
            else ruleHost = (clock, scenarioHost) => new ProtocolRuleHost(protocol, study, clock, scenarioHost);
        }
        using var database = await SimulationDatabase.OpenAsync(settings.Db, "simulate", cancellationToken);
        var store = database.Store;
        SimulationReport report = null!;
        await console.Progress().StartAsync(async ctx =>
        {
            var task = ctx.AddTask("Simulating", maxValue: Math.Max(1, scenario.Events.Count));
            try { report = await ScenarioRunner.RunAsync(defs, scenario, store, (done, _) => task.Value = done, ruleHost, protocol, cancellationToken); }
            catch (FormatException ex) { throw new UserFacingException($"{settings.Scenario}: {ex.Message}"); }
            task.Value = task.MaxValue;
        });
        Print(report);
        return report.Problems.Count == 0 ? CliApp.Success : CliApp.Findings;
    }

    // A long scenario's timeline has hundreds of thousands of lines: the table shows its start and end (the --db journal keeps all).
    private const int PrintedLines = 1_000;

    private void Print(SimulationReport report)
    {
        console.Write(new Rule("Timeline"));
        var timeline = new Table().AddColumns("When", "Instance", "Workflow", "What");
        var lines = report.Timeline;
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines.Count > PrintedLines && i == PrintedLines / 2)
            {
                int skipped = lines.Count - PrintedLines;
                timeline.AddRow("...", "", "", $"[grey]{skipped:N0} more lines (give --db FILE to keep the whole journal)[/]");
                i += skipped - 1;
                continue;
            }
            var l = lines[i];
            timeline.AddRow(l.Offset, Markup.Escape(l.Key), l.Workflow, Markup.Escape(l.What));
        }
        console.Write(timeline);
        console.Write(new Rule("Final states"));
        if (report.Finals.Count <= PrintedLines)
        {
            var finals = new Table().AddColumns("Instance", "Workflow", "State", "Status");
            foreach (var f in report.Finals) finals.AddRow(Markup.Escape(f.Key), f.Workflow, f.State, f.Status);
            console.Write(finals);
        }
        else
        {
            var summary = new Table().AddColumns("Workflow", "State", "Status", "Instances");
            foreach (var g in report.Finals.GroupBy(f => (f.Workflow, f.State, f.Status)).OrderBy(g => g.Key.Workflow, StringComparer.Ordinal).ThenBy(g => g.Key.State, StringComparer.Ordinal))
                summary.AddRow(g.Key.Workflow, g.Key.State, g.Key.Status, g.Count().ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            console.Write(summary);
        }
        foreach (var u in report.Unmatched.Take(20)) console.MarkupLineInterpolated($"[yellow]Unmatched event kept:[/] {u.Name} for {u.CorrelationKey}");
        if (report.Unmatched.Count > 20) console.MarkupLineInterpolated($"[yellow]{report.Unmatched.Count - 20:N0} more unmatched events kept.[/]");
        foreach (var c in report.Unevaluated) console.MarkupLineInterpolated($"[yellow]Not evaluated (treated as unknown):[/] {c} (correct it, or give it a value under \"conditions\" in the scenario)");
        foreach (var p in report.Problems.Take(200)) console.MarkupLineInterpolated($"[red]Problem:[/] {p}");
        if (report.Problems.Count > 200) console.MarkupLineInterpolated($"[red]{report.Problems.Count - 200:N0} more problems.[/]");
        if (report.Problems.Count == 0) console.MarkupLine("[green]Every expectation met.[/]");
    }
}
