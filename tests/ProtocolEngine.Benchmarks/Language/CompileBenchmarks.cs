using BenchmarkDotNet.Attributes;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Benchmarks.Language;

/// <summary>
/// Recompiling the largest shipped protocol (cdiscpilot01-amendment1 with its three libraries: about 1,200 lines;
/// parse, resolve and parse imports, bind, check workflows, hash),
/// bypassing the compile cache: the cost of one keystroke in a live editor.
/// </summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private SourceText _source = null!;
    private ProtocolCompiler _compiler = null!;

    [Params("cdiscpilot01-amendment1.protocol", "t2d-sglt2.protocol")]
    public string File { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(BenchmarkPaths.Protocols, File);
        _source = ProtocolFiles.Read(path);
        _compiler = new ProtocolCompiler(new FileSourceResolver(BenchmarkPaths.Protocols));
        var compiled = _compiler.CompileFresh(_source);
        if (compiled.HasErrors) throw new InvalidOperationException($"{File} has errors.");
    }

    [Benchmark]
    public CompiledProtocol Recompile() => _compiler.CompileFresh(_source);
}
