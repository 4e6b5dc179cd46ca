using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Sql.Tests.Support;

namespace ProtocolEngine.Interop.RulesEngine.Tests;

/// <summary>
/// The RulesEngine export's diagnostics (PE4101) under the source lines, as the compiler's and the SQL backend's
/// baselines: each folder under Baselines holds main.protocol and main.rulesengine.txt. PROTOCOLENGINE_UPDATE_BASELINES=1 rewrites them.
/// </summary>
public sealed class BaselineTests
{
    internal static string Folder => Path.Combine(Studies.Root, "tests", "ProtocolEngine.Interop.RulesEngine.Tests", "Baselines");

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
        var protocol = ProtocolLoader.Shipped.Load(Path.Combine(Folder, name, "main.protocol"));
        Assert.False(protocol.HasErrors, string.Join("\n", protocol.Diagnostics));
        var workflow = RulesEngineWorkflow.Generate(protocol);
        var actual = DiagnosticRenderer.ToBaseline(protocol.Source, workflow.Diagnostics.OrderBy(d => d.Span.Start)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var path = Path.Combine(Folder, name, "main.rulesengine.txt");
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"No baseline {path}; run with PROTOCOLENGINE_UPDATE_BASELINES=1 to create it.");
        Assert.Equal(File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal), actual);
    }

    /// <summary>What is expressed and what is not: INCL01 only (INCL03 is attested, so it has no rule and no warning).</summary>
    [Fact]
    public void Only_what_can_be_expressed_is_in_the_workflow()
    {
        var workflow = RulesEngineWorkflow.Generate(ProtocolLoader.Shipped.Load(Path.Combine(Folder, "NotExpressible", "main.protocol")));
        Assert.Equal(["INCL01"], workflow.Workflow.Rules.Select(r => r.RuleName));
        Assert.Equal(["INCL02", "EXCL01", "EXCL02", "EXCL03"], workflow.Criteria.Where(c => c.Reason is not null).Select(c => c.Criterion.Id));
        Assert.Contains("sorting by text", workflow.Criteria.Single(c => c.Criterion.Id == "EXCL03").Reason, StringComparison.Ordinal);
    }
}
