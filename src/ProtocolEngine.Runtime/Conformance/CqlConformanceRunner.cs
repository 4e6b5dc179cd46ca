using System.Xml.Linq;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Conformance;

/// <summary>The outcome of one conformance test.</summary>
public enum ConformanceOutcome
{
    /// <summary>The result equals the expected output (or an invalid expression was rejected).</summary>
    Passed,
    /// <summary>Anything else.</summary>
    Failed,
    /// <summary>Not run: it needs a capability the engine declares unsupported. Counts as not passed.</summary>
    Skipped,
}

/// <summary>One test's result.</summary>
/// <param name="File">The XML file name.</param>
/// <param name="Group">The test group.</param>
/// <param name="Name">The test name.</param>
/// <param name="Expression">The CQL expression under test.</param>
/// <param name="Outcome">Passed, failed or skipped.</param>
/// <param name="Expected">The expected output as written (or "error" for invalid expressions).</param>
/// <param name="Actual">What the engine produced, as a CQL literal (or the error).</param>
public sealed record ConformanceTestResult(string File, string Group, string Name, string Expression, ConformanceOutcome Outcome, string Expected, string Actual);

/// <summary>
/// Runs tests in the HL7 CQL conformance XML format (tests / group / test / expression / output, with
/// capability codes) through the real compiler and runtime. Works on any folder of such files.
/// </summary>
public sealed class CqlConformanceRunner
{
    private static readonly XNamespace Ns = "http://hl7.org/fhirpath/tests";

    /// <summary>Capability codes this engine declares unsupported: tests that need them are skipped.</summary>
    public static IReadOnlySet<string> UnsupportedCapabilities { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The "now" every test sees (CQL tests only compare Now() and Today() with themselves).</summary>
    public CqlDateTime Now { get; init; } = CqlDateTime.FromDateTime(DateTime.UtcNow, DateTimePrecision.Millisecond, 0);

    /// <summary>Limits per test, so a runaway expression cannot stall the run.</summary>
    public EvaluationLimits Limits { get; init; } = new() { MaxTime = TimeSpan.FromSeconds(5), MaxSteps = 5_000_000, MaxListSize = 2_000_000 };

    /// <summary>The XML files of a folder, sorted by name.</summary>
    public static IReadOnlyList<string> FindFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.xml", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList();

    /// <summary>Runs every test of one file.</summary>
    /// <exception cref="System.Xml.XmlException">The file is not well-formed XML.</exception>
    public IEnumerable<ConformanceTestResult> RunFile(string path)
    {
        var document = XDocument.Load(path);
        var root = document.Root;
        if (root is null || root.Name != Ns + "tests") yield break;
        var fileName = Path.GetFileName(path);
        var suiteCapabilities = Capabilities(root);
        foreach (var group in root.Elements(Ns + "group"))
        {
            var groupName = (string?)group.Attribute("name") ?? "";
            var groupCapabilities = suiteCapabilities.Concat(Capabilities(group)).ToList();
            foreach (var test in group.Elements(Ns + "test"))
                yield return RunTest(fileName, groupName, test, groupCapabilities.Concat(Capabilities(test)).ToList());
        }
    }

    private static IEnumerable<string> Capabilities(XElement element) =>
        element.Elements(Ns + "capability").Select(c => (string?)c.Attribute("code")).OfType<string>();

    private ConformanceTestResult RunTest(string file, string group, XElement test, List<string> capabilities)
    {
        var name = (string?)test.Attribute("name") ?? "";
        var expressionElement = test.Element(Ns + "expression");
        var expression = expressionElement?.Value.Trim() ?? "";
        var invalid = (string?)expressionElement?.Attribute("invalid");
        bool expectError = invalid is "true" or "syntax" or "semantic";
        var output = test.Element(Ns + "output")?.Value.Trim();
        var expectedText = expectError ? "error" : output ?? "";

        if (capabilities.Any(UnsupportedCapabilities.Contains))
            return new ConformanceTestResult(file, group, name, expression, ConformanceOutcome.Skipped, expectedText, "skipped: unsupported capability");

        var (actual, actualError) = Evaluate(expression, name);
        if (expectError)
        {
            return new ConformanceTestResult(file, group, name, expression, actualError is not null ? ConformanceOutcome.Passed : ConformanceOutcome.Failed,
                expectedText, actualError ?? CqlFormatter.Format(actual));
        }
        if (actualError is not null)
            return new ConformanceTestResult(file, group, name, expression, ConformanceOutcome.Failed, expectedText, "error: " + actualError);

        var (expected, expectedError) = Evaluate(output ?? "null", name + " (expected output)");
        if (expectedError is not null)
            return new ConformanceTestResult(file, group, name, expression, ConformanceOutcome.Failed, expectedText, "cannot read the expected output: " + expectedError);
        var outcome = ConformanceComparer.Same(actual, expected) ? ConformanceOutcome.Passed : ConformanceOutcome.Failed;
        return new ConformanceTestResult(file, group, name, expression, outcome, expectedText, CqlFormatter.Format(actual));
    }

    private (object? Value, string? Error) Evaluate(string text, string name)
    {
        var compiled = ProtocolCompiler.CompileExpression(new SourceText(text, name));
        if (compiled.HasErrors) return (null, string.Join("; ", compiled.Diagnostics.Where(d => d.IsError).Select(d => $"{d.Code} {d.Message}")));
        try
        {
            var (protocol, run) = ExecutableProtocol.ForExpression(compiled);
            var ctx = protocol.CreateContext(null, Now, Limits);
            var result = RuleRunner.Run(ctx, run, name, new TextSpan(0, text.Length), compiled.Source);
            return result.Succeeded ? (result.Value, null) : (null, $"{result.Error!.Code} {result.Error.Message}");
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
        {
            // A construct the native backend does not compile is a failure of that test, not of the run.
            return (null, "not supported: " + e.Message);
        }
    }
}
