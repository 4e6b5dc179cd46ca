using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Tests.Infrastructure;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Language.Tests.Workflows;

/// <summary>
/// One workflow model: the runtime refuses a definition exactly when <see cref="WorkflowValidator"/> finds an error, and
/// every such error is one `protocol check` reports on protocol text with the same code.
/// </summary>
public sealed class WorkflowValidatorTests
{
    // A definition with every problem the runtime refuses.
    private static WorkflowDefinition Broken() => new("W", null, new WorkflowScope(),
        [
            new StateDefinition("A", IsInitial: true, Tasks: [new TaskDefinition("Call", null, TaskKind.Task, ["Nurse"]), new TaskDefinition("Call", null, TaskKind.Task, [])]),
            new StateDefinition("A"),
            new StateDefinition("B", IsFinal: true, Deadline: new DeadlineDefinition(ClockDuration.Parse("1 day"), "Nowhere", null)),
            new StateDefinition("C", IsInitial: true, Tasks: [new TaskDefinition("Consent", null, TaskKind.Gate, ["Investigator"], Due: new ClockDuration(0, DurationUnit.Days))]),
            new StateDefinition("D"),
        ],
        [
            new TransitionDefinition("A", "B", new TaskGuard("Consent", TaskOutcome.Completed)),
            new TransitionDefinition("A", "B", new TaskGuard("Nobody", TaskOutcome.Completed)),
            new TransitionDefinition("C", "B", new TaskGuard("Consent", TaskOutcome.Decided, "maybe")),
            new TransitionDefinition("B", "A", new ClockGuard("Late", true)),
            new TransitionDefinition("D", "C"),
            new TransitionDefinition("C", "D"),
        ],
        [new ClockDefinition("Report", "R", ClockKind.CompleteReport, null, ClockDuration.Parse("8 days"), FollowsClock: "Notify")],
        TimeZone: "Mars/Olympus");

    // The codes that arise only from what the host supplies or from a definition written by hand, never from protocol text.
    private static readonly string[] RuntimeOnly = ["PE9008", "PE9009"];

    [Fact]
    public void Every_problem_the_runtime_refuses_is_a_diagnostic_protocol_check_reports()
    {
        var found = WorkflowValidator.Validate(Broken(), zone => zone == "UTC").Select(d => d.Code).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["PE1011", "PE2001", "PE2004", "PE2005", "PE2006", "PE2007", "PE2008", "PE2010", "PE2014", "PE2022", "PE2023", "PE2025", "PE9008", "PE9009"], found);
        var baselines = Directory.GetFiles(Path.Combine(RepositoryPaths.LanguageTests, "Baselines"), "main.diagnostics.txt", SearchOption.AllDirectories)
            .Select(File.ReadAllText).ToList();
        foreach (var code in found.Except(RuntimeOnly))
            Assert.True(baselines.Any(b => b.Contains("[" + code + " (Error)]", StringComparison.Ordinal)), $"{code}: the runtime refuses it, but no baseline shows the compiler reporting it as an error.");
        Assert.All(RuntimeOnly, code => Assert.StartsWith("PE9", code, StringComparison.Ordinal));
    }

    [Fact]
    public void Whatever_the_compiler_accepts_the_runtime_accepts()
    {
        var sources = Directory.GetFiles(Path.Combine(RepositoryPaths.LanguageTests, "Baselines"), "main.protocol", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(RepositoryPaths.Protocols, "*.protocol"));
        int lowered = 0;
        var compiler = new ProtocolCompiler(new TestFileResolver());
        foreach (var path in sources)
        {
            var compiled = compiler.CompileFresh(new SourceText(File.ReadAllText(path), path));
            if (compiled.HasErrors)
            {
                Assert.Empty(compiled.WorkflowDefinitions);
                continue;
            }
            Assert.Equal(compiled.Workflows.Length, compiled.WorkflowDefinitions.Length);
            foreach (var definition in compiled.WorkflowDefinitions)
            {
                Assert.Empty(WorkflowValidator.Validate(definition, _ => true));
                lowered++;
            }
        }
        Assert.True(lowered >= 10, $"only {lowered} workflows were lowered");
    }

    [Fact]
    public void A_loop_through_a_final_state_is_no_loop_and_a_circle_is_named_in_order()
    {
        Assert.Null(WorkflowValidator.AutomaticCycle([("A", "B"), ("B", "C")]));
        Assert.Equal("B -> C -> B", WorkflowValidator.AutomaticCycle([("A", "B"), ("B", "C"), ("C", "B")]));
        Assert.Equal("A -> A", WorkflowValidator.AutomaticCycle([("A", "A")]));
        var finalLoop = new WorkflowDefinition("W", null, new WorkflowScope(), [new StateDefinition("A", IsInitial: true), new StateDefinition("B", IsFinal: true)],
            [new TransitionDefinition("A", "B"), new TransitionDefinition("B", "A")]);
        Assert.Equal(["PE2008"], WorkflowValidator.Validate(finalLoop).Select(d => d.Code));
    }
}
