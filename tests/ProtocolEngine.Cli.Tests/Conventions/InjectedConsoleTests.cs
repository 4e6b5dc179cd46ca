using System.Text.Json;

namespace ProtocolEngine.Cli.Tests.Conventions;

/// <summary>
/// Commands write only to the console they are given: results on standard output, progress and notes on standard
/// error. That is what lets the CLI tests run in parallel and keeps `--format json` output clean.
/// </summary>
public sealed class InjectedConsoleTests
{
    private static readonly string Protocol = Path.Combine(CliRunner.Root, "protocols", "cdiscpilot01.protocol");
    private static readonly string Msg = Path.GetFullPath(Path.Combine(CliRunner.Root, "..", "shared", "data", "datasetjson", "msg", "sdtm"));

    [Fact]
    public void NoCommand_WritesToTheProcessConsole()
    {
        var folder = Path.Combine(CliRunner.Root, "src", "ProtocolEngine.Cli");
        var allowed = new[] { "CliConsole.cs", "LspCommand.cs" };
        foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !allowed.Contains(Path.GetFileName(f))))
        {
            var text = File.ReadAllText(file);
            foreach (var word in new[] { "Console.Out", "Console.Error", "Console.Write", "AnsiConsole." })
                Assert.False(text.Contains(word, StringComparison.Ordinal), $"{Path.GetRelativePath(folder, file)} uses {word}: write to the CliConsole the command is given.");
        }
    }

    [Fact]
    public void Progress_GoesToStandardError_AndIsClearedAtTheEnd()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, width: 100, progress: true, ansi: true);
        int code = CliApp.Run(["screen", Protocol, "--data", Msg, "--as-of", "2014-09-01", "--format", "json"], console);
        Assert.True(code == 0, error.ToString());
        using var json = JsonDocument.Parse(output.ToString());
        Assert.True(json.RootElement.GetProperty("counts").GetProperty("subjects").GetInt32() > 0);
        Assert.DoesNotContain('\u001b', output.ToString());
        // The live display ran on standard error (the cursor hidden while it draws) and ended (the cursor shown again).
        var status = error.ToString();
        Assert.StartsWith("\u001b[?25l", status);
        Assert.EndsWith("\u001b[?25h", status.TrimEnd());
    }

    [Fact]
    public void Progress_IsNotDrawn_WhenStandardErrorIsNotATerminal()
    {
        var (code, output, error) = CliRunner.Run("screen", Protocol, "--data", Msg, "--as-of", "2014-09-01", "--format", "json");
        Assert.True(code == 0, error);
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
    }

    [Fact]
    public void Progress_IsRemoved_WhenTheWorkFails()
    {
        var error = new StringWriter();
        var console = new CliConsole(new StringWriter(), error, width: 100, progress: true, ansi: true);
        Assert.Throws<InvalidOperationException>(() => console.Progress<int>("Working", report =>
        {
            report(94, 100);
            Thread.Sleep(300);
            throw new InvalidOperationException("stopped at 94%");
        }));
        var status = error.ToString();
        Assert.Contains("Working", status);
        Assert.Contains("\u001b[2K", status[status.LastIndexOf("94%", StringComparison.Ordinal)..]);
    }
}
