namespace ProtocolEngine.Cli.Tests.Conventions;

/// <summary>
/// Tables fit the terminal: at 80 and 120 columns no line is wider than the console and no header is cut into
/// pieces (at 80 columns the demo table used to show one character per column); a table too wide for its columns
/// becomes one block per row.
/// </summary>
public sealed class TableWidthTests
{
    private static readonly string Protocols = Path.Combine(CliRunner.Root, "protocols");
    private static readonly string Pilot = Path.GetFullPath(Path.Combine(CliRunner.Root, "..", "shared", "data", "sdtm", "cdiscpilot01-pharmaverse"));
    private static readonly string Msg = Path.GetFullPath(Path.Combine(CliRunner.Root, "..", "shared", "data", "datasetjson", "msg", "sdtm"));

    public static TheoryData<int> Widths => [80, 120];

    [Theory]
    [MemberData(nameof(Widths))]
    public void Demo_Fits(int width)
    {
        var folder = Directory.CreateTempSubdirectory("pe-demo-width-").FullName;
        try
        {
            var (code, output, error) = CliRunner.RunAt(width, "demo", "--subjects", "40", "--out", folder, "--protocols", Protocols, "--no-serve");
            Assert.True(code == 0, error);
            AssertFits(output, width, "Protocol", "Criteria", "Eligible", "Ineligible", "Needs", "review", "attestations", "exclusive", "Fairness", "CDISCPILOT01");
            // At 120 columns the protocols are rows of one table; at 80 each is a block.
            bool table = output.Split('\n').Any(l => l.Contains("Eligible", StringComparison.Ordinal) && l.Contains("Ineligible", StringComparison.Ordinal));
            Assert.True(table == (width >= 120), $"columns layout: {table} at {width} columns\n{output}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Screen_Fits(int width)
    {
        var (code, output, error) = CliRunner.RunAt(width, "screen", Path.Combine(Protocols, "cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2014-09-01");
        Assert.True(code == 0, error);
        AssertFits(output, width, "Criterion", "Kind", "NotMet", "Unknown", "Attested", "Recorded", "Excluded", "Remaining", "USUBJID", "Status");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Grade_Fits(int width)
    {
        var (code, output, error) = CliRunner.RunAt(width, "grade", "--data", Pilot, "--encoding", "windows-1252");
        Assert.True(code is 0 or 1, error);
        AssertFits(output, width, "Test", "CTCAE", "Results", "Grade", "Unknown", "Baseline", "abnormal");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AuditFairness_Fits(int width)
    {
        var (code, output, error) = CliRunner.RunAt(width, "audit", "fairness", Path.Combine(Protocols, "cdiscpilot01.protocol"), "--data", Pilot, "--encoding", "windows-1252", "--as-of", "2014-09-01");
        Assert.True(code is 0 or 1, error);
        AssertFits(output, width, "Criterion", "Variable", "Subgroup", "Subjects", "Excluded", "Overall", "Ratio", "Screened", "Eligible");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void DataInspect_Fits(int width)
    {
        var (code, output, error) = CliRunner.RunAt(width, "data", "inspect", Pilot, "--encoding", "windows-1252");
        Assert.True(code == 0, error);
        AssertFits(output, width, "Dataset", "Label", "Records", "Subjects", "Variables", "Missing", "values");
    }

    private static void AssertFits(string output, int width, params string[] words)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var wide = lines.FirstOrDefault(l => l.Length > width);
        Assert.True(wide is null, $"a line of {wide?.Length} characters at {width} columns:\n{wide}\n\n{output}");
        var tokens = lines.SelectMany(l => l.Split([' ', '│', '|', '┃', '─', '╭', '╮', '╰', '╯', '┼', '┬', '┴', '├', '┤'], StringSplitOptions.RemoveEmptyEntries))
            .Select(t => t.TrimEnd(':')).ToHashSet(StringComparer.Ordinal);
        foreach (var word in words)
            Assert.True(tokens.Contains(word), $"'{word}' is not shown whole at {width} columns:\n{output}");
    }
}
