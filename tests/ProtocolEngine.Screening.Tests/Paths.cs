using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Screening.Tests;

/// <summary>The repository, the shared real data (read-only), the shipped protocols, and loaded studies shared by tests.</summary>
internal static class Paths
{
    public static string Root { get; } = FindRoot();

    public static string Data => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
    public static string Msg => Path.Combine(Data, "datasetjson", "msg", "sdtm");
    public static string PilotXpt => Path.Combine(Data, "sdtm", "cdiscpilot01");
    public static string PilotCsv => Path.Combine(Data, "sdtm", "cdiscpilot01-pharmaverse");
    public static string Protocol(string name) => Path.Combine(Root, "protocols", name);

    /// <summary>Every shipped protocol (protocols/*.protocol) by file name, so that a protocol added is screened too.</summary>
    public static IReadOnlyList<string> ShippedProtocols { get; } =
        [.. Directory.EnumerateFiles(Path.Combine(Root, "protocols"), "*.protocol").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    /// <summary>The study of a real-data case of <see cref="ShippedProtocolsOverRealData"/>: the pilot (XPT) or the MSG study.</summary>
    public static Runtime.Data.StudyData RealStudy(string data) => Study(data == "pilot" ? PilotXpt : Msg).Data;

    /// <summary>The date the real-data cases are screened as of (after the pilot's and MSG's screening visits).</summary>
    public static Runtime.Values.CqlDateTime RealDataAsOf { get; } = Runtime.Values.CqlDateTime.ParseIso("2014-09-01");

    /// <summary>Every shipped protocol over the pilot ("pilot") and the MSG study ("msg"): the differential tests' real-data cases.</summary>
    public static TheoryData<string, string> ShippedProtocolsOverRealData()
    {
        var cases = new TheoryData<string, string>();
        foreach (var protocol in ShippedProtocols)
            foreach (var data in new[] { "pilot", "msg" })
                cases.Add(protocol, data);
        return cases;
    }

    private static readonly Dictionary<string, LoadedStudy> Studies = [];

    /// <summary>A study loaded once per test run (loading is the slow part; studies are immutable).</summary>
    public static LoadedStudy Study(string path)
    {
        lock (Studies)
        {
            // The pilot's TS holds windows-1252 text (byte 0x92) in both forms: its encoding is declared, as a user declares it.
            var options = path.Contains("cdiscpilot01", StringComparison.Ordinal) ? new StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") } : new StudyLoadOptions();
            if (!Studies.TryGetValue(path, out var study)) Studies[path] = study = StudyLoader.Load(path, options);
            return study;
        }
    }

    /// <summary>Compiles a shipped protocol with the shipped standard library; fails the test on any error.</summary>
    public static CompiledProtocol Compile(string name)
    {
        var compiler = new ProtocolCompiler(new FileSourceResolver(Path.Combine(Root, "protocols")));
        var compiled = compiler.Compile(ProtocolFiles.Read(Protocol(name)));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        return compiled;
    }

    /// <summary>
    /// A synthetic population of <paramref name="subjects"/> generated with <paramref name="seed"/>, written as XPT and loaded
    /// as users load a study (the files are deleted once loaded: the view holds everything screening reads).
    /// </summary>
    public static StudyData SyntheticStudy(int subjects, ulong seed)
    {
        var folder = TempFolder();
        try
        {
            PopulationGenerator.Generate(folder, new SynthOptions { Subjects = subjects, Seed = seed, Format = DataFileFormat.Xpt });
            return StudyLoader.Load(folder).Data;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "pe-screening-tests", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the folder holding ProtocolEngine.sln above " + AppContext.BaseDirectory);
    }
}
