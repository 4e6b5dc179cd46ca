using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Tests.Infrastructure;

/// <summary>Resolves imports next to the importing file, then in the repository's protocols folder (the standard library).</summary>
public sealed class TestFileResolver : ISourceResolver
{
    public SourceText? Resolve(string qualifiedName, SourceText importer)
    {
        var relative = Path.Combine(qualifiedName.Split('.')) + ".protocol";
        var folders = new List<string>();
        for (var d = Path.GetDirectoryName(Path.GetFullPath(importer.Path)); d is not null; d = Path.GetDirectoryName(d)) folders.Add(d);
        folders.Add(RepositoryPaths.Protocols);
        foreach (var folder in folders)
        {
            var path = Path.Combine(folder, relative);
            if (File.Exists(path)) return new SourceText(File.ReadAllText(path), path);
        }
        return null;
    }
}
