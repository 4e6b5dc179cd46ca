namespace ProtocolEngine.Checks.Tests.Infrastructure;

/// <summary>The repository (the folder holding ProtocolEngine.sln), its protocols, and the shared data beside it.</summary>
public static class Paths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find ProtocolEngine.sln above " + AppContext.BaseDirectory);
    });

    public static string Root => RootPath.Value;

    public static string Protocols => Path.Combine(Root, "protocols");

    public static string SdtmChecks => Path.Combine(Protocols, "std", "sdtm-checks.protocol");

    public static string Pilot => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "sdtm", "cdiscpilot01"));

    /// <summary>A fresh folder under the system temp folder; delete it when done.</summary>
    public static string NewTempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "pe-checks-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }
}
