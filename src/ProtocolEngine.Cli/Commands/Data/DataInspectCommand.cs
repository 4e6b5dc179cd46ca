using ProtocolEngine.Data.Inspection;
using ProtocolEngine.Data.Loading;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>`protocol data inspect PATH`: the datasets of a study with records, subjects, variables and missing values.</summary>
[ExitCode(CliApp.Success, "the datasets were read and listed")]
internal sealed class DataInspectCommand(CliConsole console) : Command<DataInspectSettings>
{
    public override int Execute(CommandContext context, DataInspectSettings settings, CancellationToken cancellationToken)
    {
        // Inspecting shows what a folder holds, DM or not; the missing DM is a note.
        var options = new StudyLoadOptions { RequireKnownDomains = settings.Strict, AllowMalformedDates = settings.AllowMalformedDates, Encoding = DataCommandSupport.ParseEncoding(settings.Encoding), RequireSubjects = false };
        var report = StudyInspector.Inspect(DataCommandSupport.Load(settings.Path, options, console));
        if (settings.Format == OutputFormats.Json)
        {
            DataCommandSupport.WriteJson(console, report);
            return CliApp.Success;
        }
        console.Out.MarkupLineInterpolated($"[bold]{report.Source}[/]: {report.Subjects:N0} subjects");
        var table = new AdaptiveTable().Columns("Dataset", "Label", "File").NumberColumns("Records", "Subjects", "Variables", "Missing values");
        foreach (var d in report.Datasets)
            table.Row(d.Name, Markup.Escape(d.Label ?? ""), Markup.Escape(d.File is null ? "" : System.IO.Path.GetFileName(d.File)), N(d.Records), N(d.Subjects), N(d.Variables.Count), N(d.MissingValues));
        table.Write(console.Out);
        foreach (var d in settings.Variables ? report.Datasets : [])
        {
            console.Out.MarkupLine($"[bold]{d.Name}[/]");
            var vars = new AdaptiveTable().Columns("Variable", "Label", "Kind").NumberColumns("Missing", "Distinct");
            foreach (var v in d.Variables) vars.Row(v.Name, Markup.Escape(v.Label ?? ""), v.Kind, N(v.Missing), N(v.Distinct));
            vars.Write(console.Out);
        }
        foreach (var note in report.Notes) console.Out.MarkupLine($"[grey]note:[/] {Markup.Escape(note.Message)}");
        return CliApp.Success;
    }

    private static string N(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
