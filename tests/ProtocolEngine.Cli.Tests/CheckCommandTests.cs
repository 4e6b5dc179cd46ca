using System.Text.Json;
using System.Text.RegularExpressions;

namespace ProtocolEngine.Cli.Tests;

public sealed class CheckCommandTests
{
    private static string Protocols => Path.Combine(CliRunner.Root, "protocols");

    [Fact]
    public void Shipped_protocols_check_clean()
    {
        var (code, output, _) = CliRunner.Run("check", Protocols);
        Assert.Equal(0, code);
        Assert.Contains("0 errors", output);
    }

    [Fact]
    public void A_misspelt_variable_and_an_undeclared_state_are_both_reported_with_code_line_and_column()
    {
        var text = File.ReadAllText(Path.Combine(Protocols, "example.protocol"))
            .Replace("expect A.AESER = 'Y'", "expect A.AESERR = 'Y'", StringComparison.Ordinal);
        // The formatter aligns transitions in columns, so the target state is found whatever the spacing.
        text = Regex.Replace(text, @"(Screening\s+->\s+)Enrolled\b", "$1Enroled", RegexOptions.None, TimeSpan.FromSeconds(1));
        var path = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.protocol");
        File.WriteAllText(path, text);
        try
        {
            var (code, output, _) = CliRunner.Run("check", path);
            Assert.Equal(1, code);
            var lines = text.Split('\n');
            int variableLine = Array.FindIndex(lines, l => l.Contains("AESERR", StringComparison.Ordinal)) + 1;
            int stateLine = Array.FindIndex(lines, l => l.Contains("Enroled", StringComparison.Ordinal)) + 1;
            int variableColumn = lines[variableLine - 1].IndexOf("AESERR", StringComparison.Ordinal) + 1;
            int stateColumn = lines[stateLine - 1].IndexOf("Enroled", StringComparison.Ordinal) + 1;
            Assert.Contains($"({variableLine},{variableColumn}): error PE1004:", output);
            Assert.Contains($"({stateLine},{stateColumn}): error PE2001:", output);
            Assert.Contains("Did you mean \"AESER\"?", output);

            var (jsonCode, json, _) = CliRunner.Run("check", path, "--format", "json");
            Assert.Equal(1, jsonCode);
            var items = JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();
            Assert.Contains(items, i => i.GetProperty("code").GetString() == "PE1004" && i.GetProperty("line").GetInt32() == variableLine);
            Assert.Contains(items, i => i.GetProperty("code").GetString() == "PE2001" && i.GetProperty("column").GetInt32() == stateColumn);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Sarif_output_has_the_shape_of_SARIF_2_1_0()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sarif-{Guid.NewGuid():N}.protocol");
        File.WriteAllText(path, "protocol T version \"1\"\n  data SDTM \"3.4\"\n\ncriteria\n  inclusion I1 \"x\" DM.AGEE > 18\n");
        try
        {
            var (code, output, _) = CliRunner.Run("check", path, "--format", "sarif");
            Assert.Equal(1, code);
            var root = JsonDocument.Parse(output).RootElement;
            Assert.Equal("2.1.0", root.GetProperty("version").GetString());
            Assert.Contains("sarif-2.1.0", root.GetProperty("$schema").GetString());
            var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
            Assert.Equal("ProtocolEngine", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
            var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
            var result = Assert.Single(run.GetProperty("results").EnumerateArray());
            Assert.Equal("PE1004", result.GetProperty("ruleId").GetString());
            Assert.Contains("PE1004", rules);
            Assert.Equal("error", result.GetProperty("level").GetString());
            var region = result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
            Assert.Equal(5, region.GetProperty("startLine").GetInt32());
            Assert.Equal("  inclusion I1 \"x\" DM.AGEE > 18".IndexOf("AGEE", StringComparison.Ordinal) + 1, region.GetProperty("startColumn").GetInt32());
            Assert.True(region.GetProperty("endColumn").GetInt32() > region.GetProperty("startColumn").GetInt32());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_is_a_usage_failure_with_a_clear_message()
    {
        var (code, _, error) = CliRunner.Run("check", "/no/such/file.protocol");
        Assert.Equal(2, code);
        Assert.Contains("no such file or folder: /no/such/file.protocol", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void An_unknown_format_is_a_usage_failure()
    {
        var (code, _, _) = CliRunner.Run("check", Protocols, "--format", "xml");
        Assert.Equal(2, code);
    }

    [Fact]
    public void Help_explains_the_check_command()
    {
        var (code, output, _) = CliRunner.Run("check", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--format", output);
        Assert.Contains("sarif", output);
    }
}
