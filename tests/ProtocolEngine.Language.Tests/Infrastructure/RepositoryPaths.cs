namespace ProtocolEngine.Language.Tests.Infrastructure;

/// <summary>Locates the repository (the folder holding ProtocolEngine.sln) and the shared data beside it.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find ProtocolEngine.sln above " + AppContext.BaseDirectory);
    });

    public static string Root => RootPath.Value;

    public static string Protocols => Path.Combine(Root, "protocols");

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string LanguageTests => Path.Combine(Root, "tests", "ProtocolEngine.Language.Tests");
}
