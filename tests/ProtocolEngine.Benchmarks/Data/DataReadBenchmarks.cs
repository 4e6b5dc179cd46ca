using BenchmarkDotNet.Attributes;
using ProtocolEngine.Data.Csv;
using ProtocolEngine.Data.DatasetJson;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Xpt;

namespace ProtocolEngine.Benchmarks.Data;

/// <summary>
/// Reader throughput on the real shared data. MB/s = file size / mean time: cm.xpt is 3,758,720 bytes,
/// lb.json (MSG) 638,679 bytes, lb.csv (pharmaverse) 8,872,524 bytes.
/// Run: dotnet run -c Release --project tests/ProtocolEngine.Benchmarks -- --filter '*DataReadBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class DataReadBenchmarks
{
    private string _data = "";

    [GlobalSetup]
    public void Setup()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) dir = dir.Parent;
        _data = Path.GetFullPath(Path.Combine(dir?.FullName ?? throw new InvalidOperationException("ProtocolEngine.sln not found"), "..", "shared", "data"));
    }

    /// <summary>The pilot's concomitant medications, 7,510 records of 21 variables.</summary>
    [Benchmark]
    public int XptRead_PilotCm() => XptReader.Read(Path.Combine(_data, "sdtm", "cdiscpilot01", "cm.xpt"))[0].RowCount;

    /// <summary>The MSG study's labs as Dataset-JSON, 3,488 records.</summary>
    [Benchmark]
    public int DatasetJsonRead_MsgLb() => DatasetJsonReader.Read(Path.Combine(_data, "datasetjson", "msg", "sdtm", "lb.json")).RowCount;

    /// <summary>The pharmaverse labs as CSV, 59,580 records typed by SDTMIG.</summary>
    [Benchmark]
    public int CsvRead_PharmaverseLb() => CsvDatasetReader.Read(Path.Combine(_data, "sdtm", "cdiscpilot01-pharmaverse", "lb.csv")).RowCount;

    /// <summary>The whole pilot study: 18 XPT files, define.xml, SUPP-- merge, subject index.</summary>
    [Benchmark]
    public int StudyLoad_Pilot() => StudyLoader.Load(Path.Combine(_data, "sdtm", "cdiscpilot01"), new StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") }).Data.SubjectCount;
}
