namespace ProtocolEngine.Cli.Tests.Commands.Verification;

public sealed class VerifyCommandTests
{
    private static string Protocol(string name) => Path.Combine(CliRunner.Root, "protocols", name);

    [Fact]
    public void Verify_writes_a_witness_that_screen_finds_Eligible()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"witness-{Guid.NewGuid():N}");
        var (code, output, error) = CliRunner.Run("verify", Protocol("example.protocol"), "--witness", folder, "--as-of", "2024-06-01");
        Assert.True(code == 0, output + error);
        Assert.Contains("satisfiable: a subject can be eligible", output);
        Assert.Contains("(the engine screens it Eligible)", output);
        Assert.True(File.Exists(Path.Combine(folder, "dm.xpt")));

        var (screenCode, screened, _) = CliRunner.Run("screen", Protocol("example.protocol"), "--data", folder, "--as-of", "2024-06-01", "--format", "json");
        Assert.Equal(0, screenCode);
        Assert.Contains("\"status\": \"Eligible\"", screened);
    }

    [Fact]
    public void A_contradiction_exits_1_naming_the_criteria_and_check_verify_reports_it_as_an_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"contradiction-{Guid.NewGuid():N}.protocol");
        File.WriteAllText(path, """
            protocol CONTRA version "1.0"
              data SDTM "3.4"

            criteria
              inclusion INCL01 "At least 65 years old."
                DM.AGE >= 65

              exclusion EXCL01 "Older than 40."
                DM.AGE > 40
            """);
        var (code, output, _) = CliRunner.Run("verify", path);
        Assert.Equal(1, code);
        Assert.Contains("INCL01 (inclusion)", output);
        Assert.Contains("EXCL01 (exclusion)", output);

        var (checkCode, checkOutput, _) = CliRunner.Run("check", "--verify", path);
        Assert.Equal(1, checkCode);
        Assert.Contains("error PE3001", checkOutput);
        var (plainCode, _, _) = CliRunner.Run("check", path);
        Assert.Equal(0, plainCode);
    }

    [Fact]
    public void Fit_names_the_missing_codes_and_the_closest_held_and_exits_1()
    {
        var (code, output, _) = CliRunner.Run("fit", Protocol("cdiscpilot01.protocol"), "--data", Path.Combine(CliRunner.Root, "..", "shared", "data", "datasetjson", "msg", "sdtm"));
        Assert.Equal(1, code);
        Assert.Contains("warning PE3011: QS.QSTESTCD = 'MMSETOT' never occurs in this study; QS.QSTESTCD holds", output);
        Assert.Contains("(read by INCL03)", output);
    }
}
