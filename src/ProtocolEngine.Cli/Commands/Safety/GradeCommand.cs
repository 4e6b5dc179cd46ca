using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Safety.Grading;

namespace ProtocolEngine.Cli.Commands.Safety;

/// <summary><c>protocol grade</c>: grades a study's laboratory results with the CTCAE v5.0 tables and prints the distribution per test.</summary>
[Description("Grade a study's laboratory results (SDTM LB) with the CTCAE v5.0 tables of std.ctcae5 and print the grade distribution per test.")]
[ExitCode(CliApp.Success, "every subject was graded")]
[ExitCode(CliApp.Findings, "a grading rule failed for some subjects (each is listed)")]
internal sealed class GradeCommand(CliConsole console) : Command<GradeSettings>
{
    public override int Execute(CommandContext context, GradeSettings settings, CancellationToken cancellationToken)
    {
        var study = DataCommandSupport.Load(settings.Data!, new StudyLoadOptions { Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) }, console).Data;
        if (!study.HasDomain("LB")) throw new UserFacingException($"{settings.Data} has no LB dataset to grade.");
        var importer = settings.Protocol ?? Path.Combine(FileSourceResolver.ShippedLibraryRoot, "grade.protocol");
        LabGradingResult result;
        try
        {
            var resolver = ProtocolLoader.Shipped.Resolver;
            result = console.Progress("Grading", report => LabGrading.Grade(resolver, importer, study, progress: (done, _) => report(done, study.SubjectCount)));
        }
        catch (InvalidOperationException ex) { throw new UserFacingException(ex.Message); }
        if (settings.Records is { } path) OutputFiles.WriteText(path, writer => LabGrading.WriteCsv(result, writer));
        if (settings.Format == OutputFormats.Json) DataCommandSupport.WriteJson(console, new { result.Library, result.LibraryHash, result.Subjects, result.LabRecords, Graded = result.Grades.Count, result.Tests, result.Errors });
        else Print(result, settings.Records);
        return result.Errors.Count == 0 ? CliApp.Success : CliApp.Findings;
    }

    private void Print(LabGradingResult r, string? records)
    {
        console.Out.MarkupLineInterpolated($"{r.LabRecords:N0} LB records of {r.Subjects:N0} subjects; {r.Grades.Count:N0} results of graded tests, graded by {r.Library} (rule hash {r.LibraryHash}).");
        var table = new AdaptiveTable().Columns("Test", "CTCAE term").NumberColumns("Results", "Grade 0", "1", "2", "3", "4", "Unknown", "Baseline abnormal");
        foreach (var t in r.Tests)
            table.Row([t.TestCode, Markup.Escape(string.Join(" / ", t.Terms)), N(t.Records), .. t.ByGrade.Select(N), N(t.Unknown), N(t.BaselineAbnormal)]);
        table.Write(console.Out);
        console.Out.MarkupLine("Unknown: a value or limit the grade needs is missing (never counted as grade 0).");
        if (records is not null) console.Out.MarkupLineInterpolated($"Every graded result: {records}");
        foreach (var e in r.Errors) console.Out.MarkupLineInterpolated($"[red]Not graded:[/] {e}");
    }

    private static string N(int n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
