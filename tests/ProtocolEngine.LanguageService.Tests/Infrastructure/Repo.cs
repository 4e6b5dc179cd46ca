using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.LanguageService.Tests.Infrastructure;

/// <summary>The repository's folders and a resolver for its standard library.</summary>
public static class Repo
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find ProtocolEngine.sln above " + AppContext.BaseDirectory);
    });

    public static string Root => RootPath.Value;

    public static string Protocols => Path.Combine(Root, "protocols");

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Tests => Path.Combine(Root, "tests", "ProtocolEngine.LanguageService.Tests");

    /// <summary>Every shipped protocol and library.</summary>
    public static IReadOnlyList<string> ShippedProtocols =>
        [.. Directory.GetFiles(Protocols, "*.protocol", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    /// <summary>Finds imports next to the importer and in the repository's protocols folder.</summary>
    public static ISourceResolver Resolver { get; } = new FileSourceResolver(Protocols);

    /// <summary>A fresh temporary folder (tests never write into the repository or ../shared).</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "pe-ls-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }
}
