namespace ProtocolEngine.Cli.Hosting;

/// <summary>
/// The commands as they were registered (recorded by <see cref="RecordingConfigurator"/>): the help's exit codes and
/// docs/cli.md are made from it, so they list exactly the commands and options the parser knows.
/// </summary>
public sealed class CommandCatalog
{
    private readonly List<CommandEntry> _commands = [];
    private readonly List<BranchEntry> _branches = [];

    /// <summary>Every command, in registration order.</summary>
    public IReadOnlyList<CommandEntry> Commands => _commands;

    /// <summary>Every branch (a word that groups commands: data, audit, journal), in registration order.</summary>
    public IReadOnlyList<BranchEntry> Branches => _branches;

    /// <summary>The command with this path ("journal verify"), or null.</summary>
    public CommandEntry? Find(string path) => _commands.Find(c => c.Path == path);

    internal CommandEntry AddCommand(string path, Type type)
    {
        var entry = new CommandEntry(path, type);
        _commands.Add(entry);
        return entry;
    }

    internal BranchEntry AddBranch(string path)
    {
        var entry = new BranchEntry(path);
        _branches.Add(entry);
        return entry;
    }
}

/// <summary>A registered command.</summary>
/// <param name="Path">Its words after <c>protocol</c> ("audit fairness").</param>
/// <param name="Type">The command class.</param>
public sealed record CommandEntry(string Path, Type Type)
{
    /// <summary>The description given at registration (overrides the class's [Description]).</summary>
    public string? Description { get; internal set; }

    /// <summary>Whether the command is hidden from the help.</summary>
    public bool Hidden { get; internal set; }

    /// <summary>The examples given at registration, each the arguments after <c>protocol</c>.</summary>
    public List<string[]> Examples { get; } = [];
}

/// <summary>A registered branch.</summary>
/// <param name="Path">Its words after <c>protocol</c>.</param>
public sealed record BranchEntry(string Path)
{
    /// <summary>Its description.</summary>
    public string? Description { get; internal set; }
}
