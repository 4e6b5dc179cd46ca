using System.ComponentModel;
using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Safety.Grading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Safety;

/// <summary><c>protocol grade</c>: grades a study's laboratory results with the CTCAE v5.0 tables and prints the distribution per test.</summary>
[Description("Grade a study's laboratory results (SDTM LB) with the CTCAE v5.0 tables of std.ctcae5 and print the grade distribution per test. Exit code 0 when every subject was graded, 1 when a rule failed for some, 2 on usage or I/O failure.")]
internal sealed class GradeCommand(IAnsiConsole console) : Command<GradeCommand.Settings>
{
    /// <summary>The command's arguments and options.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The protocol whose grading library is used.</summary>
        [CommandArgument(0, "[protocol]")]
        [Description("A protocol whose std.ctcae5 grades (resolved as its import is); default: the shipped standard library.")]
        public string? Protocol { get; init; }

        /// <summary>The study data.</summary>
        [CommandOption("--data <PATH>")]
        [Description("Study data with an LB dataset (a folder of XPT, Dataset-JSON or CSV datasets).")]
        public string? Data { get; init; }

        /// <summary>The encoding of the data files.</summary>
        [CommandOption("--encoding <NAME>")]
        [Description(DataCommandSupport.EncodingDescription)]
        public string? Encoding { get; init; }

        /// <summary>Where to write every graded result as CSV.</summary>
        [CommandOption("--records <FILE>")]
        [Description("Also write every graded result to this CSV file (subject, LBSEQ, values, limits, baseline, term, grade).")]
        public string? Records { get; init; }

        /// <summary>table or json.</summary>
        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Data is null ? ValidationResult.Error("--data <PATH> is required.")
            : Format is not ("table" or "json") ? ValidationResult.Error($"Unknown format '{Format}'; use table or json.")
            : Protocol is not null && !File.Exists(Protocol) ? ValidationResult.Error($"No such protocol file: {Protocol}")
            : CliApp.OutputFileProblem(Records, "--records") is { } error ? ValidationResult.Error(error)
            : DataCommandSupport.ValidateEncoding(Encoding);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        bool json = settings.Format == "json";
        var study = DataCommandSupport.Load(settings.Data!, new StudyLoadOptions { Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) }, quiet: json).Data;
        if (!study.HasDomain("LB")) throw new UserFacingException($"{settings.Data} has no LB dataset to grade.");
        var importer = settings.Protocol ?? Path.Combine(FileSourceResolver.ShippedLibraryRoot, "grade.protocol");
        LabGradingResult result = null!;
        try
        {
            var resolver = ProtocolLoader.Shipped.Resolver;
            if (json) result = LabGrading.Grade(resolver, importer, study);
            else console.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("Grading", maxValue: Math.Max(1, study.SubjectCount));
                result = LabGrading.Grade(resolver, importer, study, progress: (done, _) => task.Value = done);
            });
        }
        catch (InvalidOperationException ex) { throw new UserFacingException(ex.Message); }
        if (settings.Records is { } path) OutputFiles.WriteText(path, writer => LabGrading.WriteCsv(result, writer));
        if (json) DataCommandSupport.WriteJson(new { result.Library, result.LibraryHash, result.Subjects, result.LabRecords, Graded = result.Grades.Count, result.Tests, result.Errors });
        else Print(result, settings.Records);
        return result.Errors.Count == 0 ? CliApp.Success : CliApp.Findings;
    }

    private void Print(LabGradingResult r, string? records)
    {
        console.MarkupLineInterpolated($"{r.LabRecords:N0} LB records of {r.Subjects:N0} subjects; {r.Grades.Count:N0} results of graded tests, graded by {r.Library} (rule hash {r.LibraryHash}).");
        var table = new Table().AddColumns("Test", "CTCAE term", "Results", "Grade 0", "1", "2", "3", "4", "Unknown", "Baseline abnormal");
        foreach (var t in r.Tests)
            table.AddRow([t.TestCode, Markup.Escape(string.Join(" / ", t.Terms)), N(t.Records), .. t.ByGrade.Select(N), N(t.Unknown), N(t.BaselineAbnormal)]);
        console.Write(table);
        console.MarkupLine("Unknown: a value or limit the grade needs is missing (never counted as grade 0).");
        if (records is not null) console.MarkupLineInterpolated($"Every graded result: {records}");
        foreach (var e in r.Errors) console.MarkupLineInterpolated($"[red]Not graded:[/] {e}");
    }

    private static string N(int n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
