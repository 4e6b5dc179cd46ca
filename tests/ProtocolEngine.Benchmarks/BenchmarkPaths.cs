namespace ProtocolEngine.Benchmarks;

/// <summary>Locates the repository from the benchmark's working folder (BenchmarkDotNet runs from a generated folder below bin/).</summary>
public static class BenchmarkPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run the benchmarks from inside the repository.");
    });

    /// <summary>The repository root.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The shipped protocols.</summary>
    public static string Protocols => Path.Combine(Root, "protocols");

    /// <summary>The shared data beside the repository.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
}
