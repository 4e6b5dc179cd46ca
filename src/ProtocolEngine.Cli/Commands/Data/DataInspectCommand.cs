using System.ComponentModel;
using ProtocolEngine.Data.Inspection;
using ProtocolEngine.Data.Loading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>`protocol data inspect PATH`: the datasets of a study with records, subjects, variables and missing values.</summary>
internal sealed class DataInspectCommand : Command<DataInspectCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<path>")]
        [Description("A folder of datasets (.xpt, .json, .ndjson, .csv, with define.xml) or one dataset file.")]
        public string Path { get; init; } = "";

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

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
            Format is "table" or "json" ? DataCommandSupport.ValidateEncoding(Encoding) : ValidationResult.Error("--format must be table or json.");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        bool json = settings.Format == "json";
        var study = DataCommandSupport.Load(settings.Path, new StudyLoadOptions
        {
            RequireKnownDomains = settings.Strict,
            AllowMalformedDates = settings.AllowMalformedDates,
            Encoding = DataCommandSupport.ParseEncoding(settings.Encoding),
            // Inspecting shows what a folder holds, DM or not; the missing DM is a note.
            RequireSubjects = false,
        }, quiet: json);
        var report = StudyInspector.Inspect(study);
        if (json)
        {
            DataCommandSupport.WriteJson(report);
            return CliApp.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(report.Source)}[/]: {report.Subjects:N0} subjects");
        table.AddColumns("Dataset", "Label", "File", "Records", "Subjects", "Variables", "Missing values");
        foreach (var c in new[] { 3, 4, 5, 6 }) table.Columns[c].RightAligned();
        foreach (var d in report.Datasets)
            table.AddRow(d.Name, Markup.Escape(d.Label ?? ""), Markup.Escape(d.File is null ? "" : System.IO.Path.GetFileName(d.File)),
                d.Records.ToString("N0"), d.Subjects.ToString("N0"), d.Variables.Count.ToString("N0"), d.MissingValues.ToString("N0"));
        AnsiConsole.Write(table);

        if (settings.Variables)
            foreach (var d in report.Datasets)
            {
                var vars = new Table().Border(TableBorder.Simple).Title($"[bold]{d.Name}[/]");
                vars.AddColumns("Variable", "Label", "Kind", "Missing", "Distinct");
                vars.Columns[3].RightAligned();
                vars.Columns[4].RightAligned();
                foreach (var v in d.Variables)
                    vars.AddRow(v.Name, Markup.Escape(v.Label ?? ""), v.Kind, v.Missing.ToString("N0"), v.Distinct.ToString("N0"));
                AnsiConsole.Write(vars);
            }
        foreach (var note in report.Notes)
            AnsiConsole.MarkupLine($"[grey]note:[/] {Markup.Escape(note.Message)}");
        return CliApp.Success;
    }
}
