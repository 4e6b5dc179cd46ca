using System.Text;

namespace ProtocolEngine.Checks.Core;

/// <summary>One code list of a CDISC Controlled Terminology package.</summary>
/// <param name="Code">Its NCI code (C66731).</param>
/// <param name="SubmissionValue">Its short name as submitted (SEX).</param>
/// <param name="Name">Its name (Sex).</param>
/// <param name="Extensible">True when sponsors may add terms.</param>
/// <param name="Terms">The submission values of its terms.</param>
public sealed record CdiscCodeList(string Code, string SubmissionValue, string Name, bool Extensible, IReadOnlySet<string> Terms);

/// <summary>
/// A CDISC Controlled Terminology package as NCI EVS publishes it (the tab-delimited text file: Code, Codelist Code,
/// Codelist Extensible (Yes/No), Codelist Name, CDISC Submission Value, ...): a code list row has no Codelist Code,
/// each term row names its code list's.
/// </summary>
public sealed class CdiscTerminology
{
    private readonly Dictionary<string, CdiscCodeList> _byCode;
    private readonly Dictionary<string, CdiscCodeList> _bySubmissionValue;

    private CdiscTerminology(IReadOnlyList<CdiscCodeList> codeLists)
    {
        CodeLists = codeLists;
        _byCode = codeLists.GroupBy(c => c.Code, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        _bySubmissionValue = codeLists.GroupBy(c => c.SubmissionValue, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The package's code lists.</summary>
    public IReadOnlyList<CdiscCodeList> CodeLists { get; }

    /// <summary>The code list of an NCI code (C66731) or a submission value (SEX), or null.</summary>
    public CdiscCodeList? Find(string? codeOrName) =>
        codeOrName is null ? null : _byCode.GetValueOrDefault(codeOrName) ?? _bySubmissionValue.GetValueOrDefault(codeOrName);

    /// <summary>Reads a package file.</summary>
    /// <exception cref="CoreRuleFormatException">The file is not a CT package (its header or a row is not as published).</exception>
    public static CdiscTerminology Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, Encoding.UTF8);
        }
        catch (IOException e)
        {
            throw new CoreRuleFormatException(path, e.Message);
        }
        if (lines.Length == 0) throw new CoreRuleFormatException(path, "the file is empty (expected a CDISC CT package, tab-delimited)");
        var header = lines[0].TrimStart('\uFEFF').Split('\t').Select(h => h.Trim()).ToList();
        int code = header.FindIndex(h => h.Equals("Code", StringComparison.OrdinalIgnoreCase));
        int list = header.FindIndex(h => h.Equals("Codelist Code", StringComparison.OrdinalIgnoreCase));
        int ext = header.FindIndex(h => h.StartsWith("Codelist Extensible", StringComparison.OrdinalIgnoreCase));
        int name = header.FindIndex(h => h.Equals("Codelist Name", StringComparison.OrdinalIgnoreCase));
        int value = header.FindIndex(h => h.Equals("CDISC Submission Value", StringComparison.OrdinalIgnoreCase));
        if (new[] { code, list, ext, name, value }.Any(i => i < 0))
            throw new CoreRuleFormatException(path, "line 1: the header lacks Code, Codelist Code, Codelist Extensible (Yes/No), Codelist Name or CDISC Submission Value (expected a CDISC CT package, tab-delimited)");
        var heads = new Dictionary<string, (string Value, string Name, bool Extensible)>(StringComparer.OrdinalIgnoreCase);
        var terms = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split('\t');
            if (f.Length <= Math.Max(Math.Max(code, list), Math.Max(Math.Max(ext, name), value)))
                throw new CoreRuleFormatException(path, $"line {i + 1}: {f.Length} fields, expected {header.Count} as in the header");
            string Field(int at) => f[at].Trim().Trim('"');
            if (Field(list).Length == 0)
            {
                heads[Field(code)] = (Field(value), Field(name), Field(ext).Equals("Yes", StringComparison.OrdinalIgnoreCase));
                order.Add(Field(code));
            }
            else
            {
                if (!terms.TryGetValue(Field(list), out var set)) terms[Field(list)] = set = new(StringComparer.Ordinal);
                set.Add(Field(value));
            }
        }
        return new([.. order.Select(c => new CdiscCodeList(c, heads[c].Value, heads[c].Name, heads[c].Extensible,
            terms.GetValueOrDefault(c) ?? new HashSet<string>(StringComparer.Ordinal)))]);
    }
}
