using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ProtocolEngine.Runtime.Conformance;

/// <summary>The results of a conformance run as the command line prints them: per-file lines and a total, or every test as JSON.</summary>
public sealed class ConformanceReport(IReadOnlyList<ConformanceTestResult> results)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Runs every test file of a folder.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">It holds no test files.</exception>
    /// <exception cref="FormatException">A file is not a readable conformance file (its path and the reason).</exception>
    public static ConformanceReport RunFolder(string folder, CqlConformanceRunner runner)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"No such folder: {folder}");
        var files = CqlConformanceRunner.FindFiles(folder);
        if (files.Count == 0) throw new FileNotFoundException($"No conformance test files (*.xml) in {folder}");
        var results = new List<ConformanceTestResult>();
        foreach (var file in files)
        {
            try { results.AddRange(runner.RunFile(file)); }
            catch (System.Xml.XmlException e) { throw new FormatException($"{file}: not a readable conformance file: {e.Message}", e); }
        }
        return new ConformanceReport(results);
    }

    /// <summary>Every test's result.</summary>
    public IReadOnlyList<ConformanceTestResult> Results { get; } = results;

    /// <summary>The percentage of tests that passed (skipped ones count as not passed).</summary>
    public double PassRate => Rate([.. Results.Select(r => r.Outcome)]);

    /// <summary>The percentage of <paramref name="outcomes"/> that passed (skipped ones count as not passed).</summary>
    public static double Rate(IReadOnlyCollection<ConformanceOutcome> outcomes) =>
        outcomes.Count == 0 ? 0 : 100.0 * outcomes.Count(o => o == ConformanceOutcome.Passed) / outcomes.Count;

    /// <summary>"N passed, N failed, N skipped".</summary>
    public static string Tally(IEnumerable<ConformanceOutcome> outcomes)
    {
        var list = outcomes.ToList();
        return $"{list.Count(o => o == ConformanceOutcome.Passed)} passed, {list.Count(o => o == ConformanceOutcome.Failed)} failed, {list.Count(o => o == ConformanceOutcome.Skipped)} skipped";
    }

    /// <summary>Every test with its expected and actual result, as a JSON array.</summary>
    public void WriteJson(TextWriter writer) => writer.WriteLine(JsonSerializer.Serialize(Results.Select(r => new
    {
        file = r.File, group = r.Group, name = r.Name, outcome = r.Outcome.ToString().ToLowerInvariant(), expression = r.Expression, expected = r.Expected, actual = r.Actual,
    }), JsonOptions));

    /// <summary>A line per file and the total; with <paramref name="failures"/>, each failed test with its expected and actual result first.</summary>
    public void WriteText(TextWriter writer, bool failures)
    {
        foreach (var group in Results.GroupBy(r => r.File))
        {
            if (failures)
                foreach (var f in group.Where(r => r.Outcome != ConformanceOutcome.Passed))
                    writer.WriteLine($"  {f.Outcome.ToString().ToUpperInvariant()} {f.Group}/{f.Name}: {f.Expression.ReplaceLineEndings(" ")}\n      expected {f.Expected.ReplaceLineEndings(" ")}\n      actual   {f.Actual.ReplaceLineEndings(" ")}");
            writer.WriteLine($"{group.Key}: {Line(group)}");
        }
        writer.WriteLine($"Total: {Line(Results)} ({PassRate.ToString("F1", CultureInfo.InvariantCulture)}% passed)");
    }

    private static string Line(IEnumerable<ConformanceTestResult> results) => Tally(results.Select(r => r.Outcome));
}
