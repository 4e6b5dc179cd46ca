using System.Collections.Concurrent;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Evidence;

/// <summary>Resolves imports through another resolver and keeps the exact text of every library it resolved (what a pack must hold).</summary>
/// <param name="inner">The resolver that finds the libraries.</param>
public sealed class RecordingSourceResolver(ISourceResolver inner) : ISourceResolver
{
    private readonly ConcurrentDictionary<string, string> _resolved = new(StringComparer.Ordinal);

    /// <summary>Every library resolved so far, by qualified name.</summary>
    public IReadOnlyDictionary<string, string> Resolved => _resolved;

    /// <inheritdoc />
    public SourceText? Resolve(string qualifiedName, SourceText importer)
    {
        var s = inner.Resolve(qualifiedName, importer);
        if (s is not null) _resolved[qualifiedName] = s.Text;
        return s;
    }
}
