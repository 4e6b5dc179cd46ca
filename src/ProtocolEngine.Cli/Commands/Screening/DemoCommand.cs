using System.ComponentModel;
using System.Diagnostics;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;
using Spectre.Console;
using ProtocolEngine.Server;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>
/// <c>protocol demo</c>: a synthetic population screened with every shipped protocol, with a summary and HTML reports;
/// then the server, seeded for a newcomer (until Ctrl-C), unless --no-serve.
/// </summary>
[Description("The demo: generate (or reuse) a synthetic SDTM population, screen it with every shipped protocol, print the summary and write an HTML report per protocol; "
    + "then start the server seeded with the shipped protocols, the pilot study, the population and one user per role (printed throwaway passwords) until Ctrl-C. --no-serve stops after the reports.")]
internal sealed class DemoCommand(IAnsiConsole console) : AsyncCommand<DemoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--subjects <N>")]
        [Description("Subjects in the synthetic population.")]
        [DefaultValue(2000)]
        public int Subjects { get; init; } = 2000;

        [CommandOption("--seed <S>")]
        [Description("Seed of the population (the same seed gives the same population).")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; } = 1;

        [CommandOption("--protocols <FOLDER>")]
        [Description("Where the protocols are (their std/ libraries are not screened).")]
        [DefaultValue("protocols")]
        public string Protocols { get; init; } = "protocols";

        [CommandOption("--out <FOLDER>")]
        [Description("Where the population and the reports go.")]
        [DefaultValue("out/demo")]
        public string Out { get; init; } = "out/demo";

        [CommandOption("--as-of <DATE>")]
        [Description("The date every rule takes as today (YYYY-MM-DD); default 2025-06-01, after the population's screening dates.")]
        [DefaultValue("2025-06-01")]
        public string AsOf { get; init; } = "2025-06-01";

        [CommandOption("--no-serve")]
        [Description("Stop after the summary and the reports (tests and CI); without it the server starts and serves until Ctrl-C.")]
        public bool NoServe { get; init; }

        [CommandOption("--urls <URLS>")]
        [Description("Where the demo server listens.")]
        [DefaultValue("http://127.0.0.1:5080")]
        public string Urls { get; init; } = "http://127.0.0.1:5080";

        [CommandOption("--pilot-data <DIR>")]
        [Description("The pilot study's SDTM folder the demo server registers (skipped with a note when missing).")]
        [DefaultValue("../shared/data/sdtm/cdiscpilot01")]
        public string PilotData { get; init; } = "../shared/data/sdtm/cdiscpilot01";

        public override ValidationResult Validate() =>
            Subjects is not (> 0 and <= 10_000_000) ? ValidationResult.Error("--subjects must be between 1 and 10,000,000.")
            : CliApp.OutputFolderProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut)
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(settings.Protocols)) throw new UserFacingException($"No protocols folder at {settings.Protocols}; run the demo from the repository root or pass --protocols.");
        var files = Directory.EnumerateFiles(settings.Protocols, "*" + ProtocolFiles.Extension, SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new UserFacingException($"No .protocol files in {settings.Protocols}.");
        var asOf = ScreeningCommandSupport.AsOf(settings.AsOf);
        // Every report path is checked before the population is generated: a device or link there is refused, not replaced.
        if (CliApp.OutputFolderProblem(settings.Out, "--out", [.. files.Select(f => Path.GetFileNameWithoutExtension(f) + ".html")]) is { } badReport)
            throw new UserFacingException(badReport);

        var population = Path.Combine(settings.Out, $"population-{settings.Subjects}-seed{settings.Seed}");
        EnsurePopulation(population, settings, cancellationToken);
        var study = ScreeningCommandSupport.Load(population);
        console.MarkupLine($"Population: [bold]{study.Data.SubjectCount:N0}[/] synthetic subjects in {Markup.Escape(population)} (seed {settings.Seed}); as of {asOf.ToIsoString()}.");

        // Numbers right-aligned; a criterion and its count, and a file name, kept on one line so they can be read and copied.
        var table = new Table().Border(TableBorder.Rounded).AddColumns(
            new TableColumn("Protocol"), new TableColumn("Version"),
            new TableColumn("Criteria").RightAligned(), new TableColumn("Eligible").RightAligned(), new TableColumn("Ineligible").RightAligned(),
            new TableColumn("Needs review").RightAligned(), new TableColumn("Only attestations").RightAligned(),
            new TableColumn("Most exclusive").NoWrap(), new TableColumn("Fairness flags"), new TableColumn("ms"), new TableColumn("Report").NoWrap());
        foreach (var file in files)
        {
            var protocol = ScreeningCommandSupport.Compile(file);
            if (protocol.IsLibrary || protocol.Criteria.IsEmpty) continue;
            var result = ScreeningCommandSupport.Screen(protocol, study, new ScreeningOptions { AsOf = asOf }, cancellationToken);
            var fairness = ScreeningHtml.FairnessIfPossible(result);
            var report = Path.Combine(settings.Out, Path.GetFileNameWithoutExtension(file) + ".html");
            ScreeningHtml.Write(result, report, fairness);
            var top = result.Attrition.MaxBy(a => a.ExcludedIndependently);
            var c = result.Counts;
            table.AddRow(Markup.Escape(protocol.Name), Markup.Escape(protocol.Version ?? "-"), result.Criteria.Count.ToString(),
                $"[green]{c.Eligible:N0}[/]", $"[red]{c.Ineligible:N0}[/]", $"[yellow]{c.NeedsReview:N0}[/]", c.AwaitingAttestationOnly.ToString("N0"),
                top is null ? "-" : $"{Markup.Escape(top.CriterionId)} ({top.ExcludedIndependently:N0})",
                fairness is null ? "-" : fairness.Flagged.Count().ToString(), result.Elapsed.TotalMilliseconds.ToString("N0"), Markup.Escape(Path.GetFileName(report)));
        }
        console.Write(table);
        console.MarkupLine("\"Only attestations\": eligible on the data, waiting for the investigator to attest the criteria only a person can decide.");
        console.MarkupLine($"The reports are in [bold]{Markup.Escape(settings.Out)}[/]: open one in a browser (it needs no network); [bold]protocol explain[/] tells one subject's story, [bold]protocol audit fairness[/] details the subgroups.");
        if (settings.NoServe) return CliApp.Success;
        // A fresh server every run: new throwaway passwords, nothing left from an earlier demo.
        var serverDir = Path.Combine(settings.Out, "server");
        if (Directory.Exists(serverDir)) Directory.Delete(serverDir, recursive: true);
        console.MarkupLine("");
        console.MarkupLine("Starting the server with the demo seeded (the shipped protocols, the pilot study, this population, one user per role)...");
        return await ServerHost.RunAsync(new ServerOptions
        {
            DataDir = serverDir,
            Urls = settings.Urls,
            Demo = true,
            DemoProtocols = settings.Protocols,
            DemoPilotData = settings.PilotData,
            DemoSyntheticData = population,
        }, Console.Out, cancellationToken);
    }

    // The population is reused only when every file matches the manifest written with it; otherwise it is generated again, and the user is told why.
    private static void EnsurePopulation(string folder, Settings settings, CancellationToken cancellationToken)
    {
        var options = new SynthOptions { Subjects = settings.Subjects, Seed = settings.Seed, Format = DataFileFormat.Xpt };
        var watch = Stopwatch.StartNew();
        PopulationCacheResult result = null!;
        if (PopulationCache.Verify(folder, options) is null) result = PopulationCache.Ensure(folder, options, null, cancellationToken);
        else ScreeningCommandSupport.Status.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"Generating {settings.Subjects:N0} synthetic subjects", maxValue: settings.Subjects);
                result = PopulationCache.Ensure(folder, options, new Progress<long>(n => task.Value = n), cancellationToken);
                task.Value = task.MaxValue;
            });
        // One line, never wrapped: a reused or regenerated population must be noticed.
        Console.Error.WriteLine(result.Message + (result.Action == PopulationCacheAction.Reused ? "" : $" ({watch.Elapsed.TotalSeconds:F1} s)"));
    }
}
