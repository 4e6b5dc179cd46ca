using Spectre.Console.Cli;

namespace ProtocolEngine.Cli;

/// <summary>Where every command is registered, one block per area, so the help lists them in a stable order.</summary>
internal static class CommandRegistry
{
    public static void Register(IConfigurator config)
    {
        // Language (issue 2): check.
        config.AddCommand<Commands.Language.CheckCommand>("check")
            .WithExample("check", "protocols")
            .WithExample("check", "trial.protocol", "--format", "sarif");
        // Runtime (issue 3): conformance.
        config.AddBranch("conformance", conformance =>
        {
            conformance.SetDescription("Run conformance suites against the engine.");
            conformance.AddCommand<Commands.Runtime.ConformanceCqlCommand>("cql")
                .WithExample("conformance", "cql", "../shared/conformance/cql", "--min-pass", "90");
        });
        // Data (issue 4): data convert, data inspect, synth.
        // Screening (issue 5): screen, explain, audit.
        // Workflows (issue 6): simulate, journal.
        // Checks (issue 8): validate.
    }
}
