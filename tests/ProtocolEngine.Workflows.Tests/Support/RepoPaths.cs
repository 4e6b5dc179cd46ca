namespace ProtocolEngine.Workflows.Tests.Support;

/// <summary>Finds the repository root (the folder holding ProtocolEngine.sln) from the test's location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"No ProtocolEngine.sln above {AppContext.BaseDirectory}.");
    }
}
