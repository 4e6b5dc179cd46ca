using BenchmarkDotNet.Attributes;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;

namespace ProtocolEngine.Benchmarks.Data;

/// <summary>
/// Synthetic generation throughput for 10,000 subjects per format. The 100,000 and 1,000,000 subject figures in
/// docs/performance.md come from `/usr/bin/time -v ./protocol synth ...` (wall time and peak RSS of the real command).
/// Run: dotnet run -c Release --project tests/ProtocolEngine.Benchmarks -- --filter '*SynthBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class SynthBenchmarks
{
    private string _out = "";

    [Params(DataFileFormat.Xpt, DataFileFormat.Ndjson, DataFileFormat.Csv)]
    public DataFileFormat Format { get; set; }

    [GlobalSetup]
    public void Setup() => _out = Path.Combine(Path.GetTempPath(), "pe-synth-bench-" + Guid.NewGuid().ToString("N")[..8]);

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    [Benchmark]
    public long Generate10k() => PopulationGenerator.Generate(_out, new SynthOptions { Subjects = 10_000, Seed = 1, Format = Format }).Records["LB"];
}
