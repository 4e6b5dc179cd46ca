using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace ProtocolEngine.Usdm.Import;

/// <summary>
/// The readable text of a USDM XHTML fragment (a criterion's text), on one line as a protocol's criterion text is:
/// paragraphs run on, list items keep their markers (<c>a) </c>, <c>1) </c>), table rows read <c>cell: cell; ...</c>,
/// and each syntax-template tag <c>&lt;usdm:tag name="min_age"/&gt;</c> becomes <c>{min_age}</c>. Sponsors' fragments
/// are often not well-formed (a cell or paragraph left open), so an HTML5 parser reads them as a browser would.
/// </summary>
internal static partial class XhtmlText
{
    /// <summary>The text and the tags it names, in order of first use; a tag without a name is reported.</summary>
    public static (string Text, IReadOnlyList<string> Tags, string? Problem) Convert(string xhtml)
    {
        var tags = new List<string>();
        string? problem = null;
        var withTags = Tag().Replace(xhtml, m =>
        {
            var name = m.Groups["name"].Value;
            if (!m.Groups["name"].Success || name.Length == 0)
            {
                problem ??= $"a syntax-template tag has no name: {m.Value}";
                return "";
            }
            if (!tags.Contains(name)) tags.Add(name);
            return "{" + name + "}";
        });
        if (problem is null && withTags.Contains("<usdm:", StringComparison.Ordinal))
            problem = "the text holds a usdm: element other than <usdm:tag name=\"...\"/>, which import cannot read";
        var body = new HtmlParser().ParseDocument("<!DOCTYPE html><html><body>" + withTags + "</body></html>").Body;
        var sb = new StringBuilder();
        if (body is not null) Walk(body.ChildNodes, sb);
        return (Space().Replace(sb.ToString(), " ").Trim(), tags, problem);
    }

    private static void Walk(INodeList nodes, StringBuilder sb)
    {
        foreach (var node in nodes) Walk(node, sb);
    }

    private static void Walk(INode node, StringBuilder sb)
    {
        if (node is IText text)
        {
            sb.Append(text.Data);
            return;
        }
        if (node is not IElement element) return;
        switch (element.LocalName)
        {
            case "ol" or "ul":
                sb.Append(' ');
                int number = 0;
                foreach (var child in element.ChildNodes)
                {
                    if (child is IElement { LocalName: "li" } item)
                    {
                        sb.Append(' ').Append(Marker(element, ++number)).Append(' ');
                        Walk(item.ChildNodes, sb);
                        sb.Append(' ');
                    }
                    else Walk(child, sb);
                }
                sb.Append(' ');
                break;
            case "table":
                var rows = element.QuerySelectorAll("tr")
                    .Select(r => string.Join(": ", r.Children.Where(c => c.LocalName is "td" or "th").Select(Flat).Where(t => t.Length > 0)))
                    .Where(r => r.Length > 0);
                sb.Append(' ').Append(string.Join("; ", rows)).Append(' ');
                break;
            case "br" or "p" or "div" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "li" or "tr":
                sb.Append(' ');
                Walk(element.ChildNodes, sb);
                sb.Append(' ');
                break;
            default:
                Walk(element.ChildNodes, sb);
                break;
        }
    }

    private static string Flat(IElement element)
    {
        var sb = new StringBuilder();
        Walk(element.ChildNodes, sb);
        return Space().Replace(sb.ToString(), " ").Trim();
    }

    private static string Marker(IElement list, int number)
    {
        if (list.LocalName == "ul") return "-";
        var style = (list.GetAttribute("style") ?? "") + " " + (list.GetAttribute("type") ?? "");
        if (style.Contains("lower-alpha", StringComparison.OrdinalIgnoreCase) || list.GetAttribute("type") == "a") return Letters(number, 'a') + ")";
        if (style.Contains("upper-alpha", StringComparison.OrdinalIgnoreCase) || list.GetAttribute("type") == "A") return Letters(number, 'A') + ")";
        if (style.Contains("lower-roman", StringComparison.OrdinalIgnoreCase) || list.GetAttribute("type") == "i") return Roman(number).ToLowerInvariant() + ")";
        if (style.Contains("upper-roman", StringComparison.OrdinalIgnoreCase) || list.GetAttribute("type") == "I") return Roman(number) + ")";
        return number + ")";
    }

    private static string Letters(int number, char first)
    {
        var s = "";
        for (int n = number; n > 0; n = (n - 1) / 26) s = (char)(first + (n - 1) % 26) + s;
        return s;
    }

    private static string Roman(int number)
    {
        (int Value, string Digits)[] table = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")];
        var sb = new StringBuilder();
        foreach (var (value, digits) in table)
            while (number >= value) { sb.Append(digits); number -= value; }
        return sb.ToString();
    }

    [GeneratedRegex(@"<usdm:tag(?:\s+name\s*=\s*""(?<name>[^""]*)""|\s+[A-Za-z:]+\s*=\s*""[^""]*"")*\s*(?:/>|>\s*</usdm:tag>)")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
