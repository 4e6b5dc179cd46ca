using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Language.Tests.Infrastructure;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Tests.Binding;

public sealed class ShippedProtocolsTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepositoryPaths.Protocols, "*.protocol", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(RepositoryPaths.Protocols, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Shipped_protocol_checks_clean(string relativePath)
    {
        var path = Path.Combine(RepositoryPaths.Protocols, relativePath);
        var compiled = new ProtocolCompiler(new TestFileResolver()).Compile(new SourceText(File.ReadAllText(path), path));
        var problems = compiled.Diagnostics.Select(DiagnosticRenderer.ToText).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void There_are_at_least_three_protocols_besides_the_library()
    {
        var protocols = Directory.GetFiles(RepositoryPaths.Protocols, "*.protocol", SearchOption.TopDirectoryOnly);
        Assert.True(protocols.Length >= 3, $"Only {protocols.Length} protocols in protocols/.");
    }
}
