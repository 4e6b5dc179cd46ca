using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using ProtocolEngine.Evidence;

namespace ProtocolEngine.Cli.Tests.Commands.Evidence;

/// <summary>protocol evidence end to end through CliApp.Run, on the real pilot data and the CQL conformance suite.</summary>
public sealed class EvidenceCommandTests
{
    private static string Shared(params string[] parts) => Path.GetFullPath(Path.Combine([CliRunner.Root, "..", "shared", .. parts]));
    private static string PilotProtocol => Path.Combine(CliRunner.Root, "protocols", "cdiscpilot01.protocol");

    [Fact]
    public void The_pack_holds_every_part_and_its_manifest_hashes_match_its_files()
    {
        var folder = Directory.CreateTempSubdirectory("pe-evidence-").FullName;
        var pack = Path.Combine(folder, "pack.zip");
        var (code, output, error) = CliRunner.Run("evidence", PilotProtocol, "--data", Shared("data", "sdtm", "cdiscpilot01"), "--encoding", "windows-1252", "--as-of", "2014-01-01",
            "--conformance", Shared("conformance", "cql"), "--out", pack);
        Assert.True(code == 0, error);
        Assert.Contains("manifest.json", output);
        Assert.Single(Directory.GetFiles(folder));
        using (var stream = File.OpenRead(pack)) Assert.Empty(EvidencePack.Verify(stream));
        using var zip = ZipFile.OpenRead(pack);
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        foreach (var f in manifest.RootElement.GetProperty("files").EnumerateArray())
        {
            using var s = zip.GetEntry(f.GetProperty("path").GetString()!)!.Open();
            Assert.Equal(f.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(s)));
        }
        var paths = manifest.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).ToList();
        Assert.Contains("protocol/libraries/std.expedited.protocol", paths);
        using var conformance = JsonDocument.Parse(zip.GetEntry("conformance.json")!.Open());
        Assert.True(conformance.RootElement.GetProperty("ran").GetBoolean());
        Assert.True(conformance.RootElement.GetProperty("passed").GetInt32() > 1000);
        using var hashes = JsonDocument.Parse(zip.GetEntry("protocol/hashes.json")!.Open());
        Assert.Equal(31, hashes.RootElement.GetProperty("criteria").GetArrayLength());
        using var results = JsonDocument.Parse(zip.GetEntry("screening/results.json")!.Open());
        Assert.Equal(hashes.RootElement.GetProperty("contentHash").GetString(), results.RootElement.GetProperty("hash").GetString());
        using var journal = JsonDocument.Parse(zip.GetEntry("journal/verification.json")!.Open());
        Assert.False(journal.RootElement.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public void Undeclared_windows_1252_data_is_refused_naming_the_file_and_nothing_is_written()
    {
        var folder = Directory.CreateTempSubdirectory("pe-evidence-").FullName;
        var pack = Path.Combine(folder, "pack.zip");
        var (code, _, error) = CliRunner.Run("evidence", PilotProtocol, "--data", Shared("data", "sdtm", "cdiscpilot01"), "--out", pack);
        Assert.NotEqual(0, code);
        Assert.Contains("ts.xpt", error);
        Assert.Contains("--encoding windows-1252", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void A_missing_output_folder_is_refused_and_nothing_is_written()
    {
        var missing = Path.Combine(Path.GetTempPath(), "pe-no-such-" + Guid.NewGuid().ToString("N"), "pack.zip");
        var (code, _, error) = CliRunner.Run("evidence", PilotProtocol, "--data", Shared("data", "sdtm", "cdiscpilot01"), "--out", missing);
        Assert.NotEqual(0, code);
        Assert.Contains("does not exist", error);
        Assert.False(File.Exists(missing));
    }
}
