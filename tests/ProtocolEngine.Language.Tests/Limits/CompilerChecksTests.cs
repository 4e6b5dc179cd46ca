using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Tests.Infrastructure;
using ProtocolEngine.Language.Text;
using static ProtocolEngine.Language.Tests.Limits.LimitsTestSupport;

namespace ProtocolEngine.Language.Tests.Limits;

/// <summary>Rules that would give a wrong or empty answer with no error: caught when the protocol is compiled.</summary>
public sealed class CompilerChecksTests
{
    [Theory]
    [InlineData("DM.AGE / 0 > 1", "`0`")]
    [InlineData("1 / (2 - 2) > 0", "`2 - 2`")]
    [InlineData("DM.AGE mod (3 * 0) = 1", "`3 * 0`")]
    [InlineData("DM.AGE div -0 > 1", "`-0`")]
    public void ConstantDivisionByZero_IsAnError(string rule, string divisor)
    {
        var diagnostic = Assert.Single(Compile(WithRule(rule)).Diagnostics);
        Assert.Equal("PE1039", diagnostic.Code);
        Assert.Contains(divisor, diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DM.AGE / 2 > 1")]
    [InlineData("DM.AGE / DM.AGE > 1")]
    [InlineData("DM.AGE / (1 / 0 + 1) > 1")]
    [InlineData("DM.AGE / 0.00000001 > 1")]
    public void ConstantDivisionByZero_OnlyWhenTheDivisorIsCertainlyZero(string rule)
    {
        // 1 / 0 + 1 is null, not zero: the inner division is reported, the outer one is not.
        var compiled = Compile(WithRule(rule));
        Assert.True(compiled.Diagnostics.Count(d => d.Code == "PE1039") <= (rule.Contains("1 / 0", StringComparison.Ordinal) ? 1 : 0),
            string.Join("; ", compiled.Diagnostics));
    }

    [Fact]
    public void ConstantDivisionByZero_ALoneCqlExpression_FollowsCql()
    {
        // The conformance suite expects 1 / 0 to be null: a lone expression is plain CQL.
        Assert.Empty(ProtocolCompiler.CompileExpression(new SourceText("1 / 0", "e")).Diagnostics);
    }

    [Fact]
    public void ConstantDivisionByZero_InALibrary_UsesTheImportersParameterValues()
    {
        var library = "library lib version \"1\"\n  data SDTM \"3.4\"\nparameter Divisor default 0\ndefine Ratio: DM.AGE / Divisor\n";
        var overridden = Header + "import lib with Divisor = 2\ncriteria\n  inclusion I1 \"x\"\n    Ratio > 1\n";
        var plain = Header + "import lib\ncriteria\n  inclusion I1 \"x\"\n    Ratio > 1\n";
        var compiler = new ProtocolCompiler(new InMemorySourceResolver(new Dictionary<string, string> { ["lib"] = library }));
        Assert.DoesNotContain(compiler.CompileFresh(new SourceText(overridden, "a.protocol")).Diagnostics, d => d.Code == "PE1039");
        var error = Assert.Single(compiler.CompileFresh(new SourceText(plain, "b.protocol")).Diagnostics, d => d.Code == "PE1039");
        Assert.Equal("lib.protocol", error.Source!.Path);
    }

    [Fact]
    public void EmptyProtocol_AnEmptyFileOrAProtocolWithoutCriteria_IsWarned()
    {
        foreach (var text in new[] { "", Header, Header + "define X: 1\ncriteria\n" })
        {
            var compiled = Compile(text);
            Assert.Contains(compiled.Diagnostics, d => d.Code == "PE1040");
            Assert.True(compiled.Criteria.IsEmpty);
        }
    }

    [Fact]
    public void EmptyProtocol_ALibrary_IsNotWarned()
    {
        Assert.DoesNotContain(Compile("library L version \"1\"\ndefine X: 1\n").Diagnostics, d => d.Code == "PE1040");
    }

    [Fact]
    public void ImportCycle_IsAnErrorOfTheImportingCompilation()
    {
        var compiler = new ProtocolCompiler(new InMemorySourceResolver(new Dictionary<string, string>
        {
            ["a"] = "library a version \"1\"\nimport b\ndefine X: 1\n",
            ["b"] = "library b version \"1\"\nimport a\ndefine Y: 2\n",
        }));
        var compiled = compiler.CompileFresh(new SourceText(WithRule("DM.AGE > 1").Replace("criteria", "import a\ncriteria", StringComparison.Ordinal), "main.protocol"));
        var cycle = Assert.Single(compiled.Diagnostics, d => d.IsError);
        Assert.Equal("PE1015", cycle.Code);
        Assert.Contains("a -> b -> a", cycle.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateProtocolIds_ShippedProtocolsAreUnique()
    {
        var resolver = new TestFileResolver();
        var compiled = Directory.GetFiles(RepositoryPaths.Protocols, "*.protocol", SearchOption.AllDirectories)
            .Select(f => new ProtocolCompiler(resolver).Compile(new SourceText(File.ReadAllText(f), f))).ToList();
        var ids = compiled.Select(c => $"{c.Name} {c.Version}").ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(ProtocolIdentity.FindDuplicates(compiled));
    }

    [Fact]
    public void DuplicateProtocolIds_WarnInOneFolderOnly_AndNotForOtherVersions()
    {
        var v1 = WithRule("DM.AGE > 1");
        var v2 = v1.Replace("version \"1\"", "version \"2\"", StringComparison.Ordinal);
        CompiledProtocol At(string path, string text) => ProtocolCompiler.Standalone.CompileFresh(new SourceText(text, path));
        var duplicates = ProtocolIdentity.FindDuplicates([At("one/a.protocol", v1), At("one/b.protocol", v1), At("two/c.protocol", v1), At("one/d.protocol", v2)]);
        Assert.Equal(2, duplicates.Count);
        Assert.All(duplicates, d => Assert.Equal("PE1041", d.Code));
        Assert.Equal(["one/a.protocol", "one/b.protocol"], duplicates.Select(d => d.Source!.Path).Order(StringComparer.Ordinal));
        Assert.Contains("b.protocol", duplicates[0].Message, StringComparison.Ordinal);
    }
}
