using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Language.Tests.Infrastructure;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Tests.Baselines;

/// <summary>
/// Bicep-style compiler baselines: each folder under Baselines/ holds main.protocol and its expected
/// diagnostics (rendered under the source lines), syntax dump and bound tree (IR). An optional limits.txt sets
/// compiler limits (`MaxCriteria = 2`), so a limit's diagnostic has a small case. Other protocols in the folder
/// (not libraries main imports) are compiled too, as `protocol check FOLDER` does, for the diagnostics that compare
/// files (two files with one protocol name and version).
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
        var options = new CompilerOptions { Limits = Limits(Path.Combine(folder, "limits.txt")) };
        var compiler = new ProtocolCompiler(new FolderResolver(folder), options);
        var compiled = compiler.CompileFresh(source);
        var siblings = Directory.GetFiles(folder, "*.protocol").Where(f => Path.GetFileName(f) != "main.protocol").Order(StringComparer.Ordinal)
            .Select(f => compiler.CompileFresh(new SourceText(File.ReadAllText(f).Replace("\r\n", "\n", StringComparison.Ordinal), Path.GetFileName(f))))
            .Where(c => !c.IsLibrary);
        var diagnostics = compiled.Diagnostics.Concat(ProtocolIdentity.FindDuplicates([compiled, .. siblings]).Where(d => d.Source == source));

        Baseline.AssertMatches(Path.Combine(folder, "main.diagnostics.txt"), DiagnosticRenderer.ToBaseline(source, diagnostics));
        Baseline.AssertMatches(Path.Combine(folder, "main.syntax.txt"), TreePrinter.PrintSyntax(compiled.Syntax));
        Baseline.AssertMatches(Path.Combine(folder, "main.ir.txt"), TreePrinter.PrintBound(compiled));
    }

    /// <summary>The limits a case sets in limits.txt, one `Name = value` per line; the defaults otherwise.</summary>
    private static CompilerLimits Limits(string path)
    {
        var limits = CompilerLimits.Default;
        if (!File.Exists(path)) return limits;
        foreach (var line in File.ReadAllLines(path).Where(l => l.Contains('=')))
        {
            var (name, value) = (line.Split('=')[0].Trim(), int.Parse(line.Split('=')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture));
            var property = typeof(CompilerLimits).GetProperty(name) ?? throw new InvalidOperationException($"{path}: no limit {name}.");
            limits = limits with { };
            property.SetValue(limits, value);
        }
        return limits;
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
