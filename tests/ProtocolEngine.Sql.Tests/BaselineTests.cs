using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Sql.Tests.Support;

namespace ProtocolEngine.Sql.Tests;

/// <summary>
/// The PE4xxx diagnostics' baselines, as the compiler's: each folder under Baselines holds main.protocol and main.sql.txt,
/// the SQL backend's diagnostics under the source lines. PROTOCOLENGINE_UPDATE_BASELINES=1 rewrites them.
/// </summary>
public sealed class BaselineTests
{
    private static string Folder => Path.Combine(Studies.Root, "tests", "ProtocolEngine.Sql.Tests", "Baselines");

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
        var query = SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, SqlCatalog.FromModel(SdtmModel.Sdtmig34));
        var actual = DiagnosticRenderer.ToBaseline(protocol.Source, query.Diagnostics.OrderBy(d => d.Span.Start)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var path = Path.Combine(Folder, name, "main.sql.txt");
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"No baseline {path}; run with PROTOCOLENGINE_UPDATE_BASELINES=1 to create it.");
        Assert.Equal(File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal), actual);
    }

    [Fact]
    public void Every_backend_code_has_a_baseline_case()
    {
        // The RulesEngine export's codes (PE41xx) have their baselines beside its tests.
        var rulesEngine = Path.Combine(Studies.Root, "tests", "ProtocolEngine.Interop.RulesEngine.Tests", "Baselines");
        var baselines = Directory.GetFiles(Folder, "main.sql.txt", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(rulesEngine, "main.rulesengine.txt", SearchOption.AllDirectories)).Select(File.ReadAllText).ToList();
        var missing = DiagnosticCatalog.Entries().Select(e => e.Code).Where(c => c.StartsWith("PE4", StringComparison.Ordinal))
            .Where(code => !baselines.Any(b => b.Contains("[" + code + " ", StringComparison.Ordinal))).Order().ToList();
        Assert.True(missing.Count == 0, "Codes without a baseline case: " + string.Join(", ", missing));
    }

    [Fact]
    public void A_criterion_not_pushed_down_is_left_to_the_native_backend_and_the_status_to_the_caller()
    {
        var protocol = ProtocolLoader.Shipped.Load(Path.Combine(Folder, "NotPushedDown", "main.protocol"));
        var query = SqlScreeningQuery.Generate(protocol, SqlDialect.DuckDb, SqlCatalog.FromModel(SdtmModel.Sdtmig34));
        Assert.False(query.IsComplete);
        Assert.Equal(["INCL02", "EXCL01"], query.Criteria.Where(c => !c.IsPushedDown).Select(c => c.Criterion.Id));
        Assert.DoesNotContain("\"STATUS\"", query.Text, StringComparison.Ordinal);
        Assert.Contains("Divide", query.Criteria.Single(c => c.Criterion.Id == "INCL02").Reason, StringComparison.Ordinal);
    }
}
