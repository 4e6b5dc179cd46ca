using System.Diagnostics;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>`protocol synth --subjects N --seed S --out FOLDER [--to F]`: writes a synthetic SDTM population.</summary>
[ExitCode(CliApp.Success, "the population was written")]
internal sealed class SynthCommand(CliConsole console) : Command<SynthSettings>
{
    public override int Execute(CommandContext context, SynthSettings settings, CancellationToken cancellationToken)
    {
        DataFileFormats.TryParse(settings.To, out var format);
        var options = new SynthOptions { Subjects = settings.Subjects, Seed = settings.Seed, Format = format };
        var watch = Stopwatch.StartNew();
        var result = console.Progress($"Generating {settings.Subjects:N0} subjects",
            report => PopulationGenerator.Generate(settings.Out!, options, new Progress<long>(n => report(n, settings.Subjects)), cancellationToken));
        if (settings.Format == OutputFormats.Json)
        {
            DataCommandSupport.WriteJson(console, new { result.Subjects, result.Files, result.Records, Seconds = Math.Round(watch.Elapsed.TotalSeconds, 2) });
            return CliApp.Success;
        }
        console.Out.MarkupLineInterpolated($"{result.Subjects:N0} subjects, seed {settings.Seed}, {watch.Elapsed.TotalSeconds:F1} s");
        var table = new AdaptiveTable().Columns("Dataset").NumberColumns("Records");
        foreach (var (name, count) in result.Records) table.Row(name, count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.Write(console.Out);
        console.Out.MarkupLineInterpolated($"wrote [green]{Path.GetFullPath(settings.Out!)}[/]");
        return CliApp.Success;
    }
}
