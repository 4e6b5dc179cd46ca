using System.Text.Json;
using ProtocolEngine.Cli;

namespace ProtocolEngine.Cli.Tests.Commands.Data;

/// <summary>The data commands end to end through CliApp.Run, on the real shared data. </summary>
public class DataCommandTests
{
    private static readonly string _shared = FindShared();

    private static string FindShared()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) dir = dir.Parent;
        return Path.GetFullPath(Path.Combine(dir!.FullName, "..", "shared", "data"));
    }

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Inspect_Pilot_AsJson_Reports306SubjectsAnd1191AdverseEvents()
    {
        var (exit, output, _) = Run("data", "inspect", Path.Combine(_shared, "sdtm", "cdiscpilot01"), "--encoding", "windows-1252", "--format", "json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(306, doc.RootElement.GetProperty("subjects").GetInt32());
        var datasets = doc.RootElement.GetProperty("datasets").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("records").GetInt32());
        Assert.Equal(306, datasets["DM"]);
        Assert.Equal(1191, datasets["AE"]);
    }

    [Fact]
    public void Inspect_MissingFolder_ExitsWith2()
    {
        var (exit, _, err) = Run("data", "inspect", "/no/such/folder");
        Assert.Equal(2, exit);
        Assert.Contains("/no/such/folder", err);
    }

    [Fact]
    public void Convert_ThenSynth_WriteFilesAndRefuseBadOptions()
    {
        var output = Path.Combine(Path.GetTempPath(), "pe-cli-data-" + Guid.NewGuid().ToString("N")[..8]);
        var (exit, json, _) = Run("data", "convert", Path.Combine(_shared, "datasetjson", "msg", "sdtm", "dm.json"), "--to", "xpt", "--out", output, "--format", "json");
        Assert.Equal(0, exit);
        Assert.True(File.Exists(Path.Combine(output, "dm.xpt")));
        Assert.Contains("dm.xpt", json);
        Assert.Equal(2, Run("data", "convert", Path.Combine(_shared, "datasetjson", "msg", "sdtm", "dm.json"), "--to", "sas7bdat", "--out", output).Exit);
        // Parquet is a conversion target (issue 18), and the converted file loads back.
        Assert.Equal(0, Run("data", "convert", Path.Combine(_shared, "datasetjson", "msg", "sdtm", "dm.json"), "--to", "parquet", "--out", output).Exit);
        Assert.True(File.Exists(Path.Combine(output, "dm.parquet")));
        Assert.Equal(0, Run("data", "inspect", Path.Combine(output, "dm.parquet")).Exit);

        var synth = Path.Combine(output, "synth");
        (exit, json, _) = Run("synth", "--subjects", "50", "--seed", "3", "--out", synth, "--to", "csv", "--format", "json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(50, doc.RootElement.GetProperty("records").GetProperty("DM").GetInt32());
        Assert.True(File.Exists(Path.Combine(synth, "define.xml")));
        Assert.Equal(2, Run("synth", "--subjects", "0", "--out", synth).Exit);
        Directory.Delete(output, recursive: true);
    }
}
