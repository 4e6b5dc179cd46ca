using System.Diagnostics;

namespace ProtocolEngine.Cli.Tests.Commands.Data;

/// <summary>
/// synth and demo left *.partial files after a full disk or Ctrl-C. Both now remove what they had half-written:
/// tested with a real Ctrl-C (SIGINT) to the command line as a child process, and with a real full disk (a small
/// tmpfs, mounted as root as the tests run).
/// </summary>
public sealed class InterruptedOutputTests
{
    private static string Temp() => Directory.CreateTempSubdirectory("pe-interrupt-").FullName;

    private static string[] Partial(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*.partial", SearchOption.AllDirectories) : [];

    // Starts the command line, waits until it is writing (a *.partial file exists), sends SIGINT, and waits for it to end.
    private static (int ExitCode, string Error) Interrupt(string[] args, string watched, string workingDirectory)
    {
        using var process = CliProcess.Start(args, workingDirectory);
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        var watch = Stopwatch.StartNew();
        while (Partial(watched).Length == 0 && !process.HasExited && watch.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(50);
        Assert.True(Partial(watched).Length > 0, $"the command never started writing ({(process.HasExited ? "it ended with " + process.ExitCode : "still running")})");
        CliProcess.Interrupt(process);
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the command did not stop within 60 s of Ctrl-C");
        }
        output.Wait(TimeSpan.FromSeconds(10));
        return (process.ExitCode, error.Wait(TimeSpan.FromSeconds(10)) ? error.Result : "");
    }

    // A 2 MB tmpfs: generating a population fills it.
    private static string SmallDisk()
    {
        var mount = Temp();
        using var p = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mount]) { RedirectStandardError = true })!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"mounting a small tmpfs needs root (the tests run as root): {error}");
        return mount;
    }

    private static void Unmount(string mount)
    {
        using var p = Process.Start("umount", [mount]);
        p.WaitForExit();
    }

    [Fact]
    public void Synth_CtrlC_RemovesWhatItWasWriting()
    {
        var folder = Path.Combine(Temp(), "population");
        var (code, error) = Interrupt(["synth", "--subjects", "5000000", "--out", folder, "--format", "json"], folder, Temp());
        Assert.True(code == 130, $"exit {code}: {error}");
        Assert.Contains("cancelled", error);
        Assert.Empty(Partial(folder));
        Assert.Empty(Directory.Exists(folder) ? Directory.GetFiles(folder) : []);
    }

    [Fact]
    public void Demo_CtrlC_RemovesWhatItWasWriting()
    {
        var output = Path.Combine(Temp(), "demo");
        var (code, error) = Interrupt(["demo", "--no-serve", "--subjects", "5000000", "--out", output, "--protocols", Path.Combine(CliRunner.Root, "protocols")], output, Temp());
        Assert.True(code == 130, $"exit {code}: {error}");
        Assert.Empty(Partial(output));
        Assert.Empty(Directory.GetFiles(output, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Synth_OnAFullDisk_FailsWithTheReason_AndLeavesNothing()
    {
        var mount = SmallDisk();
        try
        {
            var folder = Path.Combine(mount, "population");
            var result = CliProcess.Run(["synth", "--subjects", "20000", "--out", folder, "--format", "json"], Temp(), TimeSpan.FromMinutes(2));
            Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Error}");
            Assert.Contains("No space left on device", result.Error);
            Assert.DoesNotContain("Exception", result.Error);
            Assert.Empty(Directory.GetFiles(mount, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Unmount(mount);
        }
    }

    [Fact]
    public void Demo_OnAFullDisk_FailsWithTheReason_AndLeavesNothing()
    {
        var mount = SmallDisk();
        try
        {
            var result = CliProcess.Run(["demo", "--no-serve", "--subjects", "20000", "--out", mount, "--protocols", Path.Combine(CliRunner.Root, "protocols")], Temp(), TimeSpan.FromMinutes(2));
            Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Error}");
            Assert.Contains("No space left on device", result.Error);
            Assert.Empty(Directory.GetFiles(mount, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Unmount(mount);
        }
    }
}
