using System.Diagnostics;
using System.Globalization;
using System.Text;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Benchmarks.Language;

/// <summary>
/// Compile time against file size: generated protocols of 1, 5 and 10 MB (blocks like the shipped protocols':
/// definitions with queries and timing phrases, a code list, criteria, a check with message placeholders) compiled
/// from scratch with the size and criteria limits lifted, then a 50 MB file through the loader every command uses
/// (refused with PE0015 after reading just past the limit):
///   dotnet run -c Release --project tests/ProtocolEngine.Benchmarks -- protocol-size [--sizes 1,5,10] [--runs 3]
/// Prints the best wall time of the runs per size, milliseconds per MB (flat when compile time is linear in size) and
/// the bytes allocated. Run it on a quiet machine and quote the load it prints.
/// </summary>
public static class ProtocolSizeBench
{
    private const int MB = 1024 * 1024;

    public static int Run(string[] args)
    {
        var sizes = (Arg(args, "--sizes") ?? "1,5,10").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList();
        int runs = int.Parse(Arg(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        Console.WriteLine($"Protocol size benchmark: {Environment.ProcessorCount} cores, load {Load()}, best of {runs} runs.");
        var limits = new CompilerLimits { MaxSourceLength = int.MaxValue, MaxCriteria = int.MaxValue };
        var compiler = new ProtocolCompiler(new InMemorySourceResolver(new Dictionary<string, string>()), new CompilerOptions { Limits = limits });
        // Warm the compiler (JIT) on a small text first.
        compiler.CompileFresh(new SourceText(Generated(100_000), "warm.protocol"));
        foreach (var size in sizes)
        {
            var text = Generated((int)(size * MB));
            var source = new SourceText(text, "generated.protocol");
            var best = TimeSpan.MaxValue;
            long allocated = 0;
            int criteria = 0;
            for (int run = 0; run < runs; run++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                long before = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                var compiled = compiler.CompileFresh(source);
                clock.Stop();
                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                if (compiled.HasErrors) throw new InvalidOperationException("The generated protocol has errors: " + compiled.Diagnostics.First(d => d.IsError));
                criteria = compiled.Criteria.Length;
                if (clock.Elapsed < best) best = clock.Elapsed;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size,5:F1} MB ({text.Length:N0} characters, {criteria:N0} criteria): {best.TotalMilliseconds,8:F0} ms, {best.TotalMilliseconds / size,6:F0} ms/MB, {allocated / (double)MB,7:F0} MB allocated"));
        }

        // The 50 MB file of the issue, as `protocol check` reads it: refused by size, without reading it whole.
        var dir = Path.Combine(Path.GetTempPath(), "pe-bench-size-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "huge.protocol");
            using (var writer = new StreamWriter(path))
            {
                var block = Generated(MB);
                for (int i = 0; i < 50; i++) writer.Write(block);
            }
            var clock = Stopwatch.StartNew();
            var refused = new ProtocolLoader(new CompilerOptions()).Load(path);
            clock.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"50 MB file through the loader: {clock.Elapsed.TotalMilliseconds:F0} ms, {string.Join(", ", refused.Diagnostics.Select(d => d.Code))}"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Console.WriteLine($"load {Load()}");
        return 0;
    }

    private static string Generated(int characters) => ProtocolEngine.Language.Tests.Limits.LimitsTestSupport.Generated(characters);

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
