using BenchmarkDotNet.Attributes;
using ProtocolEngine.Checks;
using ProtocolEngine.Checks.Results;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Benchmarks.Checks;

/// <summary>
/// Every check of protocols/cdiscpilot01.protocol (its own and std.`sdtm-checks`) over the real pilot data and
/// over a 5,000-subject synthetic study, all threads. The protocol is compiled once in the setup, as a
/// long-running host would; divide the records visited (printed by the setup) by the mean for records per
/// second. The million-subject run is a command (docs/performance.md), not a BenchmarkDotNet job.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class CheckRunBenchmarks
{
    private CompiledProtocol _protocol = null!;
    private LoadedStudy _pilot = null!;
    private LoadedStudy _synthetic = null!;
    private string _folder = null!;
    private readonly CheckRunOptions _options = new() { AsOf = CqlDateTime.ParseIso("2030-01-01"), DetailLimit = 100 };

    [GlobalSetup]
    public void Setup()
    {
        var compiler = new ProtocolCompiler(new FileSourceResolver(BenchmarkPaths.Protocols));
        _protocol = compiler.Compile(ProtocolFiles.Read(Path.Combine(BenchmarkPaths.Protocols, "cdiscpilot01.protocol")));
        if (_protocol.HasErrors) throw new InvalidOperationException(string.Join("\n", _protocol.Diagnostics));
        _pilot = StudyLoader.Load(Path.Combine(BenchmarkPaths.SharedData, "sdtm", "cdiscpilot01"), new StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") });
        _folder = Path.Combine(Path.GetTempPath(), "pe-check-bench-" + Guid.NewGuid().ToString("N")[..8]);
        PopulationGenerator.Generate(_folder, new SynthOptions { Subjects = 5000, Seed = 7, Timestamp = new DateTime(2025, 1, 1) });
        _synthetic = StudyLoader.Load(_folder);
        foreach (var (name, study) in new[] { ("pilot", _pilot), ("synthetic 5,000", _synthetic) })
        {
            var report = CheckRunner.Run(_protocol, study, _options);
            Console.WriteLine($"// {name}: {report.RecordsVisited:N0} records visited, {report.Evaluations:N0} check evaluations, {report.Checks.Count(c => c.Status != CheckStatus.Skipped)} checks run");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark]
    public long PilotData() => CheckRunner.Run(_protocol, _pilot, _options).RecordsVisited;

    [Benchmark]
    public long Synthetic5000() => CheckRunner.Run(_protocol, _synthetic, _options).RecordsVisited;
}
