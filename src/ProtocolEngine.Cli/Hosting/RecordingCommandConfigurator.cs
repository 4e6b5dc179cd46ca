using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Hosting;

/// <summary>Records a command's description and examples as they are given to Spectre.</summary>
internal sealed class RecordingCommandConfigurator(ICommandConfigurator inner, CommandEntry entry) : ICommandConfigurator
{
    public ICommandConfigurator WithExample(params string[] args)
    {
        entry.Examples.Add(args);
        inner.WithExample(args);
        return this;
    }

    public ICommandConfigurator WithAlias(string name)
    {
        inner.WithAlias(name);
        return this;
    }

    public ICommandConfigurator WithDescription(string description)
    {
        entry.Description = description;
        inner.WithDescription(description);
        return this;
    }

    public ICommandConfigurator WithData(object data)
    {
        inner.WithData(data);
        return this;
    }

    public ICommandConfigurator IsHidden()
    {
        entry.Hidden = true;
        inner.IsHidden();
        return this;
    }
}
