using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Language.Tests.Infrastructure;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Tests.Baselines;

/// <summary>
/// Bicep-style compiler baselines: each folder under Baselines/ holds main.protocol and its expected
/// diagnostics (rendered under the source lines), syntax dump and bound tree (IR).
/// </summary>
public sealed class BaselineTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(RepositoryPaths.LanguageTests, "Baselines")).Order(StringComparer.Ordinal))
            if (File.Exists(Path.Combine(dir, "main.protocol"))) data.Add(Path.GetFileName(dir));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Baseline_matches(string name)
    {
        var folder = Path.Combine(RepositoryPaths.LanguageTests, "Baselines", name);
        var path = Path.Combine(folder, "main.protocol");
        var source = new SourceText(File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal), "main.protocol");
        var compiled = new ProtocolCompiler(new FolderResolver(folder)).CompileFresh(source);

        Baseline.AssertMatches(Path.Combine(folder, "main.diagnostics.txt"), DiagnosticRenderer.ToBaseline(source, compiled.Diagnostics));
        Baseline.AssertMatches(Path.Combine(folder, "main.syntax.txt"), TreePrinter.PrintSyntax(compiled.Syntax));
        Baseline.AssertMatches(Path.Combine(folder, "main.ir.txt"), TreePrinter.PrintBound(compiled));
    }

    /// <summary>Imports resolve inside the case folder, then in the repository's protocols folder.</summary>
    private sealed class FolderResolver(string folder) : ISourceResolver
    {
        private readonly TestFileResolver _fallback = new();

        public SourceText? Resolve(string qualifiedName, SourceText importer)
        {
            var path = Path.Combine(folder, Path.Combine(qualifiedName.Split('.')) + ".protocol");
            return File.Exists(path) ? new SourceText(File.ReadAllText(path), Path.GetRelativePath(folder, path)) : _fallback.Resolve(qualifiedName, importer);
        }
    }
}
