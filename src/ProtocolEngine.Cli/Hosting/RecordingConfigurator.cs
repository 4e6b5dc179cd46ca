using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;

namespace ProtocolEngine.Cli.Hosting;

/// <summary>
/// Passes every registration on to Spectre's configurator and records it in a <see cref="CommandCatalog"/>, so the
/// registry stays plain Spectre code (one line per command) and the catalog cannot drift from what the parser knows.
/// </summary>
internal sealed class RecordingConfigurator(IConfigurator inner, CommandCatalog catalog) : IConfigurator
{
    public ICommandAppSettings Settings => inner.Settings;

    public IConfigurator SetHelpProvider(IHelpProvider helpProvider)
    {
        inner.SetHelpProvider(helpProvider);
        return this;
    }

    public IConfigurator SetHelpProvider<T>() where T : IHelpProvider
    {
        inner.SetHelpProvider<T>();
        return this;
    }

    public IConfigurator AddExample(params string[] args)
    {
        inner.AddExample(args);
        return this;
    }

    public ICommandConfigurator AddCommand<TCommand>(string name) where TCommand : class, ICommand =>
        new RecordingCommandConfigurator(inner.AddCommand<TCommand>(name), catalog.AddCommand(name, typeof(TCommand)));

    public ICommandConfigurator AddDelegate<TSettings>(string name, Func<CommandContext, TSettings, CancellationToken, int> func) where TSettings : CommandSettings =>
        inner.AddDelegate(name, func);

    public ICommandConfigurator AddAsyncDelegate<TSettings>(string name, Func<CommandContext, TSettings, CancellationToken, Task<int>> func) where TSettings : CommandSettings =>
        inner.AddAsyncDelegate(name, func);

    public IBranchConfigurator AddBranch<TSettings>(string name, Action<IConfigurator<TSettings>> action) where TSettings : CommandSettings
    {
        var branch = catalog.AddBranch(name);
        return inner.AddBranch<TSettings>(name, c => action(new RecordingBranchConfigurator<TSettings>(c, catalog, branch)));
    }
}
