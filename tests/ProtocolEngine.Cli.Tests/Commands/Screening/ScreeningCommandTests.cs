using System.Text.Json;

namespace ProtocolEngine.Cli.Tests.Commands.Screening;

/// <summary>The screening commands as a user runs them, on the real shared data.</summary>
public class ScreeningCommandTests
{
    private static string Protocol => Path.Combine(CliRunner.Root, "protocols", "cdiscpilot01.protocol");
    private static string Data(params string[] parts) => Path.GetFullPath(Path.Combine([CliRunner.Root, "..", "shared", "data", .. parts]));
    private static string Msg => Data("datasetjson", "msg", "sdtm");

    private static string Temp()
    {
        var path = Path.Combine(Path.GetTempPath(), "pe-cli-screening", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(path);
        return path;
    }

    [Fact]
    public void Screen_Json_OnTheMsgStudy_ReportsCDISC015Incl03NotMetByItsIeRecord()
    {
        var (code, output, _) = CliRunner.Run("screen", Protocol, "--data", Msg, "--format", "json", "--as-of", "2014-09-01");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var subject = json.RootElement.GetProperty("subjects").EnumerateArray().Single(s => s.GetProperty("usubjid").GetString() == "CDISC015");
        var incl03 = subject.GetProperty("criteria").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "INCL03");
        Assert.Equal("NotMet", incl03.GetProperty("outcome").GetString());
        Assert.Equal("Unknown", incl03.GetProperty("ruleOutcome").GetString());
        Assert.Equal(1, incl03.GetProperty("recorded").GetProperty("IESEQ").GetInt32());
        Assert.Equal("2014-03-17", incl03.GetProperty("recorded").GetProperty("IEDTC").GetString());
        Assert.Equal(18, json.RootElement.GetProperty("subjects").GetArrayLength());
    }

    [Fact]
    public void Screen_Table_WritesTheHtmlReportAndTheIeDataset()
    {
        var folder = Temp();
        var html = Path.Combine(folder, "report.html");
        var (code, output, error) = CliRunner.Run("screen", Protocol, "--data", Msg, "--as-of", "2014-09-01", "--out", html, "--ie", Path.Combine(folder, "ie"));
        Assert.True(code == 0, error);
        Assert.Contains("INCL03", output);
        Assert.Contains("Needs review", output);
        Assert.Contains("CDISC015", output);
        Assert.True(File.Exists(html));
        Assert.Contains("<svg class=\"funnel\"", File.ReadAllText(html));
        // The MSG study's DM is read from its XPT, so the IE records are written as XPT too.
        Assert.True(File.Exists(Path.Combine(folder, "ie", "ie.xpt")), string.Join(", ", Directory.GetFiles(Path.Combine(folder, "ie"))));
        Assert.Contains("IE dataset written", error);
    }

    [Fact]
    public void Screen_Csv_ListsEverySubject()
    {
        var (code, output, _) = CliRunner.Run("screen", Protocol, "--data", Data("sdtm", "cdiscpilot01"), "--encoding", "windows-1252", "--format", "csv", "--as-of", "2014-09-01");
        Assert.Equal(0, code);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(307, lines.Length);
        Assert.StartsWith("USUBJID,STATUS,INCL01", lines[0]);
    }

    [Fact]
    public void Explain_TellsOneSubjectsStory_WithRuleTextValuesAndWhatIsMissing()
    {
        var (code, output, _) = CliRunner.Run("explain", Protocol, "--data", Msg, "--subject", "CDISC015", "--as-of", "2014-09-01");
        Assert.Equal(0, code);
        Assert.Contains("Subject CDISC015: Ineligible", output);
        Assert.Contains("INCL03 (inclusion): NotMet   [the rule alone: Unknown]", output);
        Assert.Contains("| inclusion INCL03 \"MMSE score of 10 to 23.\"", output);
        Assert.Contains("recorded determination: IE IESEQ 1, IETESTCD INCL03, IEORRES N, IEDTC 2014-03-17", output);
        Assert.Contains("DM.AGE = 86", output);
        Assert.Contains("no QS records for this subject", output);
    }

    [Fact]
    public void AuditFairness_PrintsRatiosAndComposition()
    {
        var (code, output, error) = CliRunner.Run("audit", "fairness", Protocol, "--data", Data("sdtm", "cdiscpilot01-pharmaverse"), "--encoding", "windows-1252", "--by", "SEX,AGEGROUP", "--as-of", "2014-09-01");
        Assert.True(code is 0 or 1, error);
        Assert.Contains("Composition", output);
        Assert.Contains("AGEGROUP", output);
        var (jsonCode, json, _) = CliRunner.Run("audit", "fairness", Protocol, "--data", Data("sdtm", "cdiscpilot01-pharmaverse"), "--encoding", "windows-1252", "--format", "json", "--as-of", "2014-09-01");
        Assert.Equal(code, jsonCode);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(code == 1, doc.RootElement.GetProperty("flagged").GetInt32() > 0);
    }

    [Theory]
    [InlineData("--subject", "NOBODY", "No subject 'NOBODY' in the study's DM. Valid subjects: CDISC001")]
    [InlineData("--as-of", "17/03/2014", "--as-of '17/03/2014' is not a date")]
    [InlineData("--phase", "baseline", "No phase 'baseline' among the protocol's criteria. Valid phases: prescreen.")]
    public void Mistakes_AreClearErrors_WithExitCode2(string option, string value, string message)
    {
        var args = new List<string> { "explain", Protocol, "--data", Msg };
        if (option != "--subject") args.AddRange(["--subject", "CDISC001"]);
        args.AddRange([option, value]);
        var (code, _, error) = CliRunner.Run([.. args]);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void AMissingDataFolder_OrABrokenProtocol_IsAClearError()
    {
        var (code, _, error) = CliRunner.Run("screen", Protocol, "--data", "/no/such/folder");
        Assert.Equal(2, code);
        Assert.Contains("No such data file or folder: /no/such/folder", error);

        var broken = Path.Combine(Temp(), "broken.protocol");
        File.WriteAllText(broken, "protocol Broken version \"1\"\n  data SDTM \"3.4\"\ncriteria\n  inclusion A \"x\"\n    DM.NOSUCH = 1\n");
        (code, _, error) = CliRunner.Run("screen", broken, "--data", Msg);
        Assert.Equal(2, code);
        Assert.Contains("broken.protocol(5,", error);
        Assert.Contains("cannot run", error);
    }

    [Fact]
    public void Demo_GeneratesAPopulation_ScreensEveryProtocol_AndWritesReports()
    {
        var folder = Temp();
        var (code, output, error) = CliRunner.Run("demo", "--subjects", "300", "--out", folder, "--protocols", Path.Combine(CliRunner.Root, "protocols"), "--no-serve");
        Assert.True(code == 0, error);
        Assert.Contains("300", output);
        foreach (var name in new[] { "cdiscpilot01", "cdiscpilot01-amendment1", "t2d-sglt2", "nsclc-recist", "example" })
            Assert.True(File.Exists(Path.Combine(folder, name + ".html")), name);
        Assert.True(File.Exists(Path.Combine(folder, "population-300-seed1", "dm.xpt")));
    }
}
