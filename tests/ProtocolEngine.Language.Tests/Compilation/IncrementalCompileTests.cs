using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Tests.Infrastructure;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Tests.Compilation;

public sealed class IncrementalCompileTests
{
    private static readonly string Pilot = Path.Combine(RepositoryPaths.Protocols, "cdiscpilot01-amendment1.protocol");

    [Fact]
    public void An_edit_gives_the_diagnostics_and_rules_of_a_fresh_compile()
    {
        var compiler = new ProtocolCompiler(new TestFileResolver());
        var text = File.ReadAllText(Pilot);
        compiler.CompileIncremental(new SourceText(text, Pilot));
        var edited = text.Replace("DM.SEX = 'M'", "DM.SEXX = 'M'", StringComparison.Ordinal);
        var incremental = compiler.CompileIncremental(new SourceText(edited, Pilot));
        var fresh = new ProtocolCompiler(new TestFileResolver()).CompileFresh(new SourceText(edited, Pilot));
        Assert.Equal(fresh.Diagnostics.Select(d => d.ToString()), incremental.Diagnostics.Select(d => d.ToString()));
        Assert.Contains(incremental.Diagnostics, d => d.Code == "PE1004");
        Assert.Equal(fresh.Rules.Keys.Order(StringComparer.Ordinal), incremental.Rules.Keys.Order(StringComparer.Ordinal));
        Assert.All(fresh.Rules, r => Assert.Equal(r.Value.Hash, incremental.Rules[r.Key].Hash));
        Assert.Equal(fresh.Libraries.Select(l => l.Name).Order(StringComparer.Ordinal), incremental.Libraries.Select(l => l.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Unchanged_libraries_are_bound_once_and_a_changed_library_again()
    {
        var library = """
            library lib version "1"
              data SDTM "3.4"
            define Old: DM.AGE > 60
            """;
        var libraries = new Dictionary<string, string> { ["lib"] = library };
        var compiler = new ProtocolCompiler(new InMemorySourceResolver(libraries));
        SourceText Main(string body) => new($"protocol P version \"1\"\n  data SDTM \"3.4\"\nimport lib\ncriteria\n  inclusion I1 \"x\"\n    {body}\n", "p.protocol");

        var first = compiler.CompileIncremental(Main("Old"));
        var second = compiler.CompileIncremental(Main("Old and DM.AGE < 90"));
        Assert.False(second.HasErrors, string.Join("\n", second.Diagnostics));
        Assert.Same(first.Libraries.Single().Defines["Old"], second.Libraries.Single().Defines["Old"]);

        libraries["lib"] = library.Replace("60", "65", StringComparison.Ordinal);
        var third = compiler.CompileIncremental(Main("Old and DM.AGE < 90"));
        Assert.NotSame(second.Libraries.Single().Defines["Old"], third.Libraries.Single().Defines["Old"]);
        Assert.NotEqual(second.FindCriterion("I1")!.Hash, third.FindCriterion("I1")!.Hash);
    }

    [Fact]
    public void A_library_error_is_reported_once_however_often_it_is_reused()
    {
        var libraries = new Dictionary<string, string> { ["lib"] = "library lib version \"1\"\n  data SDTM \"3.4\"\ndefine Bad: DM.AGEE > 1\n" };
        var compiler = new ProtocolCompiler(new InMemorySourceResolver(libraries));
        for (int i = 0; i < 3; i++)
        {
            var compiled = compiler.CompileIncremental(new SourceText($"protocol P version \"{i}\"\n  data SDTM \"3.4\"\nimport lib\n", "p.protocol"));
            Assert.Single(compiled.Diagnostics, d => d.Code == "PE1004");
        }
    }

    [Fact]
    public void A_misspelt_name_carries_its_suggestion_for_a_quick_fix()
    {
        var source = new SourceText("protocol P version \"1\"\n  data SDTM \"3.4\"\ncriteria\n  inclusion I1 \"x\"\n    exists (AE A where A.AESERR = 'Y')\n", "p.protocol");
        var compiled = ProtocolCompiler.Standalone.CompileFresh(source);
        var d = Assert.Single(compiled.Diagnostics, d => d.Code == "PE1004");
        Assert.Equal("AESER", d.Suggestion);
        Assert.Equal("AESERR", source.Slice(d.Span));
    }
}
