namespace ProtocolEngine.Cli.Tests.Commands;

public sealed class FormatCommandTests
{
    [Fact]
    public void Check_lists_the_files_that_would_change_and_format_rewrites_them()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pe-format-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var tidy = Path.Combine(folder, "tidy.protocol");
            var messy = Path.Combine(folder, "messy.protocol");
            File.WriteAllText(tidy, "protocol T version \"1\"\n  data SDTM \"3.4\"\ndefine A: DM.AGE > 18\n");
            File.WriteAllText(messy, "protocol M version \"1\"\n    data SDTM \"3.4\"\ndefine  A :DM.AGE>18\n");

            var (exit, output, _) = CliRunner.Run("format", "--check", folder);
            Assert.Equal(1, exit);
            Assert.Contains(messy, output);
            Assert.DoesNotContain(tidy, output);
            Assert.Contains("1 would change", output);
            Assert.Equal("protocol M version \"1\"\n    data SDTM \"3.4\"\ndefine  A :DM.AGE>18\n", File.ReadAllText(messy));

            (exit, output, _) = CliRunner.Run("format", folder);
            Assert.Equal(0, exit);
            Assert.Equal("protocol M version \"1\"\n  data SDTM \"3.4\"\ndefine A: DM.AGE > 18\n", File.ReadAllText(messy));
            Assert.Equal(0, CliRunner.Run("format", "--check", folder).ExitCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_file_with_syntax_errors_is_reported_and_left_alone()
    {
        var path = Path.Combine(Path.GetTempPath(), "pe-format-" + Guid.NewGuid().ToString("N")[..8] + ".protocol");
        File.WriteAllText(path, "protocol B version \"1\"\ndefine X: (1 +\n");
        try
        {
            var (exit, _, error) = CliRunner.Run("format", path);
            Assert.Equal(1, exit);
            Assert.Contains("PE0", error);
            Assert.Equal("protocol B version \"1\"\ndefine X: (1 +\n", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_shipped_protocols_are_formatted() =>
        Assert.Equal(0, CliRunner.Run("format", "--check", Path.Combine(CliRunner.Root, "protocols")).ExitCode);
}
