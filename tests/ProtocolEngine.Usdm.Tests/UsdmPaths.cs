namespace ProtocolEngine.Usdm.Tests;

/// <summary>Where the repository, the shared data and this project's fixtures are.</summary>
internal static class UsdmPaths
{
    public static string Root { get; } = FindRoot();

    public static string SharedUsdm => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "usdm"));

    public static string PilotStudy => Path.Combine(SharedUsdm, "CDISC_Pilot_Study.json");

    public static string ApiSchema => Path.Combine(SharedUsdm, "USDM_API.json");

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ProtocolEngine.sln"))) return d.FullName;
        throw new InvalidOperationException("The repository root (ProtocolEngine.sln) was not found above " + AppContext.BaseDirectory);
    }
}
