using System.Text.Json;

namespace ProtocolEngine.Cli.Tests.Commands.Safety;

/// <summary>protocol grade and protocol simulate --replay end to end through CliApp.Run, on the pilot's real data.</summary>
public sealed class SafetyCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pe-cli-safety-" + Guid.NewGuid().ToString("N"));

    public SafetyCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static string Shared(string name) => Path.GetFullPath(Path.Combine(CliRunner.Root, "..", "shared", "data", "sdtm", name));
    private static string PilotProtocol => Path.Combine(CliRunner.Root, "protocols", "cdiscpilot01.protocol");

    [Fact]
    public void Grade_PrintsTheDistributionPerTest_AsJson_AndWritesEveryResult()
    {
        var records = Path.Combine(_dir, "grades.csv");
        var (code, output, error) = CliRunner.Run("grade", PilotProtocol, "--data", Shared("cdiscpilot01-pharmaverse"), "--encoding", "windows-1252", "--format", "json", "--records", records);
        Assert.True(code == 0, error + output);
        using var doc = JsonDocument.Parse(output);
        var alt = doc.RootElement.GetProperty("tests").EnumerateArray().Single(t => t.GetProperty("testCode").GetString() == "ALT");
        Assert.Equal([1760, 52, 2, 0, 0], alt.GetProperty("byGrade").EnumerateArray().Select(e => e.GetInt32()));
        var lines = File.ReadAllLines(records);
        Assert.Equal(1 + doc.RootElement.GetProperty("graded").GetInt32(), lines.Length);
        Assert.StartsWith("USUBJID,LBSEQ,LBTESTCD,", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("01-705-1310,135,ALT,", StringComparison.Ordinal) && l.EndsWith(",Alanine aminotransferase increased,2", StringComparison.Ordinal));
    }

    [Fact]
    public void AnOutputFileInAFolderThatDoesNotExist_IsRefusedBeforeAnyWork()
    {
        var missing = Path.Combine(_dir, "no-such-folder", "out.csv");
        var (code, _, error) = CliRunner.Run("grade", PilotProtocol, "--data", Shared("cdiscpilot01-pharmaverse"), "--encoding", "windows-1252", "--records", missing);
        Assert.Equal(2, code);
        Assert.Contains("--records " + missing + ": the folder", error, StringComparison.Ordinal);
        var (code2, _, error2) = CliRunner.Run("simulate", PilotProtocol, "--data", Shared("cdiscpilot01"), "--encoding", "windows-1252", "--replay", "AE", "--out", missing);
        Assert.Equal(2, code2);
        Assert.Contains("--out " + missing + ": the folder", error2, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(missing)));
    }

    [Fact]
    public void Grade_WithoutLabData_IsAUsageError()
    {
        var (code, _, error) = CliRunner.Run("grade", "--data", Shared("cdiscpilot01"), "--encoding", "windows-1252");
        Assert.Equal(2, code);
        Assert.Contains("has no LB dataset", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplayOfThePilotsAdverseEvents_PrintsTheClocks_AndWritesTheReport()
    {
        var report = Path.Combine(_dir, "replay.md");
        var (code, output, error) = CliRunner.Run("simulate", PilotProtocol, "--data", Shared("cdiscpilot01"), "--encoding", "windows-1252", "--replay", "AE", "--assumptions", "working-days", "--out", report);
        Assert.True(code == 0, error + output);
        Assert.Contains("1,191 AE records, 1,191 replayed", output, StringComparison.Ordinal);
        var md = File.ReadAllText(report);
        Assert.Contains("| SeriousAE | 36 | 34 | 2 | 0 | 0 |", md, StringComparison.Ordinal);
        Assert.Contains("People act on working days only", md, StringComparison.Ordinal);
        Assert.Contains("| 01-709-1424/1 | SYNCOPE | FatalSUSAR | Regulator | 2013-03-07 09:00 | 2013-03-15 00:00 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Recruitment_OnThePilotsSubjects_IsRandomisedByTheProtocolsScheme_TheSameSeedGivingTheSameArms()
    {
        var scenario = Path.Combine(CliRunner.Root, "tests", "ProtocolEngine.Workflows.Tests", "Scenarios", "pilot-randomisation.json");
        string[] Allocations()
        {
            var (code, output, error) = CliRunner.Run("simulate", PilotProtocol, "--scenario", scenario, "--data", Shared("cdiscpilot01"), "--encoding", "windows-1252", "--seed", "42");
            Assert.True(code == 0, error + output);
            Assert.Contains("Every expectation met.", output, StringComparison.Ordinal);
            var lines = output.Split('\n').Where(l => l.Contains("randomized to", StringComparison.Ordinal)).ToArray();
            Assert.Equal(2, lines.Length);
            Assert.All(lines, l => Assert.Contains("permuted blocks, stratum DM.SITEID=701", l, StringComparison.Ordinal));
            return lines;
        }
        Assert.Equal(Allocations(), Allocations());
        // A seed with nothing to seed is a usage error, not silently ignored.
        var (code, _, error) = CliRunner.Run("simulate", PilotProtocol, "--scenario", scenario, "--seed", "42");
        Assert.Equal(2, code);
        Assert.Contains("--seed goes with --scenario and --data", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_WithABadAssumptionsFile_NamesTheProblem()
    {
        var file = Path.Combine(_dir, "a.json");
        File.WriteAllText(file, "{ \"timeZone\": \"Mars/Olympus\" }");
        var (code, _, error) = CliRunner.Run("simulate", PilotProtocol, "--data", Shared("cdiscpilot01"), "--encoding", "windows-1252", "--replay", "AE", "--assumptions", file);
        Assert.Equal(2, code);
        Assert.Contains("Mars/Olympus", error, StringComparison.Ordinal);
        var (code2, _, error2) = CliRunner.Run("simulate", PilotProtocol, "--replay", "AE");
        Assert.Equal(2, code2);
        Assert.Contains("--replay needs a .protocol file and --data", error2 + code2, StringComparison.Ordinal);
    }
}
