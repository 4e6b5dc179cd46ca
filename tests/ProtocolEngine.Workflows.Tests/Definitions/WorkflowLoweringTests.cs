using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Definitions;

/// <summary>The compiler lowers each workflow block to the IR the runtime runs; these check that IR construct by construct.</summary>
public sealed class WorkflowLoweringTests
{
    private static readonly ProtocolCompiler Compiler = new(new FileSourceResolver(Path.Combine(RepoPaths.Root, "protocols")));

    [Fact]
    public void TheCompiledRecruitmentWorkflow_LowersConstructByConstruct()
    {
        var lowered = ExampleWorkflows.Recruitment();
        Assert.Equal(ExampleWorkflows.Protocol.ContentHash, lowered.ProtocolHash);
        var expected = HandBuiltExamples.Recruitment() with { ProtocolHash = lowered.ProtocolHash };
        Assert.Equal(DefinitionSerializer.ToJson(expected), DefinitionSerializer.ToJson(lowered));
    }

    [Fact]
    public void TheCompiledSaeWorkflow_LowersConstructByConstruct_WithTheSafetyRulesClocks_AndItsConditionAsARule()
    {
        var lowered = ExampleWorkflows.SaeReporting();
        var when = lowered.Scope.StartCondition!;
        var rule = ExampleWorkflows.Protocol.Rules["start:SaeReporting"];
        Assert.Equal(("start:SaeReporting", "A.AESER = 'Y'", rule.Hash), (when.RuleId, when.Text, when.RuleHash));
        var expected = HandBuiltExamples.SaeReporting() with { ProtocolHash = lowered.ProtocolHash, Scope = lowered.Scope };
        Assert.Equal(DefinitionSerializer.ToJson(expected), DefinitionSerializer.ToJson(lowered));
    }

    [Fact]
    public void EveryShippedProtocol_LowersToDefinitionsTheRuntimeAccepts()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "protocols"), "*.protocol"))
        {
            var compiled = Compiler.Compile(ProtocolFiles.Read(file));
            Assert.False(compiled.HasErrors, file);
            Assert.Equal(compiled.Workflows.Select(w => w.Name), compiled.WorkflowDefinitions.Select(w => w.Name));
            Assert.All(compiled.WorkflowDefinitions, w => Assert.Empty(w.Validate()));
        }
    }

    [Fact]
    public void AProtocolWithErrors_LowersNothing_AndAnUnknownSignatureMeaningIsAnError()
    {
        var text = File.ReadAllText(ExampleWorkflows.ProtocolPath).Replace("meaning \"approval\"", "meaning \"blessing\"", StringComparison.Ordinal);
        var compiled = Compiler.Compile(new SourceText(text, ExampleWorkflows.ProtocolPath));
        Assert.Contains(compiled.Diagnostics, d => d.Code == "PE2013" && d.IsError && d.Message.Contains("\"blessing\"", StringComparison.Ordinal));
        Assert.Empty(compiled.WorkflowDefinitions);
    }

    [Fact]
    public void AStateWithSeveralTasks_LowersToAStateHoldingThemAll()
    {
        var compiled = Compiler.Compile(new SourceText(Protocols.TwoTasks, "two-tasks.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var state = compiled.WorkflowDefinitions.Single().States.Single(s => s.Name == "Preparing");
        Assert.Equal(["ObtainConsent", "BookVisit"], state.Tasks!.Select(t => t.Name));
    }
}
