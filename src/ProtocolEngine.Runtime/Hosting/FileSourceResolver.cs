using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Runtime.Hosting;

/// <summary>
/// Finds imported libraries on disk: <c>import std.ctcae5</c> looks for <c>std/ctcae5.protocol</c> next to the
/// importing file, then in each folder of the importing file's parents, then in the library roots (the standard
/// library shipped with the command line).
/// </summary>
public sealed class FileSourceResolver : ISourceResolver
{
    private readonly IReadOnlyList<string> _roots;

    /// <summary>Creates a resolver with extra library roots searched after the importer's folders.</summary>
    public FileSourceResolver(params IEnumerable<string> libraryRoots) => _roots = [.. libraryRoots];

    /// <summary>The most characters read of a library file (the compiler reports a longer file as too large).</summary>
    public int MaxSourceLength { get; init; } = int.MaxValue;

    /// <summary>The standard library shipped next to the running program (the <c>std</c> folder's parent), if present.</summary>
    public static string ShippedLibraryRoot => AppContext.BaseDirectory;

    /// <inheritdoc />
    public SourceText? Resolve(string qualifiedName, SourceText importer)
    {
        var relative = Path.Combine(qualifiedName.Split('.')) + ".protocol";
        foreach (var folder in Candidates(importer.Path))
        {
            var path = Path.Combine(folder, relative);
            if (File.Exists(path)) return ProtocolFiles.Read(path, MaxSourceLength);
        }
        return null;
    }

    private IEnumerable<string> Candidates(string importerPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(importerPath));
        // Walk up from the importing file, so protocols/std is found from protocols/trials/x.protocol too.
        for (var d = directory; d is not null; d = Path.GetDirectoryName(d)) yield return d;
        foreach (var root in _roots) yield return root;
    }
}
