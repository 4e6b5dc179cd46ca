namespace ProtocolEngine.Language.FuzzHost;

/// <summary>
/// A shipped protocol cut at its top-level declarations (lines that start at column 0), so that a mutant can be a few
/// declarations with the file's header and imports: small mutants compile fast, and 10,000 of them reach every part of
/// the language in a minute.
/// </summary>
/// <param name="Name">The file, relative to the protocols folder.</param>
/// <param name="Text">The whole text.</param>
/// <param name="Head">The header and the imports.</param>
/// <param name="Declarations">Every other top-level declaration, in order, each with the lines that follow it.</param>
internal sealed record SeedProtocol(string Name, string Text, string Head, IReadOnlyList<string> Declarations)
{
    public static SeedProtocol Read(string root, string path)
    {
        var text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        var chunks = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && current.Length > 0)
            {
                chunks.Add(current.ToString());
                current.Clear();
            }
            current.Append(line).Append('\n');
        }
        if (current.Length > 0) chunks.Add(current.ToString());
        // The header is the first chunk that starts with `protocol` or `library`; comments before it and the imports belong to the head.
        var head = new System.Text.StringBuilder();
        var rest = new List<string>();
        bool headerSeen = false;
        foreach (var chunk in chunks)
        {
            bool header = chunk.StartsWith("protocol ", StringComparison.Ordinal) || chunk.StartsWith("library ", StringComparison.Ordinal);
            if (!headerSeen || header || chunk.StartsWith("import ", StringComparison.Ordinal)) head.Append(chunk);
            else rest.Add(chunk);
            headerSeen |= header;
        }
        return new SeedProtocol(Path.GetRelativePath(root, path), text, head.ToString(), rest);
    }
}
