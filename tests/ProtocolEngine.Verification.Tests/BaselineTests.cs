using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Verification.Fit;
using ProtocolEngine.Verification.Tests.Support;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Verification.Tests;

/// <summary>
/// The PE3xxx diagnostics' baselines, as the compiler's (tests/ProtocolEngine.Language.Tests/Baselines): each folder holds
/// main.protocol and main.verify.txt, its verification diagnostics under the source lines; a folder with a data/ study
/// holds the fit's instead. PROTOCOLENGINE_UPDATE_BASELINES=1 rewrites them.
/// </summary>
public sealed class BaselineTests
{
    private static string Folder => Path.Combine(RepoPaths.Root, "tests", "ProtocolEngine.Verification.Tests", "Baselines");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Folder).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(dir));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Baseline_matches(string name)
    {
        var folder = Path.Combine(Folder, name);
        var protocol = Protocols.Load(Path.Combine(folder, "main.protocol"));
        Assert.False(protocol.HasErrors);
        var data = Path.Combine(folder, "data");
        IEnumerable<Diagnostic> diagnostics = Directory.Exists(data)
            ? DataFit.Check(protocol, StudyLoader.Load(data).Data).Where(f => !f.Held).Select(f => f.Diagnostic!)
            : ProtocolVerifier.Verify(protocol, Protocols.Options()).Diagnostics;
        var actual = DiagnosticRenderer.ToBaseline(protocol.Source, diagnostics.Where(d => d.Source?.Path == protocol.Source.Path).OrderBy(d => d.Span.Start).ThenBy(d => d.Code, StringComparer.Ordinal));
        AssertMatches(Path.Combine(folder, "main.verify.txt"), actual);
    }

    [Fact]
    public void Every_verification_code_with_a_deterministic_trigger_has_a_baseline_case()
    {
        var baselines = Directory.GetFiles(Folder, "main.verify.txt", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
        // PE3004 (timeout) and PE3005 (witness not confirmed) depend on the solver's speed and search: their tests are in CriteriaVerificationTests.
        var missing = DiagnosticCatalog.Entries().Select(e => e.Code).Where(c => c.StartsWith("PE3", StringComparison.Ordinal) && c is not "PE3004" and not "PE3005")
            .Where(code => !baselines.Any(b => b.Contains("[" + code + " ", StringComparison.Ordinal))).Order().ToList();
        Assert.True(missing.Count == 0, "Codes without a baseline case: " + string.Join(", ", missing));
    }

    private static void AssertMatches(string path, string actual)
    {
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"No baseline {path}; run with PROTOCOLENGINE_UPDATE_BASELINES=1 to create it.");
        Assert.Equal(File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal), actual);
    }
}
