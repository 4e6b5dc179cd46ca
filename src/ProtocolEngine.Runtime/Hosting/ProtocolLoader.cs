using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Diagnostics;

namespace ProtocolEngine.Runtime.Hosting;

/// <summary>
/// Loads protocol files the one way every command does (check, screen, explain, validate, grade, simulate, replay):
/// the file and its imports are read from disk within the compiler's size limit, imports resolve next to the file,
/// then up its folders, then in the standard library shipped with the program, and the compilation carries every
/// diagnostic of the file and of what it imports. So whatever one command reports about a protocol, all report.
/// </summary>
public sealed class ProtocolLoader
{
    /// <summary>A loader with the default options and the shipped standard library.</summary>
    public static ProtocolLoader Shipped { get; } = new(new CompilerOptions(), FileSourceResolver.ShippedLibraryRoot);

    /// <summary>Creates a loader.</summary>
    /// <param name="options">The compiler's options (data model, limits).</param>
    /// <param name="libraryRoots">Folders searched for <c>std/...</c> after the importing file's own folders.</param>
    public ProtocolLoader(CompilerOptions options, params IEnumerable<string> libraryRoots)
    {
        Options = options;
        Resolver = new FileSourceResolver(libraryRoots) { MaxSourceLength = options.Limits.MaxSourceLength };
        Compiler = new ProtocolCompiler(Resolver, options);
    }

    /// <summary>The compiler's options.</summary>
    public CompilerOptions Options { get; }

    /// <summary>How imports are found (for hosts that compile text of their own against the same libraries).</summary>
    public FileSourceResolver Resolver { get; }

    /// <summary>The compiler, which keeps the parses and bindings of unchanged libraries.</summary>
    public ProtocolCompiler Compiler { get; }

    /// <summary>Reads and compiles a protocol or library file; problems in its text are diagnostics of the result.</summary>
    /// <remarks>
    /// Libraries are parsed and bound once while their text does not change (<see cref="ProtocolCompiler.CompileIncremental"/>):
    /// checking a folder of protocols that import the same libraries, or one process loading many protocols, does not
    /// redo them for every file.
    /// </remarks>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public CompiledProtocol Load(string path) => Compiler.CompileIncremental(ProtocolFiles.Read(path, Options.Limits.MaxSourceLength));

    /// <summary>
    /// Compiles each file and returns what <c>protocol check</c> reports: every diagnostic of the files and of the
    /// libraries they import, each once (a library checked and imported too is reported under its own path), then a
    /// warning for each pair of files in one folder that declare the same protocol name and version.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public IReadOnlyList<Diagnostic> Check(IReadOnlyList<string> files)
    {
        var compiled = files.Select(Load).ToList();
        var result = new List<Diagnostic>();
        var seen = new HashSet<(string, int, int, string, string)>();
        bool Add(Diagnostic d) =>
            seen.Add((d.Source is null ? "" : Path.GetFullPath(d.Source.Path), d.Span.Start, d.Span.Length, d.Code, d.Message));
        // First each file's own findings, then those of imported files that were not checked themselves.
        foreach (var (file, protocol) in files.Zip(compiled))
            foreach (var d in protocol.Diagnostics.Where(d => d.Source?.Path == file && Add(d)))
                result.Add(d);
        foreach (var protocol in compiled)
            foreach (var d in protocol.Diagnostics.Where(d => Add(d)))
                result.Add(d);
        result.AddRange(ProtocolIdentity.FindDuplicates(compiled));
        return result;
    }
}
