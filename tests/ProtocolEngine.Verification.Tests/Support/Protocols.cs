using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Verification.Tests.Support;

/// <summary>Protocols for the tests: shipped ones by name, and small ones from text (compiled as `protocol verify` compiles).</summary>
internal static class Protocols
{
    public static readonly DateOnly Today = new(2024, 6, 1);

    public static string Shipped(string name) => Path.Combine(RepoPaths.Root, "protocols", name);

    public static CompiledProtocol Load(string path) => ProtocolLoader.Shipped.Load(path);

    /// <summary>A protocol from text, written to a temporary file first (the loader reads files); it must compile cleanly.</summary>
    public static CompiledProtocol FromText(string text, string name = "test")
    {
        var folder = Directory.CreateTempSubdirectory("verify-test-").FullName;
        var path = Path.Combine(folder, name + ".protocol");
        File.WriteAllText(path, text);
        var compiled = ProtocolLoader.Shipped.Load(path);
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics.Where(d => d.IsError)));
        return compiled;
    }

    public static VerificationOptions Options(double seconds = 60) => new() { Today = Today, Timeout = TimeSpan.FromSeconds(seconds) };

    public const string Header = """
        protocol TEST version "1.0"
          title "Verification test"
          data SDTM "3.4"

        """;
}
