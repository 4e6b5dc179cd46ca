using System.Globalization;
using System.Text;

namespace ProtocolEngine.Verification.Solving;

/// <summary>Reads the parts of z3's answers the verifier needs: get-value pairs, numbers and string literals.</summary>
internal static class SExpression
{
    /// <summary>The (term value) pairs of a get-value answer, each as text.</summary>
    public static IEnumerable<(string Term, string Value)> Pairs(string text)
    {
        var top = Split(text.Trim());
        if (top.Count != 1) yield break;
        foreach (var pair in Split(Inner(top[0])))
        {
            var parts = Split(Inner(pair));
            if (parts.Count == 2) yield return (parts[0], parts[1]);
        }
    }

    private static string Inner(string list) => list.StartsWith('(') && list.EndsWith(')') ? list[1..^1] : list;

    /// <summary>The top-level items of a space-separated sequence of s-expressions.</summary>
    public static List<string> Split(string text)
    {
        var items = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            int start = i;
            if (text[i] == '(')
            {
                int depth = 0;
                bool inString = false;
                for (; i < text.Length; i++)
                {
                    char c = text[i];
                    if (c == '"') inString = !inString;
                    else if (!inString && c == '(') depth++;
                    else if (!inString && c == ')' && --depth == 0)
                    {
                        i++;
                        break;
                    }
                }
            }
            else if (text[i] == '"')
            {
                i++;
                while (i < text.Length)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') i += 2;
                    else if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else i++;
                }
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '(' && text[i] != ')') i++;
            }
            items.Add(text[start..i]);
        }
        return items;
    }

    /// <summary>A numeral, decimal, (- x) or (/ a b) as a decimal; null for what is not a rational (an algebraic root).</summary>
    public static decimal? Number(string text)
    {
        text = text.Trim();
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        if (!text.StartsWith('(')) return null;
        var parts = Split(text[1..^1]);
        if (parts.Count == 2 && parts[0] == "-") return -Number(parts[1]);
        if (parts.Count == 3 && parts[0] == "/" && Number(parts[1]) is { } a && Number(parts[2]) is { } b && b != 0) return a / b;
        if (parts.Count == 2 && parts[0] == "to_real") return Number(parts[1]);
        return null;
    }

    /// <summary>An SMT-LIB string literal's text (doubled quotes and \u{..} escapes undone).</summary>
    public static string? String(string text)
    {
        text = text.Trim();
        if (text.Length < 2 || text[0] != '"' || text[^1] != '"') return null;
        var body = text[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal);
        var result = new StringBuilder();
        for (int i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\' && i + 1 < body.Length && body[i + 1] == 'u')
            {
                int j = i + 2;
                string hex;
                if (j < body.Length && body[j] == '{')
                {
                    int close = body.IndexOf('}', j);
                    if (close < 0) return null;
                    hex = body[(j + 1)..close];
                    i = close;
                }
                else
                {
                    if (j + 4 > body.Length) return null;
                    hex = body.Substring(j, 4);
                    i = j + 3;
                }
                result.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }
            else if (body[i] == '\\' && i + 1 < body.Length && body[i + 1] == 'x' && i + 3 < body.Length)
            {
                result.Append((char)int.Parse(body.Substring(i + 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 3;
            }
            else result.Append(body[i]);
        }
        return result.ToString();
    }

    /// <summary>A string as an SMT-LIB literal: quotes doubled, characters outside printable ASCII escaped.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value == '"') sb.Append("\"\"");
            else if (rune.Value is >= 32 and < 127 && rune.Value != '\\') sb.Append((char)rune.Value);
            else sb.Append(CultureInfo.InvariantCulture, $"\\u{{{rune.Value:x}}}");
        }
        return sb.Append('"').ToString();
    }
}
