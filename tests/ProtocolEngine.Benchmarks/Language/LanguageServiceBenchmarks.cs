using BenchmarkDotNet.Attributes;
using ProtocolEngine.LanguageService;
using ProtocolEngine.LanguageService.Features;
using ProtocolEngine.LanguageService.Workspace;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Benchmarks.Language;

/// <summary>
/// One keystroke in an editor, server side: the largest shipped protocol (cdiscpilot01-amendment1 with its libraries)
/// changes by one character, and the language service compiles it incrementally and returns its diagnostics (what the
/// designer's compile-and-diagnose endpoint and <c>protocol lsp</c> do per keystroke). The LSP round trip over stdio is
/// <c>dotnet run -c Release --project tests/ProtocolEngine.Benchmarks -- lsp</c>.
/// </summary>
[MemoryDiagnoser]
public class LanguageServiceBenchmarks
{
    private ProtocolLanguageService _service = null!;
    private string _path = "";
    private string _text = "";
    private int _version;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(BenchmarkPaths.Protocols, "cdiscpilot01-amendment1.protocol");
        _text = File.ReadAllText(_path);
        var workspace = new LanguageWorkspace(new FileSourceResolver(BenchmarkPaths.Protocols));
        workspace.Open(_path, _text);
        _service = new ProtocolLanguageService(workspace);
        if (_service.Diagnostics(_path).Any(d => d.Severity == ProtocolEngine.Language.Diagnostics.DiagnosticSeverity.Error)) throw new InvalidOperationException("The pilot has errors.");
    }

    [Benchmark]
    public int KeystrokeToDiagnostics()
    {
        // Alternate between two texts so every call is a real edit.
        _version++;
        _service.Workspace.Open(_path, _version % 2 == 0 ? _text : _text.Replace("Age >= 50", "Age >= 51", StringComparison.Ordinal), _version);
        return _service.Diagnostics(_path).Length;
    }
}
