using System.Text.Json;

namespace ProtocolEngine.Cli.Tests.Commands.Interop;

public sealed class RulesEngineCommandTests
{
    private static string Protocol(string name) => Path.Combine(CliRunner.Root, "protocols", name);

    private static string Msg => Path.GetFullPath(Path.Combine(CliRunner.Root, "..", "shared", "data", "datasetjson", "msg", "sdtm"));

    [Fact]
    public void Export_writes_the_workflow_and_names_each_criterion_left_out()
    {
        var folder = Directory.CreateTempSubdirectory("pe-cli-re-").FullName;
        try
        {
            var file = Path.Combine(folder, "rules.json");
            var (code, _, error) = CliRunner.Run("export", "rulesengine", Protocol("cdiscpilot01.protocol"), "--out", file);
            Assert.True(code == 0, error);
            Assert.Contains("warning PE4101: Criterion INCL01 cannot be expressed as a RulesEngine rule", error, StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var rules = doc.RootElement[0].GetProperty("Rules").EnumerateArray().Select(r => r.GetProperty("RuleName").GetString()).ToList();
            Assert.Contains("INCL02", rules);
            Assert.DoesNotContain("INCL01", rules);
            Assert.DoesNotContain("INCL05", rules); // attested: no rule

            // A folder is not a file: a usage error, nothing written.
            var (badCode, badOut, badError) = CliRunner.Run("export", "rulesengine", Protocol("cdiscpilot01.protocol"), "--out", folder);
            Assert.Equal(2, badCode);
            Assert.Contains("--out", badOut + badError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Export_refuses_a_protocol_nothing_of_which_can_be_expressed_and_writes_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("pe-cli-re-").FullName;
        try
        {
            var protocol = Path.Combine(folder, "dates.protocol");
            File.WriteAllText(protocol, "protocol DATES version \"1\"\n  title \"Dates only\"\n  data SDTM \"3.4\"\ncriteria\n  inclusion INCL01 \"Consent in 2020 or later.\"\n    DM.RFICDTC >= @2020-01-01\n");
            var file = Path.Combine(folder, "rules.json");
            var (code, output, error) = CliRunner.Run("export", "rulesengine", protocol, "--out", file);
            Assert.Equal(2, code);
            Assert.Contains("none of the 1 rules", output + error, StringComparison.Ordinal);
            Assert.False(File.Exists(file));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Screen_backend_rulesengine_gives_every_subject_the_native_status_and_says_who_decided_what()
    {
        var (nativeCode, native, nativeError) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json");
        Assert.True(nativeCode == 0, nativeError);
        var (code, rules, error) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json", "--backend", "rulesengine");
        Assert.True(code == 0, error);
        var expected = Statuses(native);
        Assert.True(expected.Count > 0);
        Assert.Equal(expected, Statuses(rules));
        using var doc = JsonDocument.Parse(rules);
        var decided = doc.RootElement.GetProperty("criteria").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("decidedBy").GetString());
        Assert.Equal("native", decided["INCL01"]);
        Assert.Equal("rulesengine", decided["INCL02"]);
        Assert.Equal("attestation", decided["INCL05"]);
    }

    [Fact]
    public void Screen_backend_rulesengine_reads_a_study_not_a_database()
    {
        var (code, output, error) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--backend", "rulesengine", "--pg-env", "PROTOCOLENGINE_PG");
        Assert.Equal(2, code);
        Assert.Contains("--backend rulesengine reads the study", output + error, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Statuses(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("subjects").EnumerateArray()
            .ToDictionary(s => s.GetProperty("usubjid").GetString()!, s => s.GetProperty("status").GetString()!);
    }
}
