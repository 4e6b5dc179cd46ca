using System.Text;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Compilation;

/// <summary>
/// The one place rule hashes are computed, with one normalisation of rule text. A rule hash is SHA-256 over:
/// <list type="number">
/// <item>a format tag and the rule's kind;</item>
/// <item>the rule's own text in canonical form (<see cref="Canonical"/>);</item>
/// <item>its context: facts from around the rule that change what it means, such as the record a workflow condition
/// reads (<c>AE A</c>);</item>
/// <item>the canonical text of every definition, function, table, code list, parameter (with an import's override)
/// and visit it reads, transitively, each under its qualified name.</item>
/// </list>
/// So the hash changes when the rule's text or anything it reads changes, and only then: editing another rule, a
/// comment between rules, or the layout of a rule (line breaks, indentation, spacing between tokens, alignment: what
/// <c>protocol format</c> changes) leaves it alone. Every part is length-prefixed, so no two different inputs can run together.
/// </summary>
public static class RuleHasher
{
    private const string Format = "protocolengine-rule/2";

    // A decision hash is never equal to a rule hash: it answers another question (see DecisionHash).
    private const string DecisionFormat = "protocolengine-decision/1";

    /// <summary>
    /// A light normalisation of rule text, for comparing texts stored before rule ids (hashes use <see cref="Canonical"/>): line endings become <c>\n</c>, trailing whitespace of every line goes, the
    /// indentation the lines after the first share goes (a rule indented as a whole reads the same), and leading and
    /// trailing blank lines go. Everything else (words, comments inside the rule, relative indentation) counts.
    /// </summary>
    public static string Normalize(string text)
    {
        // One pass over line ranges, no intermediate strings: this runs for every rule and everything it reads.
        var lines = new List<(int Start, int Length)>();
        for (int i = 0; i <= text.Length;)
        {
            int end = text.IndexOfAny(LineBreaks, i);
            if (end < 0) end = text.Length;
            int length = end - i;
            while (length > 0 && char.IsWhiteSpace(text[i + length - 1])) length--;
            lines.Add((i, length));
            if (end == text.Length) break;
            i = end + (text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);
        }
        int first = 0, last = lines.Count - 1;
        while (first <= last && lines[first].Length == 0) first++;
        while (last >= first && lines[last].Length == 0) last--;
        if (first > last) return "";
        int indent = int.MaxValue;
        for (int i = first + 1; i <= last; i++)
        {
            var (start, length) = lines[i];
            if (length == 0) continue;
            int lead = 0;
            while (lead < length && char.IsWhiteSpace(text[start + lead])) lead++;
            indent = Math.Min(indent, lead);
        }
        if (indent == int.MaxValue) indent = 0;
        var sb = new StringBuilder(text.Length);
        var (firstStart, firstLength) = lines[first];
        int skip = 0;
        while (skip < firstLength && char.IsWhiteSpace(text[firstStart + skip])) skip++;
        sb.Append(text, firstStart + skip, firstLength - skip);
        for (int i = first + 1; i <= last; i++)
        {
            var (start, length) = lines[i];
            sb.Append('\n');
            if (length > indent) sb.Append(text, start + indent, length - indent);
        }
        return sb.ToString();
    }

    private static readonly char[] LineBreaks = ['\r', '\n'];

    /// <summary>
    /// The canonical form of rule text that rule hashes are computed over: its tokens, as the compiler's lexer reads them,
    /// separated by one space (a line break after a <c>//</c> comment, which ends there), with every run of whitespace
    /// inside a comment read as one space. Words, names, numbers, the exact content of texts and strings, operators and
    /// comments count; layout does not, so formatting a protocol never changes a rule hash.
    /// </summary>
    public static string Canonical(string text)
    {
        var sb = new StringBuilder(text.Length);
        var lineComment = false;
        foreach (var token in Parsing.ProtocolTokenizer.Tokenize(text))
        {
            if (sb.Length > 0) sb.Append(lineComment ? '\n' : ' ');
            lineComment = token.Kind == Parsing.SyntaxTokenKind.LineComment;
            if (token.IsComment) AppendCollapsed(sb, token.Text);
            else sb.Append(token.Text);
        }
        return sb.ToString();
    }

    private static void AppendCollapsed(StringBuilder sb, string comment)
    {
        bool space = false;
        foreach (var c in comment.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
    }

    /// <summary>The rule hash.</summary>
    /// <param name="kind">The kind of rule.</param>
    /// <param name="text">The rule's text as written.</param>
    /// <param name="context">Facts around the rule that change its meaning (name and value), or none.</param>
    /// <param name="dependencies">What the rule reads: qualified name to declaration text, already in canonical form
    /// (<see cref="Canonical"/>: the binder puts each declaration in it once, however many rules read it).</param>
    public static string Hash(RuleKind kind, string text, IEnumerable<KeyValuePair<string, string>> context, IEnumerable<KeyValuePair<string, string>> dependencies)
    {
        var sb = new StringBuilder();
        Part(sb, Format);
        Part(sb, kind.ToString());
        Part(sb, Canonical(text));
        foreach (var (name, value) in context.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Part(sb, "context " + name);
            Part(sb, value);
        }
        foreach (var (name, value) in dependencies.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            Part(sb, name);
            Part(sb, value);
        }
        return Sha256Hex.Of(sb.ToString());
    }

    /// <summary>
    /// A criterion's decision hash: not an identity of the criterion (that is its rule hash, <see cref="Hash"/>, which
    /// also covers the criterion's wording, kind and phase), but of what decides its outcome alone: the formal rule's
    /// canonical text, or the attestation when a person decides, and the same dependencies the rule hash reads. Two
    /// versions of a criterion with equal decision hashes decide every subject alike, so an amendment that only rewords a
    /// criterion cannot alter an outcome, and one that changes a code list the rule reads can, though the rule's text did
    /// not change. Amendment comparison (<see cref="ProtocolDiff"/>) is its one use; results and journals name rule hashes.
    /// </summary>
    /// <param name="decisiveText">The formal rule as written (or the <c>attested by</c> clause).</param>
    /// <param name="dependencies">What the rule reads, exactly as passed to <see cref="Hash"/>.</param>
    public static string DecisionHash(string decisiveText, IEnumerable<KeyValuePair<string, string>> dependencies)
    {
        var sb = new StringBuilder();
        Part(sb, DecisionFormat);
        Part(sb, Canonical(decisiveText));
        foreach (var (name, value) in dependencies.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            Part(sb, name);
            Part(sb, value);
        }
        return Sha256Hex.Of(sb.ToString());
    }

    private static void Part(StringBuilder sb, string text) =>
        sb.Append(text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(':').Append(text).Append('|');
}
