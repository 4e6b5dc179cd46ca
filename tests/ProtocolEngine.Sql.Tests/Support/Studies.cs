using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Sql.Tests.Support;

/// <summary>The repository, the shared real data (read-only), the shipped protocols, and studies loaded once per run.</summary>
internal static class Studies
{
    public static string Root { get; } = FindRoot();

    public static string Data => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    /// <summary>The studies every differential test screens, by name.</summary>
    public static readonly string[] Names = ["pilot-xpt", "pilot-csv", "msg", "synthetic"];

    private static readonly Dictionary<string, StudyData> Loaded = [];

    public static StudyData Get(string name)
    {
        lock (Loaded)
        {
            if (Loaded.TryGetValue(name, out var study)) return study;
            var pilot = new StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") };
            study = name switch
            {
                "pilot-xpt" => StudyLoader.Load(Path.Combine(Data, "sdtm", "cdiscpilot01"), pilot).Data,
                "pilot-csv" => StudyLoader.Load(Path.Combine(Data, "sdtm", "cdiscpilot01-pharmaverse"), pilot).Data,
                "msg" => StudyLoader.Load(Path.Combine(Data, "datasetjson", "msg", "sdtm")).Data,
                "synthetic" => Synthetic(3000),
                _ => throw new ArgumentException(name),
            };
            return Loaded[name] = study;
        }
    }

    private static StudyData Synthetic(int subjects)
    {
        var folder = Directory.CreateTempSubdirectory("pe-sql-synth-").FullName;
        PopulationGenerator.Generate(folder, new SynthOptions { Subjects = subjects, Seed = 19, Parallelism = 1 });
        return StudyLoader.Load(folder).Data;
    }

    /// <summary>Every shipped protocol with criteria (the standard library's files declare none).</summary>
    public static IEnumerable<string> ShippedProtocols() =>
        Directory.GetFiles(Path.Combine(Root, "protocols"), "*.protocol").Concat(Directory.GetFiles(Path.Combine(Root, "protocols", "std"), "*.protocol"))
            .Select(p => Path.GetRelativePath(Path.Combine(Root, "protocols"), p)).Order(StringComparer.Ordinal);

    public static CompiledProtocol Compile(string relative)
    {
        var compiler = new ProtocolCompiler(new FileSourceResolver(Path.Combine(Root, "protocols")));
        var compiled = compiler.Compile(ProtocolFiles.Read(Path.Combine(Root, "protocols", relative)));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        return compiled;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the folder holding ProtocolEngine.sln above " + AppContext.BaseDirectory);
    }
}
