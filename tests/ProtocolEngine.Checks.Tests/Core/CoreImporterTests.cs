using ProtocolEngine.Checks.Core;
using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Checks.Tests.Core;

/// <summary>CORE rules translated into checks of the language: every rule translated or listed with its reason, every library compiling.</summary>
public sealed class CoreImporterTests
{
    private static string CoreRules => Path.GetFullPath(Path.Combine(Paths.Root, "..", "shared", "conformance", "core"));

    [Fact]
    public void Every_rule_is_translated_or_listed_with_its_reason_and_the_libraries_compile()
    {
        var folder = Paths.NewTempFolder();
        try
        {
            var rules = CoreRuleSet.Read(CoreRules).Rules;
            var entries = CoreImporter.Import(rules, folder);
            Assert.Equal(rules.Count, entries.Count);
            Assert.All(entries, e => Assert.True(e.Checks.Count > 0 || e.NotTranslated.Count > 0, $"{e.Rule.Id} is neither translated nor explained"));
            Assert.Contains(entries, e => e.Checks.Count > 0);
            foreach (var file in Directory.EnumerateFiles(folder, "*.protocol"))
            {
                var compiled = new ProtocolCompiler(new FileSourceResolver(folder)).Compile(new SourceText(File.ReadAllText(file), file));
                Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics.Where(d => d.IsError)));
            }
            // CORE-000001 (CG0176): an inclusion criterion's IEORRES must be N; the check cites both ids.
            var sdtmig = File.ReadAllText(Path.Combine(folder, "sdtmig.protocol"));
            Assert.Contains("check CORE000001_IE", sdtmig, StringComparison.Ordinal);
            Assert.Contains("cites \"CDISC rule CG0176\"", sdtmig, StringComparison.Ordinal);
            Assert.Contains("for each IE R where (R.IECAT is not null and R.IECAT = 'INCLUSION')", sdtmig, StringComparison.Ordinal);
            Assert.Contains("expect (R.IEORRES is not null and R.IEORRES = 'N')", sdtmig, StringComparison.Ordinal);
            // What the language lacks is named in the report.
            var report = CoreImporter.Report(entries);
            Assert.Contains("a variable's presence in a dataset", report, StringComparison.Ordinal);
            Assert.Contains("| CORE-000001 |", report, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
