using System.Text;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Parsing;

namespace ProtocolEngine.Usdm;

/// <summary>Names and texts as the protocol language writes them.</summary>
internal static partial class ProtocolNames
{
    /// <summary>Letters, digits and _ starting with a letter or _: a name the language reads without quotes unless it is a keyword.</summary>
    public static bool IsPlainName(string name) => PlainName().IsMatch(name);

    /// <summary>A name as written in protocol text: plain, or in backquotes when it is a reserved word.</summary>
    public static string Write(string name) =>
        IsPlainName(name) && (!ProtocolTokenizer.Keywords.Contains(name) || ProtocolTokenizer.SoftKeywords.Contains(name)) ? name : "`" + name.Replace("`", "\\`", StringComparison.Ordinal) + "`";

    /// <summary>A name made from a label ("Xanomeline Low Dose" gives XanomelineLowDose), unique among <paramref name="taken"/>.</summary>
    public static string From(string label, ISet<string> taken, string fallback)
    {
        var sb = new StringBuilder();
        foreach (var word in NonName().Split(label).Where(w => w.Length > 0))
            sb.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
        var name = sb.Length == 0 ? fallback : sb.ToString();
        if (char.IsAsciiDigit(name[0])) name = fallback + name;
        var unique = name;
        for (int n = 2; !taken.Add(unique); n++) unique = name + "_" + n;
        return unique;
    }

    /// <summary>A double-quoted text of a declaration.</summary>
    public static string Quote(string text) => "\"" + Escape(text, '"') + "\"";

    /// <summary>A single-quoted string of an expression.</summary>
    public static string QuoteString(string text) => "'" + Escape(text, '\'') + "'";

    private static string Escape(string text, char quote)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == '\\' || c == quote) sb.Append('\\').Append(c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c == '\t') sb.Append("\\t");
            else if (char.IsControl(c)) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        return sb.ToString();
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainName();

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonName();
}
