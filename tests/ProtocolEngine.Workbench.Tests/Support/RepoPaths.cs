namespace ProtocolEngine.Workbench.Tests.Support;

/// <summary>Paths of the repository, the built web app and the shared data the tests read (never write).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string WebApp => Path.Combine(Root, "designer", "dist");

    public static string PilotProtocol => Path.Combine(Root, "protocols", "cdiscpilot01.protocol");

    public static string AmendmentProtocol => Path.Combine(Root, "protocols", "cdiscpilot01-amendment1.protocol");

    public static string PilotData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "sdtm", "cdiscpilot01"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root.");
    }
}
