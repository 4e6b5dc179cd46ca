namespace ProtocolEngine.Cli.Tests.Commands;

public sealed class UsdmCommandTests
{
    private static string PilotStudy => Path.Combine(CliRunner.Root, "..", "shared", "data", "usdm", "CDISC_Pilot_Study.json");

    [Fact]
    public void Import_writes_a_protocol_that_checks_and_export_gives_usdm_back()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pe-usdm-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (exit, output, error) = CliRunner.Run("usdm", "import", PilotStudy, "--out", Path.Combine(folder, "skeleton"));
            Assert.True(exit == 0, error);
            var protocol = Path.Combine(folder, "skeleton", "H2Q_MC_LZZT.protocol");
            Assert.Contains($"Wrote {protocol}: 31 criteria", output);
            Assert.Contains("5 parameters, 12 visits, 3 arms, 5 epochs.", output);
            Assert.Equal(0, CliRunner.Run("check", protocol).ExitCode);
            Assert.Equal(0, CliRunner.Run("format", "--check", protocol).ExitCode);

            (exit, output, error) = CliRunner.Run("usdm", "export", protocol);
            Assert.True(exit == 0, error);
            Assert.StartsWith("{", output);
            Assert.Contains("\"usdmVersion\": \"4.0.0\"", output);
            Assert.Contains("<usdm:tag name=\\\"min_age\\\"/>", output);

            var exported = Path.Combine(folder, "study.json");
            (exit, output, error) = CliRunner.Run("usdm", "export", protocol, "--out", exported);
            Assert.True(exit == 0, error);
            Assert.Contains("2 identifiers, 31 criteria, 5 parameters (valid against the USDM 4.0 API schema)", output);
            Assert.True(File.Exists(exported));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("usdm", "translate", "x.json")]
    [InlineData("usdm", "import", "x.json")]
    public void Usage_mistakes_exit_2(params string[] args) => Assert.Equal(2, CliRunner.Run(args).ExitCode);
}
