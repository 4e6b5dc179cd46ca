using System.Diagnostics;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;
using ProtocolEngine.Server;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>
/// <c>protocol demo</c>: a synthetic population screened with every shipped protocol, with a summary and HTML reports;
/// then the server, seeded for a newcomer (until Ctrl-C), unless --no-serve.
/// </summary>
[Description("The demo: generate (or reuse) a synthetic SDTM population, screen it with every shipped protocol, print the summary and write an HTML report per protocol; "
    + "then start the server seeded with the shipped protocols, the pilot study, the population and one user per role (printed throwaway passwords) until Ctrl-C. --no-serve stops after the reports.")]
[ExitCode(CliApp.Success, "the reports were written (and, without --no-serve, the server was stopped by Ctrl-C)")]
internal sealed class DemoCommand(CliConsole console) : AsyncCommand<DemoSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DemoSettings settings, CancellationToken cancellationToken)
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
        var study = Data.DataCommandSupport.Load(population, new StudyLoadOptions(), console);
        console.Out.MarkupLine($"Population: [bold]{study.Data.SubjectCount:N0}[/] synthetic subjects in {Markup.Escape(population)} (seed {settings.Seed}); as of {asOf.ToIsoString()}.");
        // Numbers right-aligned; a criterion and its count kept on one line so it can be read and copied.
        var table = new AdaptiveTable().Columns("Protocol").NumberColumns("Criteria", "Eligible", "Ineligible", "Needs review", "Only attestations")
            .NoWrapColumn("Most exclusive").NumberColumns("Fairness flags", "ms");
        foreach (var file in files)
        {
            var protocol = ScreeningCommandSupport.Compile(file, console);
            if (protocol.IsLibrary || protocol.Criteria.IsEmpty) continue;
            var result = ScreeningCommandSupport.Screen(protocol, study, new ScreeningOptions { AsOf = asOf }, console, cancellationToken);
            var fairness = ScreeningHtml.FairnessIfPossible(result);
            var report = Path.Combine(settings.Out, Path.GetFileNameWithoutExtension(file) + ".html");
            ScreeningHtml.Write(result, report, fairness);
            var (top, c) = (result.Attrition.MaxBy(a => a.ExcludedIndependently), result.Counts);
            table.Row(Markup.Escape($"{protocol.Name} {protocol.Version}".Trim()), result.Criteria.Count.ToString(),
                $"[green]{c.Eligible:N0}[/]", $"[red]{c.Ineligible:N0}[/]", $"[yellow]{c.NeedsReview:N0}[/]", c.AwaitingAttestationOnly.ToString("N0"),
                top is null ? "-" : $"{Markup.Escape(top.CriterionId)} ({top.ExcludedIndependently:N0})",
                fairness is null ? "-" : fairness.Flagged.Count().ToString(), result.Elapsed.TotalMilliseconds.ToString("N0"));
        }
        table.Write(console.Out);
        console.Out.MarkupLine("\"Only attestations\": eligible on the data, waiting for the investigator to attest the criteria only a person can decide.");
        console.Out.MarkupLine($"The reports are in [bold]{Markup.Escape(settings.Out)}[/], one per protocol file (cdiscpilot01.protocol: cdiscpilot01.html): open one in a browser (it needs no network); [bold]protocol explain[/] tells one subject's story, [bold]protocol audit fairness[/] details the subgroups.");
        if (settings.NoServe) return CliApp.Success;
        // A fresh server every run: new throwaway passwords, nothing left from an earlier demo.
        var serverDir = Path.Combine(settings.Out, "server");
        if (Directory.Exists(serverDir)) Directory.Delete(serverDir, recursive: true);
        console.Out.MarkupLine("\nStarting the server with the demo seeded (the shipped protocols, the pilot study, this population, one user per role)...");
        var options = new ServerOptions { DataDir = serverDir, Urls = settings.Urls, Demo = true, DemoProtocols = settings.Protocols, DemoPilotData = settings.PilotData, DemoSyntheticData = population };
        return await ServerHost.RunAsync(options, console.Text, cancellationToken, console.Error);
    }

    // The population is reused only when every file matches the manifest written with it; otherwise it is generated again, and the user is told why.
    private void EnsurePopulation(string folder, DemoSettings settings, CancellationToken cancellationToken)
    {
        var options = new SynthOptions { Subjects = settings.Subjects, Seed = settings.Seed, Format = DataFileFormat.Xpt };
        var watch = Stopwatch.StartNew();
        var result = PopulationCache.Verify(folder, options) is null ? PopulationCache.Ensure(folder, options, null, cancellationToken)
            : console.Progress($"Generating {settings.Subjects:N0} synthetic subjects", report => PopulationCache.Ensure(folder, options, new Progress<long>(n => report(n, settings.Subjects)), cancellationToken));
        // One line, never wrapped: a reused or regenerated population must be noticed.
        console.Error.WriteLine(result.Message + (result.Action == PopulationCacheAction.Reused ? "" : $" ({watch.Elapsed.TotalSeconds:F1} s)"));
    }
}
