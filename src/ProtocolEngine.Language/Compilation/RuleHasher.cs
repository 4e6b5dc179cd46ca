using System.Text;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Compilation;

/// <summary>
/// The one place rule hashes are computed, with one normalisation of rule text. A rule hash is SHA-256 over:
/// <list type="number">
/// <item>a format tag and the rule's kind;</item>
/// <item>the rule's own text, normalised (<see cref="Normalize"/>);</item>
/// <item>its context: facts from around the rule that change what it means, such as the record a workflow condition
/// reads (<c>AE A</c>);</item>
/// <item>the normalised text of every definition, function, table, code list, parameter (with an import's override)
/// and visit it reads, transitively, each under its qualified name.</item>
/// </list>
/// So the hash changes when the rule's text or anything it reads changes, and only then: editing another rule, a
/// comment between rules, or the layout around a rule (blank lines, trailing spaces, line endings, indenting a whole
/// block) leaves it alone. Every part is length-prefixed, so no two different inputs can run together.
/// </summary>
public static class RuleHasher
{
    private const string Format = "protocolengine-rule/1";

    /// <summary>
    /// The normalisation of rule text: line endings become <c>\n</c>, trailing whitespace of every line goes, the
    /// indentation the lines after the first share goes (a rule indented as a whole reads the same), and leading and
    /// trailing blank lines go. Everything else (words, comments inside the rule, relative indentation) counts.
    /// </summary>
    public static string Normalize(string text)
    {
        var all = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        int first = 0, last = all.Length - 1;
        while (first <= last && all[first].Trim().Length == 0) first++;
        while (last >= first && all[last].Trim().Length == 0) last--;
        var lines = all[first..(last + 1)];
        for (int i = 0; i < lines.Length; i++) lines[i] = lines[i].TrimEnd();
        int indent = int.MaxValue;
        for (int i = 1; i < lines.Length; i++)
            if (lines[i].Length > 0) indent = Math.Min(indent, lines[i].Length - lines[i].TrimStart().Length);
        if (indent is > 0 and < int.MaxValue)
            for (int i = 1; i < lines.Length; i++)
                if (lines[i].Length > 0) lines[i] = lines[i][indent..];
        return lines.Length == 0 ? "" : lines[0].TrimStart() + (lines.Length > 1 ? "\n" + string.Join('\n', lines[1..]) : "");
    }

    /// <summary>The rule hash.</summary>
    /// <param name="kind">The kind of rule.</param>
    /// <param name="text">The rule's text as written.</param>
    /// <param name="context">Facts around the rule that change its meaning (name and value), or none.</param>
    /// <param name="dependencies">What the rule reads: qualified name to declaration text.</param>
    public static string Hash(RuleKind kind, string text, IEnumerable<KeyValuePair<string, string>> context, IEnumerable<KeyValuePair<string, string>> dependencies)
    {
        var sb = new StringBuilder();
        Part(sb, Format);
        Part(sb, kind.ToString());
        Part(sb, Normalize(text));
        foreach (var (name, value) in context.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Part(sb, "context " + name);
            Part(sb, value);
        }
        foreach (var (name, value) in dependencies.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            Part(sb, name);
            Part(sb, Normalize(value));
        }
        return Sha256Hex.Of(sb.ToString());
    }

    private static void Part(StringBuilder sb, string text) =>
        sb.Append(text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(':').Append(text).Append('|');
}
