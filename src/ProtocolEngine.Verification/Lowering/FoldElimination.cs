using System.Globalization;
using System.Text;

namespace ProtocolEngine.Verification.Lowering;

/// <summary>
/// Removes Upper and Lower (the uninterpreted functions fold_upper and fold_lower over text codes) where text is compared
/// with a literal, which is almost everywhere: Upper(x) = 'EPILEPSY' holds exactly when x is one of the literals whose
/// upper case is 'EPILEPSY' (text that is none of the literals folds to none of them, an assumption the model states),
/// so the comparison becomes a disjunction over x's codes, pushed through if-then-else. z3 4.8 answered the pilot's
/// Amendment 1 in under a second without the functions and not in minutes with them (the solver case-splits every
/// application against a table of some 500 facts). Applications that remain (text compared with text) keep the table.
/// </summary>
internal static class FoldElimination
{
    private const string Upper = "fold_upper";
    private const string LowerName = "fold_lower";

    /// <summary>The commands with every comparison of a folded text with a literal (or with zero, for "is a literal") rewritten.</summary>
    public static string Rewrite(string commands, StringTable strings)
    {
        if (!commands.Contains("fold_", StringComparison.Ordinal)) return commands;
        var output = new StringBuilder(commands.Length);
        int position = 0;
        foreach (var node in Parse(commands, ref position)) output.Append(Rewrite(node, strings).ToString()).Append('\n');
        return output.ToString().TrimEnd('\n');
    }

    private static Node Rewrite(Node node, StringTable strings)
    {
        if (node.Atom is not null || !node.ContainsFold) return node;
        var items = node.Items!.Select(i => Rewrite(i, strings)).ToList();
        var head = items[0].Atom;
        if (items.Count == 3 && head is "=" or "<" or ">=")
        {
            var (a, b) = (items[1], items[2]);
            if (head == "=" && Code(b) is { } kb and >= 0 && a.ContainsFold) return EqualsCode(a, kb, strings);
            if (head == "=" && Code(a) is { } ka and >= 0 && b.ContainsFold) return EqualsCode(b, ka, strings);
            // Codes of literals are 0 and up, other text below 0; folding keeps that (an axiom of the model).
            if (b.Atom == "0" && a.ContainsFold) return head == "<" ? Not(NonNegative(a)) : head == ">=" ? NonNegative(a) : List(items);
        }
        return List(items);
    }

    /// <summary>term = k, pushed through ite and through folds (the literals whose fold is k).</summary>
    private static Node EqualsCode(Node term, long k, StringTable strings)
    {
        if (Code(term) is { } n) return Atom(n == k ? "true" : "false");
        if (!term.ContainsFold) return List([Atom("="), term, Atom(k.ToString(CultureInfo.InvariantCulture))]);
        var items = term.Items!;
        if (items[0].Atom == "ite" && items.Count == 4)
            return Ite(items[1], EqualsCode(items[2], k, strings), EqualsCode(items[3], k, strings));
        if (items[0].Atom is Upper or LowerName && items.Count == 2)
        {
            // A fold of a literal is in the table: leave its facts as they are.
            if (Code(items[1]) is not null) return List([Atom("="), term, Atom(k.ToString(CultureInfo.InvariantCulture))]);
            bool upper = items[0].Atom == Upper;
            var codes = strings.Preimage((int)k, upper);
            return Or(codes.Select(j => EqualsCode(items[1], j, strings)).ToList());
        }
        return List([Atom("="), term, Atom(k.ToString(CultureInfo.InvariantCulture))]);
    }

    /// <summary>term &gt;= 0 (term is the code of a literal), pushed through ite and folds.</summary>
    private static Node NonNegative(Node term)
    {
        if (Code(term) is { } n) return Atom(n >= 0 ? "true" : "false");
        if (term.Items is { } items && term.ContainsFold)
        {
            if (items[0].Atom == "ite" && items.Count == 4) return Ite(items[1], NonNegative(items[2]), NonNegative(items[3]));
            if (items[0].Atom is Upper or LowerName && items.Count == 2) return NonNegative(items[1]);
        }
        return List([Atom(">="), term, Atom("0")]);
    }

    private static long? Code(Node node)
    {
        if (node.Atom is { } a) return long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        if (node.Items is [{ Atom: "-" }, { Atom: { } m }] && long.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var neg)) return -neg;
        return null;
    }

    private static Node Ite(Node c, Node a, Node b) =>
        c.Atom == "true" ? a : c.Atom == "false" ? b
        : a.Atom == "true" && b.Atom == "false" ? c
        : a.Atom == "false" && b.Atom == "true" ? Not(c)
        : a.Atom is not null && a.Atom == b.Atom ? a
        : List([Atom("ite"), c, a, b]);

    private static Node Not(Node a) => a.Atom == "true" ? Atom("false") : a.Atom == "false" ? Atom("true") : List([Atom("not"), a]);

    private static Node Or(List<Node> terms)
    {
        var kept = terms.Where(t => t.Atom != "false").ToList();
        if (kept.Any(t => t.Atom == "true")) return Atom("true");
        return kept.Count switch { 0 => Atom("false"), 1 => kept[0], _ => List([Atom("or"), .. kept]) };
    }

    private static Node Atom(string text) => new(text, null);

    private static Node List(List<Node> items) => new(null, items);

    private sealed class Node
    {
        public Node(string? atom, List<Node>? items)
        {
            Atom = atom;
            Items = items;
            ContainsFold = atom is Upper or LowerName || (items?.Any(i => i.ContainsFold) ?? false);
        }

        public string? Atom { get; }

        public List<Node>? Items { get; }

        public bool ContainsFold { get; }

        public override string ToString()
        {
            if (Atom is not null) return Atom;
            var text = new StringBuilder();
            Write(text);
            return text.ToString();
        }

        private void Write(StringBuilder text)
        {
            if (Atom is not null)
            {
                text.Append(Atom);
                return;
            }
            text.Append('(');
            for (int i = 0; i < Items!.Count; i++)
            {
                if (i > 0) text.Append(' ');
                Items[i].Write(text);
            }
            text.Append(')');
        }
    }

    /// <summary>The s-expressions of the text from the position on (atoms, quoted strings and lists).</summary>
    private static List<Node> Parse(string text, ref int i, bool nested = false)
    {
        var nodes = new List<Node>();
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c == '(')
            {
                i++;
                nodes.Add(List(Parse(text, ref i, nested: true)));
                continue;
            }
            if (c == ')')
            {
                i++;
                if (nested) return nodes;
                continue;
            }
            int start = i;
            if (c == '"')
            {
                i++;
                while (i < text.Length)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') i += 2;
                    else if (text[i++] == '"') break;
                }
            }
            else if (c == '|')
            {
                i = text.IndexOf('|', i + 1) is var end and >= 0 ? end + 1 : text.Length;
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '(' && text[i] != ')') i++;
            }
            nodes.Add(Atom(text[start..i]));
        }
        return nodes;
    }
}
