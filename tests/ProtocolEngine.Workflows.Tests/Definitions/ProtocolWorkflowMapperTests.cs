using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Definitions;

public sealed class ProtocolWorkflowMapperTests
{
    [Fact]
    public void TheCompiledRecruitmentWorkflow_MapsConstructByConstruct()
    {
        var mapped = ExampleWorkflows.Recruitment();
        Assert.Equal(ExampleWorkflows.Protocol.ContentHash, mapped.ProtocolHash);
        var expected = HandBuiltExamples.Recruitment() with { ProtocolHash = mapped.ProtocolHash };
        Assert.Equal(DefinitionSerializer.ToJson(expected), DefinitionSerializer.ToJson(mapped));
    }

    [Fact]
    public void TheCompiledSaeWorkflow_MapsConstructByConstruct_WithTheSafetyRulesClocks()
    {
        var mapped = ExampleWorkflows.SaeReporting();
        var when = mapped.Scope.StartCondition!;
        Assert.Equal(("start:SaeReporting", "A.AESER = 'Y'"), (when.RuleId, when.Text));
        Assert.Equal(64, when.RuleHash.Length);
        var expected = HandBuiltExamples.SaeReporting() with { ProtocolHash = mapped.ProtocolHash, Scope = mapped.Scope };
        Assert.Equal(DefinitionSerializer.ToJson(expected), DefinitionSerializer.ToJson(mapped));
        Assert.Empty(ExampleWorkflows.Mapped().Problems);
    }

    [Fact]
    public void TheShippedProtocols_MapWithoutProblems()
    {
        var compiler = new ProtocolCompiler(new ProtocolEngine.Runtime.Hosting.FileSourceResolver(Path.Combine(RepoPaths.Root, "protocols")));
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "protocols"), "*.protocol"))
        {
            var compiled = compiler.Compile(ProtocolEngine.Runtime.Hosting.ProtocolFiles.Read(file));
            Assert.False(compiled.HasErrors, file);
            var result = ProtocolWorkflowMapper.Map(compiled);
            Assert.Empty(result.Problems);
            Assert.All(result.Workflows, w => Assert.Empty(w.Validate()));
        }
    }

    [Fact]
    public void AnUnknownSignatureMeaning_IsAProblem()
    {
        var text = File.ReadAllText(ExampleWorkflows.ProtocolPath).Replace("meaning \"approval\"", "meaning \"blessing\"", StringComparison.Ordinal);
        var compiled = new ProtocolCompiler(new ProtocolEngine.Runtime.Hosting.FileSourceResolver(Path.Combine(RepoPaths.Root, "protocols")))
            .Compile(new SourceText(text, ExampleWorkflows.ProtocolPath));
        var problems = ProtocolWorkflowMapper.Map(compiled).Problems;
        Assert.Contains(problems, p => p.Contains("\"blessing\"", StringComparison.Ordinal) && p.Contains("InvestigatorApproval", StringComparison.Ordinal));
    }
}
