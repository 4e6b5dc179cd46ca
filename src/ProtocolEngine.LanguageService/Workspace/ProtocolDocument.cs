using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Text;

namespace ProtocolEngine.LanguageService.Workspace;

/// <summary>One version of a protocol file's text, as an editor holds it.</summary>
public sealed class ProtocolDocument
{
    private readonly Lazy<LineMap> _lines;

    /// <summary>Creates a document.</summary>
    /// <param name="path">The full path (the key other documents import it by).</param>
    /// <param name="text">The text.</param>
    /// <param name="version">The editor's version number.</param>
    public ProtocolDocument(string path, string text, int version)
    {
        Path = path;
        Text = text;
        Version = version;
        Source = new SourceText(text, path);
        _lines = new(() => new LineMap(text));
    }

    /// <summary>The full path.</summary>
    public string Path { get; }

    /// <summary>The text.</summary>
    public string Text { get; }

    /// <summary>The editor's version number.</summary>
    public int Version { get; }

    /// <summary>The text as the compiler reads it.</summary>
    public SourceText Source { get; }

    /// <summary>Offsets to editor positions and back.</summary>
    public LineMap Lines => _lines.Value;
}
