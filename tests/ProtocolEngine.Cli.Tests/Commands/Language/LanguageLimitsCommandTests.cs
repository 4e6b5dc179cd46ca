namespace ProtocolEngine.Cli.Tests.Commands.Language;

/// <summary>
/// Protocol text that used to crash the command line or give every subject the same answer with exit code 0: each
/// class now gets one clear diagnostic, `check` and the commands that run a protocol agree, and nothing is written.
/// </summary>
public sealed class LanguageLimitsCommandTests : IDisposable
{
    private const string Header = "protocol T version \"1\"\n  data SDTM \"3.4\"\n\n";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pe-cli-limits", Guid.NewGuid().ToString("N")[..10]);

    public LanguageLimitsCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Msg => Path.GetFullPath(Path.Combine(CliRunner.Root, "..", "shared", "data", "datasetjson", "msg", "sdtm"));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string WithRule(string rule) => Header + "criteria\n  inclusion I1 \"Generated.\"\n    " + rule + "\n";

    [Fact]
    public void DeepNesting_1500Parentheses_IsADiagnosticNotACrash()
    {
        var path = Write("deep.protocol", WithRule(new string('(', 1_500) + "DM.AGE > 1" + new string(')', 1_500)));
        var (code, output, error) = CliRunner.Run("check", path);
        Assert.Equal(1, code);
        Assert.Contains("error PE0014:", output);
        Assert.Contains("more than 200 levels", output);
        Assert.DoesNotContain("Exception", output + error);
        // The source line is shown as a window around the caret, not 3,000 parentheses.
        Assert.All(output.Split('\n'), line => Assert.True(line.Length < 400, line.Length < 400 ? "" : line[..80]));
    }

    [Fact]
    public void DeepNesting_LongChains_CheckCleanAndScreen()
    {
        var or = string.Join(" or ", Enumerable.Range(0, 3_000).Select(i => $"DM.AGE = {i % 100}"));
        var plus = "(" + string.Join(" + ", Enumerable.Repeat("DM.AGE", 20_000)) + ") > 1";
        var path = Write("chains.protocol", Header + $"criteria\n  inclusion I1 \"Or.\"\n    {or}\n  inclusion I2 \"Plus.\"\n    {plus}\n");
        var (code, output, _) = CliRunner.Run("check", path);
        Assert.True(code == 0, output);
        var (screenCode, screenOutput, screenError) = CliRunner.Run("screen", path, "--data", Msg, "--format", "csv", "--as-of", "2014-09-01");
        Assert.True(screenCode == 0, screenError);
        Assert.StartsWith("USUBJID,STATUS,I1,I2", screenOutput);
    }

    [Fact]
    public void DeepNesting_Format_ReportsTheNestingAndLeavesTheFileAsItWas()
    {
        var text = WithRule(new string('(', 1_500) + "DM.AGE > 1" + new string(')', 1_500));
        var path = Write("deep.protocol", text);
        var (code, output, error) = CliRunner.Run("format", path);
        Assert.Equal(1, code);
        Assert.Contains("deep.protocol(6,205): error PE0014:", error);
        Assert.Contains("1 not formatted (syntax errors)", output);
        Assert.Equal(text, File.ReadAllText(path));
    }

    [Fact]
    public void DeepNesting_Format_BreaksLongChainsAndChangesNoRule()
    {
        var plus = "(" + string.Join(" + ", Enumerable.Repeat("DM.AGE", 20_000)) + ") > 1";
        var path = Write("chains.protocol", WithRule(plus));
        string RuleHash() => ProtocolEngine.Runtime.Hosting.ProtocolLoader.Shipped.Load(path).Criteria.Single().Identity.Hash;
        var before = RuleHash();
        var (code, output, error) = CliRunner.Run("format", path);
        Assert.True(code == 0, error);
        Assert.Contains("1 file: 1 formatted", output);
        var lines = File.ReadAllLines(path);
        Assert.True(lines.Length > 1_000, $"{lines.Length} lines");
        Assert.All(lines, line => Assert.True(line.Length <= 120, line));
        Assert.Equal(0, CliRunner.Run("format", "--check", path).ExitCode);
        Assert.Equal(0, CliRunner.Run("check", path).ExitCode);
        Assert.Equal(before, RuleHash());
    }

