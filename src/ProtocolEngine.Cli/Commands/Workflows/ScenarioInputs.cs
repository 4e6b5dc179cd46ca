using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Safety.Randomization;
using ProtocolEngine.Workflows.Simulation;

namespace ProtocolEngine.Cli.Commands.Workflows;

/// <summary>What a scenario runs on: the workflows (compiled from a .protocol or read from a .workflow.json), the scenario, and the protocol's rules over --data.</summary>
internal sealed record ScenarioInputs(IReadOnlyList<WorkflowDefinition> Definitions, Scenario Scenario, CompiledProtocol? Protocol)
{
    public static async Task<ScenarioInputs> LoadAsync(SimulateSettings settings, CliConsole console, CancellationToken ct)
    {
        IReadOnlyList<WorkflowDefinition> defs;
        Scenario scenario;
        CompiledProtocol? protocol = null;
        try
        {
            scenario = Scenario.Parse(await File.ReadAllTextAsync(settings.Scenario!, ct), settings.Scenario!);
            if (settings.Workflows.EndsWith(".protocol", StringComparison.OrdinalIgnoreCase))
            {
                var compiled = protocol = ProtocolCommandSupport.CompileOrReport(settings.Workflows, console);
                if (compiled.WorkflowDefinitions.IsEmpty) throw new UserFacingException($"{settings.Workflows} declares no workflow.");
                defs = [.. compiled.WorkflowDefinitions.Select(d => d with { TimeZone = scenario.TimeZone ?? "UTC" })];
            }
            else defs = DefinitionSerializer.ReadFile(await File.ReadAllTextAsync(settings.Workflows, ct), settings.Workflows);
        }
        catch (FormatException ex) { throw new UserFacingException(ex.Message); }
        // The checks the compiler runs on protocol text, for a .workflow.json file (and the scenario's time zone).
        foreach (var d in defs)
            if (d.Validate().Where(p => p.IsError).ToList() is { Count: > 0 } problems)
                throw new UserFacingException($"{settings.Workflows}: workflow {d.Name}: {string.Join(" ", problems.Select(p => $"{p.Code}: {p.Message}"))}");
        return new ScenarioInputs(defs, scenario, protocol);
    }

    /// <summary>The protocol's rules over the study data, when --data is given with a .protocol (null: the scenario's own conditions decide).</summary>
    public Func<NodaTime.IClock, ScenarioRuleHost, IWorkflowRuleHost>? RuleHost(SimulateSettings settings, CliConsole console)
    {
        if (settings.Data is null || Protocol is not { } protocol) return null;
        var study = Commands.Data.DataCommandSupport.Load(settings.Data, new StudyLoadOptions { Encoding = Commands.Data.DataCommandSupport.ParseEncoding(settings.Encoding) }, console).Data;
        if (protocol.Randomization is not { } scheme) return (clock, scenarioHost) => new ProtocolRuleHost(protocol, study, clock, scenarioHost);
        // The protocol's own scheme assigns arms (permuted blocks, its strata read from the data).
        byte[] seed = settings.Seed is { } n ? PermutedBlockRandomizer.SeedFrom(n)
            : scheme.Seed is { } p ? PermutedBlockRandomizer.SeedFrom(p)
            : System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        if (settings.Seed is null && scheme.Seed is null) console.Status.MarkupLine("[yellow]The protocol states no randomisation seed and --seed is not given: a fresh secret seed is used.[/]");
        // One randomiser per run, on the run's (virtual) clock.
        return (clock, _) => new ProtocolRuleHost(protocol, study, clock, new ProtocolRandomizer(protocol, study, seed, clock));
    }
}
