using System.Collections.Concurrent;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.LanguageService.Workspace;

/// <summary>
/// The protocol files an editor works on: the open documents (their text as the editor holds it, which wins over the
/// file on disk, so an import sees unsaved edits) and the other known files of the workspace (for references and renames
/// across files). Compiles with one <see cref="ProtocolCompiler"/> incrementally: an edit reparses and rebinds only the
/// edited file, and the libraries it imports are reused while their text is unchanged. Thread-safe. Does no I/O itself:
/// the host's resolver finds libraries on disk.
/// </summary>
public sealed class LanguageWorkspace
{
    private readonly ConcurrentDictionary<string, ProtocolDocument> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProtocolDocument> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DocumentAnalysis> _analyses = new(StringComparer.Ordinal);
    private readonly ProtocolCompiler _compiler;
    private long _generation;

    /// <summary>Creates a workspace.</summary>
    /// <param name="files">How libraries are found on disk (the host's resolver); null for documents only.</param>
    /// <param name="options">Compiler options (a study's data model).</param>
    public LanguageWorkspace(ISourceResolver? files = null, CompilerOptions? options = null)
    {
        Files = files;
        _compiler = new ProtocolCompiler(new OverlayResolver(this, files), options);
    }

    /// <summary>How libraries are found on disk.</summary>
    public ISourceResolver? Files { get; }

    /// <summary>The linked study whose values completion offers, when one is linked.</summary>
    public IStudyVocabulary? Study { get; set; }

    /// <summary>Library names offered after <c>import</c> besides those of the workspace's files (the shipped standard library).</summary>
    public IReadOnlyList<string> LibraryNames { get; set; } = [];

    /// <summary>Opens a document or replaces its text (an edit).</summary>
    public ProtocolDocument Open(string path, string text, int version = 0)
    {
        var document = new ProtocolDocument(path, text, version);
        _open[path] = document;
        Interlocked.Increment(ref _generation);
        return document;
    }

    /// <summary>Closes a document: its file on disk counts again.</summary>
    public void Close(string path)
    {
        _open.TryRemove(path, out _);
        _analyses.TryRemove(path, out _);
        Interlocked.Increment(ref _generation);
    }

    /// <summary>Adds a workspace file that is not open (read by the host), for references and renames across files.</summary>
    public void AddFile(string path, string text)
    {
        _known[path] = new ProtocolDocument(path, text, 0);
        Interlocked.Increment(ref _generation);
    }

    /// <summary>The document at a path: the open one, else a known file, else null.</summary>
    public ProtocolDocument? Get(string path) => _open.GetValueOrDefault(path) ?? _known.GetValueOrDefault(path);

    /// <summary>The open documents.</summary>
    public IEnumerable<ProtocolDocument> OpenDocuments => _open.Values;

    /// <summary>Every document: open ones and the known files that are not open.</summary>
    public IEnumerable<ProtocolDocument> Documents => _open.Values.Concat(_known.Values.Where(k => !_open.ContainsKey(k.Path)));

    /// <summary>
    /// Compiles a document (open or known) with its imports and returns the analysis; the last analysis is reused while
    /// no document of the workspace changed.
    /// </summary>
    /// <exception cref="ArgumentException">No document has this path.</exception>
    public DocumentAnalysis Analyze(string path)
    {
        var document = Get(path) ?? throw new ArgumentException($"No document {path} in the workspace.", nameof(path));
        long generation = Interlocked.Read(ref _generation);
        if (_analyses.TryGetValue(path, out var last) && ReferenceEquals(last.Document, document) && last.Generation == generation) return last;
        var analysis = new DocumentAnalysis(document, _compiler.CompileIncremental(document.Source), this) { Generation = generation };
        _analyses[path] = analysis;
        return analysis;
    }

    /// <summary>Compiles a text that is no document of the workspace (a library of the standard library), reusing what it can.</summary>
    public CompiledProtocol CompileTransient(SourceText source) => _compiler.CompileIncremental(source);

    /// <summary>An import resolves to an open or known document when one is at a path the host's resolver would look at.</summary>
    private sealed class OverlayResolver(LanguageWorkspace workspace, ISourceResolver? files) : ISourceResolver
    {
        public SourceText? Resolve(string qualifiedName, SourceText importer)
        {
            var relative = System.IO.Path.Combine(qualifiedName.Split('.')) + ".protocol";
            var onDisk = files?.Resolve(qualifiedName, importer);
            for (var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(importer.Path)); folder is not null; folder = System.IO.Path.GetDirectoryName(folder))
            {
                var candidate = System.IO.Path.Combine(folder, relative);
                if (workspace.Get(candidate) is { } document) return document.Source;
                if (onDisk is not null && onDisk.Path == candidate) return onDisk;
            }
            return onDisk is null ? null : workspace.Get(onDisk.Path)?.Source ?? onDisk;
        }
    }
}
