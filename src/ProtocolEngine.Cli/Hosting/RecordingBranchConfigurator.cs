using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Hosting;

/// <summary>The <see cref="RecordingConfigurator"/> inside a branch: commands are recorded under the branch's words.</summary>
internal sealed class RecordingBranchConfigurator<TSettings>(IConfigurator<TSettings> inner, CommandCatalog catalog, BranchEntry branch) : IConfigurator<TSettings>
    where TSettings : CommandSettings
{
    public void SetDescription(string description)
    {
        branch.Description = description;
        inner.SetDescription(description);
    }

    public void AddExample(params string[] args) => inner.AddExample(args);

    public void SetDefaultCommand<TDefaultCommand>() where TDefaultCommand : class, ICommandLimiter<TSettings> => inner.SetDefaultCommand<TDefaultCommand>();

    public void HideBranch() => inner.HideBranch();

    public ICommandConfigurator AddCommand<TCommand>(string name) where TCommand : class, ICommandLimiter<TSettings> =>
        new RecordingCommandConfigurator(inner.AddCommand<TCommand>(name), catalog.AddCommand($"{branch.Path} {name}", typeof(TCommand)));

    public ICommandConfigurator AddDelegate<TDerivedSettings>(string name, Func<CommandContext, TDerivedSettings, CancellationToken, int> func) where TDerivedSettings : TSettings =>
        inner.AddDelegate(name, func);

    public ICommandConfigurator AddAsyncDelegate<TDerivedSettings>(string name, Func<CommandContext, TDerivedSettings, CancellationToken, Task<int>> func) where TDerivedSettings : TSettings =>
        inner.AddAsyncDelegate(name, func);

    public IBranchConfigurator AddBranch<TDerivedSettings>(string name, Action<IConfigurator<TDerivedSettings>> action) where TDerivedSettings : TSettings
    {
        var nested = catalog.AddBranch($"{branch.Path} {name}");
        return inner.AddBranch<TDerivedSettings>(name, c => action(new RecordingBranchConfigurator<TDerivedSettings>(c, catalog, nested)));
    }
}
