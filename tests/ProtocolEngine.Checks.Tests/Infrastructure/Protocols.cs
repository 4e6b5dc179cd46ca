using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Checks.Tests.Infrastructure;

/// <summary>Compiles protocols for tests: shipped files with their imports, or text that may import the standard library.</summary>
public static class Protocols
{
    private static readonly ProtocolCompiler Compiler = new(new FileSourceResolver(Paths.Protocols));

    public static CompiledProtocol File(string path)
    {
        var compiled = Compiler.Compile(ProtocolFiles.Read(path));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics.Where(d => d.IsError)));
        return compiled;
    }

    /// <summary>Compiles protocol text as if it were a file in protocols/ (so `import std.x` resolves).</summary>
    public static CompiledProtocol Text(string text)
    {
        var compiled = Compiler.Compile(new SourceText(text, Path.Combine(Paths.Protocols, "test-" + Guid.NewGuid().ToString("N")[..8] + ".protocol")));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics.Where(d => d.IsError)));
        return compiled;
    }
}