    [Fact]
    public void ConstantDivisionByZero_CheckFails_AndScreenRefusesWithoutWriting()
    {
        var path = Write("divide.protocol", WithRule("DM.AGE / 0 > 1"));
        var (code, output, _) = CliRunner.Run("check", path);
        Assert.Equal(1, code);
        Assert.Contains("error PE1039:", output);
        var report = Path.Combine(_dir, "report.html");
        var (screenCode, _, screenError) = CliRunner.Run("screen", path, "--data", Msg, "--out", report);
        Assert.Equal(2, screenCode);
        Assert.Contains("PE1039", screenError);
        Assert.False(File.Exists(report));
    }

    [Fact]
    public void ImportCycle_CheckAndScreenAgree()
    {
        var main = Write("cycle/main.protocol", Header + "import a\n\ncriteria\n  inclusion I1 \"Adults.\"\n    DM.AGE >= 18\n");
        Write("cycle/a.protocol", "library a version \"1\"\nimport b\ndefine X: 1\n");
        Write("cycle/b.protocol", "library b version \"1\"\nimport a\ndefine Y: 2\n");
        var (code, output, _) = CliRunner.Run("check", main);
        Assert.Equal(1, code);
        var cycle = Assert.Single(output.Split('\n'), l => l.Contains("error PE1015:", StringComparison.Ordinal));
        Assert.Contains("b.protocol(2,8)", cycle);
        var (screenCode, _, screenError) = CliRunner.Run("screen", main, "--data", Msg);
        Assert.Equal(2, screenCode);
        Assert.Contains(cycle, screenError);
    }

    [Theory]
    [InlineData("")]
    [InlineData(Header)]
    public void EmptyProtocol_CheckWarns_AndScreenRefusesWithoutWriting(string text)
    {
        var path = Write("empty.protocol", text);
        var (code, output, _) = CliRunner.Run("check", path);
        Assert.Equal(0, code);
        Assert.Contains("warning PE1040:", output);
        var report = Path.Combine(_dir, "report.html");
        foreach (var command in new[] { "screen", "explain", "audit" })
        {
            string[] args = command switch
            {
                "explain" => ["explain", path, "--data", Msg, "--subject", "CDISC015"],
                "audit" => ["audit", "fairness", path, "--data", Msg],
                _ => ["screen", path, "--data", Msg, "--out", report],
            };
            var (screenCode, _, error) = CliRunner.Run(args);
            Assert.True(screenCode == 2, $"{command}: {error}");
            Assert.Contains("declares no criteria", error);
        }
        Assert.False(File.Exists(report));
    }

    [Fact]
    public void DuplicateProtocolIds_CheckWarnsOnTheFilesOfAFolder()
    {
        Write("ids/one.protocol", WithRule("DM.AGE > 1"));
        Write("ids/two.protocol", WithRule("DM.AGE > 2"));
        Write("ids/other/three.protocol", WithRule("DM.AGE > 3"));
        var (code, output, _) = CliRunner.Run("check", Path.Combine(_dir, "ids"));
        Assert.Equal(0, code);
        var warnings = output.Split('\n').Where(l => l.Contains("warning PE1041:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("one.protocol(1,10)", StringComparison.Ordinal) && w.Contains("two.protocol", StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, w => w.Contains("three", StringComparison.Ordinal));

        var (shippedCode, shipped, _) = CliRunner.Run("check", Path.Combine(CliRunner.Root, "protocols"));
        Assert.Equal(0, shippedCode);
        Assert.Contains("0 errors, 0 warnings", shipped);
    }

    [Fact]
    public void HugeProtocol_OverTheSizeLimit_IsOneDiagnosticWithoutReadingItAll()
    {
        var block = "  inclusion I{0} \"Generated.\"\n    DM.AGE > 1\n";
        var path = Path.Combine(_dir, "huge.protocol");
        using (var writer = new StreamWriter(path))
        {
            writer.Write(Header + "criteria\n");
            for (int i = 0; i < 260_000; i++) writer.Write(block.Replace("{0}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }
        Assert.True(new FileInfo(path).Length > 9_000_000);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, output, _) = CliRunner.Run("check", path);
        Assert.Equal(1, code);
        Assert.Contains("huge.protocol(1,1): error PE0015: This file has more than 8,388,608 characters", output);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"check took {clock.Elapsed}.");
    }
}
