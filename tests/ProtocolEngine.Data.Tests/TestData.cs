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

    /// <summary>
    /// The pilot's TS holds windows-1252 text (a curly apostrophe in "Alzheimer's", byte 0x92) in both its XPT and
    /// CSV forms: its encoding is declared, as a user must declare it.
    /// </summary>
    public static System.Text.Encoding PilotEncoding => ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252");

    /// <summary>Load options for a shared folder: the pilot's with its declared encoding.</summary>
    public static ProtocolEngine.Data.Loading.StudyLoadOptions Options(string folder) =>
        folder == Pilot || folder == PilotCsv ? new() { Encoding = PilotEncoding } : new();

    /// <summary>Read options for one shared file (the pilot's with its declared encoding).</summary>
    public static DatasetReadOptions ReadOptions(string file) =>
        file.Contains("cdiscpilot01", StringComparison.Ordinal) ? new() { Encoding = PilotEncoding } : DatasetReadOptions.Default;

    // One folder per test run, removed when the run ends: conversions and generated populations add up to a GB.
    private static readonly Lazy<string> _runFolder = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "pe-data-tests");
        // The test host is not always given time to clean up at exit: remove what earlier, finished runs left.
        if (Directory.Exists(root))
            foreach (var old in Directory.EnumerateDirectories(root))
                if (!int.TryParse(Path.GetFileName(old).Split('-')[0], out int pid) || !IsRunning(pid))
                {
                    try { Directory.Delete(old, recursive: true); }
                    catch (IOException) { }
                    catch (UnauthorizedAccessException) { }
                }
        var path = Path.Combine(root, Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(path, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        };
        return path;
    });

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static string NewTempFolder()
    {
        var path = Path.Combine(_runFolder.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
