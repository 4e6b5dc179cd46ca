using ProtocolEngine.Runtime.Conformance;

namespace ProtocolEngine.Runtime.Tests.Conformance;

public sealed class CqlConformanceSuiteTests
{
    private static string SuiteFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance", "cql"));
        throw new InvalidOperationException("Cannot find the repository root.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root.");
    }

    /// <summary>A regression guard: the HL7 suite's pass rate must not fall below what docs/conformance.md reports, and every failure must be one it explains.</summary>
    [Fact]
    public void The_HL7_CQL_suite_passes_at_least_97_percent()
    {
        var runner = new CqlConformanceRunner();
        var results = CqlConformanceRunner.FindFiles(SuiteFolder()).SelectMany(runner.RunFile).ToList();
        Assert.Equal(1293, results.Count);
        int passed = results.Count(r => r.Outcome == ConformanceOutcome.Passed);
        Assert.True(passed >= 1263, $"{passed} of {results.Count} passed; failures:\n" +
            string.Join("\n", results.Where(r => r.Outcome != ConformanceOutcome.Passed).Select(r => $"{r.Name}: {r.Actual}")));
        var explained = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "conformance.md"));
        var unexplained = results.Where(r => r.Outcome != ConformanceOutcome.Passed && !explained.Contains(r.Name.Split('/')[^1], StringComparison.Ordinal)).ToList();
        Assert.True(unexplained.Count == 0, "Failures docs/conformance.md does not explain:\n" + string.Join("\n", unexplained.Select(r => $"{r.Name}: {r.Actual}")));
    }

    [Fact]
    public void A_test_file_with_a_wrong_result_is_reported_as_failed_and_an_invalid_expression_as_passed()
    {
        var folder = Path.Combine(Path.GetTempPath(), "conformance-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "mine.xml"), """
                <tests xmlns="http://hl7.org/fhirpath/tests" name="Mine">
                  <group name="G">
                    <test name="Right"><expression>1 + 1</expression><output>2</output></test>
                    <test name="Wrong"><expression>1 + 1</expression><output>3</output></test>
                    <test name="Invalid"><expression invalid="true">1 + 'a'</expression></test>
                  </group>
                </tests>
                """);
            var results = new CqlConformanceRunner().RunFile(Path.Combine(folder, "mine.xml")).ToDictionary(r => r.Name);
            Assert.Equal(ConformanceOutcome.Passed, results["Right"].Outcome);
            Assert.Equal(ConformanceOutcome.Failed, results["Wrong"].Outcome);
            Assert.Equal("2", results["Wrong"].Actual);
            Assert.Equal(ConformanceOutcome.Passed, results["Invalid"].Outcome);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
