using System.Text.Json;

namespace ProtocolEngine.Cli.Tests.Commands.Checks;

/// <summary>protocol validate end to end through CliApp.Run, on the real pilot data.</summary>
public sealed class ValidateCommandTests
{
    private static string Pilot => Path.GetFullPath(Path.Combine(CliRunner.Root, "..", "shared", "data", "sdtm", "cdiscpilot01"));
    private static string PilotProtocol => Path.Combine(CliRunner.Root, "protocols", "cdiscpilot01.protocol");

    private static string TempProtocol(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"validate-{Guid.NewGuid():N}.protocol");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void The_pilot_protocol_on_the_pilot_data_gives_a_CORE_shaped_json_report_and_exit_code_1()
    {
        var (code, output, error) = CliRunner.Run("validate", PilotProtocol, "--data", Pilot, "--encoding", "windows-1252", "--format", "json", "--as-of", "2015-01-01");
        Assert.True(code == 1, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("CDISCPILOT01", root.GetProperty("Conformance_Details").GetProperty("Protocol").GetString());
        Assert.Equal(18, root.GetProperty("Dataset_Details").GetArrayLength());
        var rules = root.GetProperty("Rules_Report").EnumerateArray().ToList();
        Assert.True(rules.Count >= 60);
        Assert.Contains(rules, r => r.GetProperty("core_id").GetString() == "CG0041" && r.GetProperty("status").GetString() == "ISSUE REPORTED");
        Assert.Contains(root.GetProperty("Issue_Details").EnumerateArray(), d => d.GetProperty("core_id").GetString() == "CG0041");
    }

    [Fact]
    public void Csv_and_html_outputs_are_written()
    {
        var html = Path.Combine(Path.GetTempPath(), $"validate-{Guid.NewGuid():N}.html");
        try
        {
            var (code, output, _) = CliRunner.Run("validate", PilotProtocol, "--data", Pilot, "--encoding", "windows-1252", "--format", "csv", "--check", "CG0041", "--out", html);
            Assert.Equal(1, code);
            var lines = output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(1 + 36, lines.Length);
            Assert.All(lines.Skip(1), l => Assert.StartsWith("CG0041,error,failed,AE,", l, StringComparison.Ordinal));
            Assert.Contains("CG0041", File.ReadAllText(html), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(html);
        }
    }

    [Fact]
    public void Exit_code_is_0_when_no_check_at_error_severity_fails()
    {
        var protocol = TempProtocol("protocol T version \"1\"\n  data SDTM \"3.4\"\n\ncheck W \"Warning only\" severity warning for each AE A expect A.AESER = 'Y'\ncheck E \"Error\" for each DM D expect D.USUBJID is not null\n");
        try
        {
            var (code, output, _) = CliRunner.Run("validate", protocol, "--data", Pilot, "--encoding", "windows-1252");
            Assert.Equal(0, code);
            Assert.Contains("No finding at error severity or above.", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(protocol);
        }
    }

    [Fact]
    public void Usage_and_input_problems_exit_with_2()
    {
        Assert.Equal(2, CliRunner.Run("validate", PilotProtocol).ExitCode);
        Assert.Equal(2, CliRunner.Run("validate", PilotProtocol, "--data", Pilot, "--encoding", "windows-1252", "--format", "xml").ExitCode);
        Assert.Equal(2, CliRunner.Run("validate", PilotProtocol, "--data", "/no/such/folder").ExitCode);
        Assert.Equal(2, CliRunner.Run("validate", "/no/such.protocol", "--data", Pilot, "--encoding", "windows-1252").ExitCode);
        var broken = TempProtocol("protocol T version \"1\"\n  data SDTM \"3.4\"\n\ncheck B \"x\" for each AE A expect A.AESERR = 'Y'\n");
        try
        {
            var (code, _, error) = CliRunner.Run("validate", broken, "--data", Pilot, "--encoding", "windows-1252");
            Assert.Equal(2, code);
            Assert.Contains("PE1004", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public void Findings_routed_to_roles_become_data_queries_in_the_named_database()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"validate-db-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var db = Path.Combine(folder, "queries.db");
        try
        {
            var (code, _, error) = CliRunner.Run("validate", PilotProtocol, "--data", Pilot, "--encoding", "windows-1252", "--check", "CG0041", "--db", db, "--format", "json", "--as-of", "2015-01-01");
            Assert.Equal(1, code);
            Assert.Contains("Data queries: 36 opened", error, StringComparison.Ordinal);
            var (again, _, error2) = CliRunner.Run("validate", PilotProtocol, "--data", Pilot, "--encoding", "windows-1252", "--check", "CG0041", "--db", db, "--format", "json", "--as-of", "2015-01-01");
            Assert.Equal(1, again);
            Assert.Contains("0 opened, 0 closed, 0 sent back, 36 still open", error2, StringComparison.Ordinal);
            var (listCode, list, _) = CliRunner.Run("queries", "list", "--db", db);
            Assert.Equal(0, listCode);
            Assert.Contains("36 open, 0 closed.", list, StringComparison.Ordinal);
            Assert.Contains("DataManager", list, StringComparison.Ordinal);
            Assert.Equal(2, CliRunner.Run("validate", PilotProtocol, "--data", Pilot, "--encoding", "windows-1252", "--db", db, "--max-details", "5").ExitCode);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
