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
                "hostile-values" => HostileValues(),
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

    /// <summary>One value of a hostile text: the evidence's separators and escape character, quotes, non-ASCII, a tab.</summary>
    public const string Separators = "a\u001eb\u001fc\u0010d\u00101 O'Brien \"q\" \\ \t é 中 ✓";

    /// <summary>
    /// A study built in memory (the loaders refuse control characters; a database screened in place may hold anything):
    /// text holding the evidence's separators and escape character, very long text (15,000 characters), empty text and
    /// nulls, non-ASCII; dates partial, tied and missing; sequence numbers missing; one subject with 300 lab records
    /// (past the evidence's capacity of 100 items); subjects without records in a domain; several screening records of a
    /// test (so First / Last sort, and read their keys).
    /// </summary>
    private static StudyData HostileValues()
    {
        var random = new Random(19);
        var longText = string.Concat(Enumerable.Repeat("长\u001fé\u0010x", 3000));
        string?[] texts = ["F", "M", null, "", "REACTIVE", "reactive\u001e", "POSITIVE", "SYNCOPE", Separators, longText];
        string?[] dates = ["2014-03-01", "2014-03-01", "2014-03", "2014-03-01T10:00", null, "2013-12-31T23:59:59", "2014"];
        object?[] numbers = [5.0, 9.2, 10.4, 150.0, null, 0.1, 23.0, 12.0];
        string[] tests = ["FOLATE", "RPR", "HBA1C", "MMSETOT", "X\u001f"];
        T Pick<T>(T[] values) => values[random.Next(values.Length)];
        var dm = new List<Dictionary<string, object?>>();
        var lb = new List<Dictionary<string, object?>>();
        var mh = new List<Dictionary<string, object?>>();
        var qs = new List<Dictionary<string, object?>>();
        for (int i = 0; i < 60; i++)
        {
            string id = i % 7 == 3 ? $"H-{i:D3} {Separators}" : $"H-{i:D3}";
            dm.Add(new() { ["USUBJID"] = id, ["AGE"] = i % 11 == 5 ? null : 40.0 + i % 40, ["SEX"] = Pick(texts), ["RFICDTC"] = Pick(dates) });
            int labs = i == 7 ? 300 : i % 5 == 0 ? 0 : random.Next(1, 12);
            for (int r = 0; r < labs; r++)
                lb.Add(new()
                {
                    ["USUBJID"] = id, ["LBSEQ"] = r % 9 == 4 ? null : (double)r + 1, ["LBTESTCD"] = i == 7 && r % 3 == 0 ? null : Pick(tests),
                    ["VISITNUM"] = r % 6 == 5 ? null : r % 4 == 3 ? 2.0 : 1.0, ["LBDTC"] = Pick(dates), ["LBSTRESN"] = Pick(numbers),
                    ["LBSTNRLO"] = Pick(numbers), ["LBSTNRHI"] = Pick(numbers), ["LBSTRESC"] = Pick(texts),
                });
            int history = i % 4 == 1 ? 0 : random.Next(1, 5);
            for (int r = 0; r < history; r++)
                mh.Add(new() { ["USUBJID"] = id, ["MHSEQ"] = (double)r + 1, ["MHTERM"] = Pick(texts), ["MHDECOD"] = r % 2 == 0 ? null : Pick(texts) });
            int scores = i % 3 == 2 ? 0 : random.Next(1, 5);
            for (int r = 0; r < scores; r++)
                qs.Add(new() { ["USUBJID"] = id, ["QSSEQ"] = (double)r + 1, ["QSTESTCD"] = r % 4 == 3 ? "HACHTOT" : "MMSETOT", ["VISITNUM"] = r % 5 == 4 ? null : 1.0, ["QSDTC"] = Pick(dates), ["QSSTRESN"] = Pick(numbers) });
        }
        var builder = new StudyDataBuilder { Source = "hostile-values" };
        foreach (var (name, rows) in new[] { ("DM", dm), ("LB", lb), ("MH", mh), ("QS", qs) }) builder.Add(Table(name, rows));
        return builder.Build();
    }

    private static DomainTable Table(string name, List<Dictionary<string, object?>> rows)
    {
        var columns = new List<Column>();
        foreach (var variable in rows.SelectMany(r => r.Keys).Distinct().ToList())
        {
            var values = rows.Select(r => r.GetValueOrDefault(variable)).ToList();
            if (variable is "AGE" or "VISITNUM" || variable.EndsWith("SEQ", StringComparison.Ordinal) || variable.StartsWith("LBST", StringComparison.Ordinal) && variable != "LBSTRESC" || variable == "QSSTRESN")
                columns.Add(new NumberColumn(variable, (string?)null, [.. values.Select(v => v is double d ? d : double.NaN)]));
            else
            {
                var dictionary = values.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
                var codes = values.Select(v => v is string s ? Array.IndexOf(dictionary, s) : -1).ToArray();
                columns.Add(new TextColumn(variable, null, codes, dictionary, isDateTime: variable.EndsWith("DTC", StringComparison.Ordinal)));
            }
        }
        return new DomainTable(name, null, columns, null);
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
