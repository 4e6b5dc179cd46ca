using System.Text;
using System.Text.Json;

namespace ProtocolEngine.Usdm.Json;

/// <summary>
/// The line of every value of a JSON text, by its path in the form <see cref="System.Text.Json.Nodes.JsonNode.GetPath"/>
/// writes (<c>$.study.versions[0].name</c>), so a problem found on the parsed tree can name the line a person opens.
/// </summary>
internal sealed class JsonLineIndex
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    private JsonLineIndex() { }

    /// <summary>The first member name that appears twice in one object (its path and the line of the second), if any.</summary>
    public (string Path, int Line)? Duplicate { get; private set; }

    /// <summary>Indexes <paramref name="utf8"/>.</summary>
    /// <exception cref="JsonException">The text is not JSON (with the line and position).</exception>
    public static JsonLineIndex Build(ReadOnlySpan<byte> utf8)
    {
        var index = new JsonLineIndex();
        var newlines = new List<long>();
        for (int i = 0; i < utf8.Length; i++) if (utf8[i] == (byte)'\n') newlines.Add(i);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 256 });
        // Each open container: its path, and for an array the index of the next element.
        var stack = new Stack<(string Path, int NextIndex, bool IsArray)>();
        string? pendingProperty = null;
        while (reader.Read())
        {
            int line = LineOf(newlines, reader.TokenStartIndex);
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                pendingProperty = reader.GetString();
                continue;
            }
            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                stack.Pop();
                continue;
            }
            string path;
            if (stack.Count == 0) path = "$";
            else if (stack.Peek().IsArray)
            {
                var (parent, next, _) = stack.Pop();
                stack.Push((parent, next + 1, true));
                path = $"{parent}[{next}]";
            }
            else path = Member(stack.Peek().Path, pendingProperty ?? "");
            if (!index._lines.TryAdd(path, line) && stack.Count > 0 && !stack.Peek().IsArray) index.Duplicate ??= (path, line);
            if (reader.TokenType == JsonTokenType.StartObject) stack.Push((path, 0, false));
            else if (reader.TokenType == JsonTokenType.StartArray) stack.Push((path, 0, true));
        }
        return index;
    }

    /// <summary>The line of the value at <paramref name="path"/>, or of its nearest enclosing value that exists.</summary>
    public int? LineOf(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
            if (_lines.TryGetValue(p, out int line)) return line;
        return null;
    }

    /// <summary>The path of a member, as JsonNode.GetPath writes it.</summary>
    public static string Member(string parent, string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? $"{parent}.{name}" : $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    private static string Parent(string path)
    {
        if (path == "$") return "";
        int cut = path.EndsWith(']') ? path.LastIndexOf('[') : path.LastIndexOf('.');
        return cut <= 0 ? "$" : path[..cut];
    }

    private static int LineOf(List<long> newlines, long offset)
    {
        int at = newlines.BinarySearch(offset);
        return (at < 0 ? ~at : at) + 1;
    }

    /// <summary>The text's bytes as UTF-8 (what the index is built from).</summary>
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
