namespace ProtocolEngine.Data.Tests;

/// <summary>Paths to the shared real data (read-only) and fresh temp folders for outputs.</summary>
internal static class TestData
{
    private static readonly Lazy<string> _root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Cannot find the folder holding ProtocolEngine.sln above " + AppContext.BaseDirectory);
        return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
    });

    /// <summary>../shared/data relative to the repository root.</summary>
    public static string Root => _root.Value;

    public static string Pilot => Path.Combine(Root, "sdtm", "cdiscpilot01");
    public static string PilotCsv => Path.Combine(Root, "sdtm", "cdiscpilot01-pharmaverse");
    public static string Msg => Path.Combine(Root, "datasetjson", "msg", "sdtm");
    public static string MsgAdam => Path.Combine(Root, "datasetjson", "msg", "adam");

    public static string NewTempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "pe-data-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
