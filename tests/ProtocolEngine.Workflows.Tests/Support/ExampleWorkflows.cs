using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Workflows.Tests.Support;

/// <summary>The workflows of Scenarios/language-examples.protocol, compiled and lowered by the language.</summary>
public static class ExampleWorkflows
{
    public static readonly string ProtocolPath = Path.Combine(RepoPaths.Root, "tests", "ProtocolEngine.Workflows.Tests", "Scenarios", "language-examples.protocol");

    private static readonly Lazy<CompiledProtocol> Compiled = new(() =>
    {
        var compiled = new ProtocolCompiler(new FileSourceResolver(Path.Combine(RepoPaths.Root, "protocols"))).Compile(ProtocolFiles.Read(ProtocolPath));
        if (compiled.HasErrors) throw new InvalidOperationException("language-examples.protocol does not compile: " + string.Join("; ", compiled.Diagnostics.Where(d => d.IsError)));
        return compiled;
    });

    public static CompiledProtocol Protocol => Compiled.Value;

    /// <summary>The workflows as the compiler lowered them, counting calendar days in <paramref name="timeZone"/>.</summary>
    public static IReadOnlyList<WorkflowDefinition> Lowered(string timeZone = "Europe/Berlin") => [.. Protocol.WorkflowDefinitions.Select(w => w with { TimeZone = timeZone })];

    public static WorkflowDefinition Recruitment(string timeZone = "Europe/Berlin") => Lowered(timeZone).Single(w => w.Name == "Recruitment");

    public static WorkflowDefinition SaeReporting(string timeZone = "Europe/Berlin") => Lowered(timeZone).Single(w => w.Name == "SaeReporting");
}
