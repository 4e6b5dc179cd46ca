using ProtocolEngine.Data.Inspection;
using ProtocolEngine.Data.Loading;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>`protocol data inspect PATH`: the datasets of a study with records, subjects, variables and missing values.</summary>
[ExitCode(CliApp.Success, "the datasets were read and listed")]
internal sealed class DataInspectCommand(CliConsole console) : Command<DataInspectCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<path>")]
        [Description("A folder of datasets (.xpt, .json, .ndjson, .csv, with define.xml) or one dataset file.")]
        public string Path { get; init; } = "";

        [CommandOption("--format <FORMAT>")]
        [Description(OutputFormats.TextOrJson)]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        [CommandOption("--encoding <NAME>")]
        [Description(DataCommandSupport.EncodingDescription)]
        public string? Encoding { get; init; }

        [CommandOption("--variables")]
        [Description("Also list every variable with its missing-value count.")]
        public bool Variables { get; init; }

        [CommandOption("--strict")]
        [Description("Fail on datasets that neither SDTMIG 3.4 nor define.xml describes.")]
        public bool Strict { get; init; }

        [CommandOption("--allow-malformed-dates")]
        [Description("Report --DTC values that are not ISO 8601 instead of failing.")]
        public bool AllowMalformedDates { get; init; }

        public override ValidationResult Validate() =>
            OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json) is { Successful: false } bad ? bad : DataCommandSupport.ValidateEncoding(Encoding);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
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
