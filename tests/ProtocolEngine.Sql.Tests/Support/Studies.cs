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
    public static readonly string[] Names = ["pilot-xpt", "pilot-csv", "msg", "synthetic", "odd-text"];

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
                "synthetic" => Synthetic(10_000),
                "odd-text" => StudyLoader.Load(OddText(Path.Combine(Data, "sdtm", "cdiscpilot01-pharmaverse"))).Data,
                _ => throw new ArgumentException(name),
            };
            return Loaded[name] = study;
        }
    }

    /// <summary>
    /// The pilot (CSV) with hostile text: every third subject's USUBJID and every medical-history term holding quotes (single
    /// and double), a backslash, a tab and letters outside ASCII, so loading, SQL literals and result parsing are tested with
    /// what a database's escaping gets wrong. Terms the protocols test for keep matching (their variants are appended).
    /// </summary>
    private static string OddText(string source)
    {
        const string Odd = " O'Brien \"q\" \\ \t é 中 ✓";
        var folder = Directory.CreateTempSubdirectory("pe-sql-odd-").FullName;
        // The pilot's CSV is windows-1252; the hostile copy is UTF-8 (what the loader reads by default).
        var encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252");
        var dm = File.ReadAllLines(Path.Combine(source, "dm.csv"), encoding);
        var header = dm[0].Split(',').Select(h => h.Trim('"')).ToList();
        int u = header.IndexOf("USUBJID");
        // "01-701-1015" -> "01-701-1015 O'Brien ""q"" \ <tab> é 中 ✓" (CSV doubles the double quote).
        var renamed = dm.Skip(1).Select(l => l.Split(',')[u]).Where((_, i) => i % 3 == 0)
            .ToDictionary(id => id, id => id[..^1] + Odd.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"", StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(source, "*.csv"))
        {
            var lines = File.ReadAllLines(file, encoding);
            var columns = lines[0].Split(',').Select(h => h.Trim('"')).ToList();
            int subject = columns.IndexOf("USUBJID"), term = columns.IndexOf("MHTERM");
            for (int i = 1; i < lines.Length; i++)
            {
                // The pilot's CSV quotes every text field and holds no comma inside the subject or term fields' neighbours read here.
                var fields = lines[i].Split(',');
                if (fields.Length != columns.Count) continue;
                if (subject >= 0 && renamed.TryGetValue(fields[subject], out var odd)) fields[subject] = odd;
                if (term >= 0 && fields[term].Length > 2 && i % 2 == 0) fields[term] = fields[term][..^1] + Odd.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                lines[i] = string.Join(',', fields);
            }
            File.WriteAllLines(Path.Combine(folder, Path.GetFileName(file)), lines);
        }
        return folder;
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
