using System.Net;
using System.Net.Sockets;

namespace ProtocolEngine.Cli.Tests.Commands.Server;

/// <summary>protocol serve: its help documents every option; it refuses to start, with one clear sentence and exit code 2, on a bad data folder, a port in use or missing configuration.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public void Help_DocumentsEveryOption()
    {
        var (code, output, _) = CliRunner.Run("serve", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--data-dir", "--urls", "--pg-env", "--pg-file", "--demo", "--protocols", "--pilot-data", "--synthetic", "--idle-timeout",
                     "--jwt-issuer", "--jwt-audience", "--jwt-key-file", "--static", "--log-format" })
            Assert.Contains(option, output);
        var settings = typeof(ProtocolEngine.Cli.Commands.Server.ServeCommand.Settings).GetProperties()
            .Select(p => p.GetCustomAttributes(typeof(Spectre.Console.Cli.CommandOptionAttribute), false).Cast<Spectre.Console.Cli.CommandOptionAttribute>().SingleOrDefault())
            .OfType<Spectre.Console.Cli.CommandOptionAttribute>().SelectMany(a => a.LongNames).ToList();
        Assert.All(settings, name => Assert.Contains("--" + name, output));
        Assert.Contains("never a password on the command line", output);
    }

    [Fact]
    public void ADataFolderThatIsAFile_IsRefused()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (code, _, error) = CliRunner.Run("serve", "--data-dir", file, "--urls", "http://127.0.0.1:" + FreePort());
            Assert.Equal(2, code);
            Assert.Contains($"The data folder {file} is a file", error);
            Assert.DoesNotContain("   at ", error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ADataFolderThatCannotBeCreated_IsRefused()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (code, _, error) = CliRunner.Run("serve", "--data-dir", Path.Combine(file, "data"), "--urls", "http://127.0.0.1:" + FreePort());
            Assert.Equal(2, code);
            Assert.Contains("cannot be used", error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void APortInUse_IsRefused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var dir = Path.Combine(Path.GetTempPath(), "pe-serve-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, _, error) = CliRunner.Run("serve", "--data-dir", dir, "--urls", $"http://127.0.0.1:{port}");
            Assert.Equal(2, code);
            Assert.Contains($"Port {port} on 127.0.0.1 is in use", error);
        }
        finally
        {
            listener.Stop();
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void MissingConfiguration_IsRefused()
    {
        var (code, _, error) = CliRunner.Run("serve", "--pg-env", "PROTOCOLENGINE_TEST_SURELY_UNSET", "--urls", "http://127.0.0.1:" + FreePort());
        Assert.Equal(2, code);
        Assert.Contains("the environment variable PROTOCOLENGINE_TEST_SURELY_UNSET is not set", error);
        (code, _, error) = CliRunner.Run("serve", "--pg-file", "/nonexistent/pg.conf");
        Assert.Equal(2, code);
        Assert.Contains("--pg-file /nonexistent/pg.conf: no such file", error);
        (code, var output, error) = CliRunner.Run("serve", "--jwt-issuer", "https://idp.example");
        Assert.Equal(2, code);
        Assert.Contains("--jwt-audience", output + error);
        (code, _, error) = CliRunner.Run("serve", "--urls", "ftp://somewhere");
        Assert.Equal(2, code);
        Assert.Contains("is not an http or https URL", error);
    }

    [Fact]
    public void AnUnreachablePostgres_IsRefused_WithoutItsPassword()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, $"Host=127.0.0.1;Port={FreePort()};Username=nobody;Password=s3cret-do-not-print;Database=none;Timeout=3");
        var dir = Path.Combine(Path.GetTempPath(), "pe-serve-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = CliRunner.Run("serve", "--pg-file", file, "--data-dir", dir, "--urls", "http://127.0.0.1:" + FreePort());
            Assert.Equal(2, code);
            Assert.Contains("cannot be reached", error);
            Assert.DoesNotContain("s3cret-do-not-print", output + error);
        }
        finally
        {
            File.Delete(file);
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task TheDemo_SeedsThePilot_InItsDeclaredEncoding_AndStopsOnCtrlC()
    {
        // The pilot's XPT values are windows-1252 (the demo declares it): the demo registers, identifies and screens its 306
        // subjects, prints the banner, serves, and stops cleanly on Ctrl-C.
        var dir = Path.Combine(Path.GetTempPath(), "pe-serve-demo-" + Guid.NewGuid().ToString("N"));
        var pilot = Path.GetFullPath(Path.Combine(CliRunner.Root, "..", "shared", "data", "sdtm", "cdiscpilot01"));
        using var process = CliProcess.Start(["serve", "--demo", "--data-dir", dir, "--urls", "http://127.0.0.1:" + FreePort(),
            "--protocols", Path.Combine(CliRunner.Root, "protocols"), "--pilot-data", pilot], CliRunner.Root);
        var error = process.StandardError.ReadToEndAsync();
        var banner = new System.Text.StringBuilder();
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                banner.AppendLine(line);
                if (line.StartsWith("Press Ctrl-C", StringComparison.Ordinal)) break;
            }
            var text = banner.ToString();
            Assert.True(text.Contains("Press Ctrl-C", StringComparison.Ordinal), $"no banner: {text}\n{(process.HasExited ? await error : "")}");
            Assert.Matches(@"pilot: 306 subjects, protocol CDISCPILOT01@\d+; screened as of 2025-06-01: \d+ eligible", text);
            CliProcess.Interrupt(process);
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the server did not stop within 60 s of Ctrl-C");
            Assert.DoesNotContain("   at ", await error);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void TheDemo_WithAPilotFolderItCannotRead_SaysWhichFolderAndWhy_AndDoesNotStart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pe-serve-demo-" + Guid.NewGuid().ToString("N"));
        var pilot = Directory.CreateTempSubdirectory("pe-not-a-pilot-").FullName;
        try
        {
            // Adverse events without a list of subjects (no DM): not a study.
            File.Copy(Path.GetFullPath(Path.Combine(CliRunner.Root, "..", "shared", "data", "sdtm", "cdiscpilot01", "ae.xpt")), Path.Combine(pilot, "ae.xpt"));
            var run = CliProcess.Run(["serve", "--demo", "--data-dir", dir, "--urls", "http://127.0.0.1:" + FreePort(), "--protocols", Path.Combine(CliRunner.Root, "protocols"),
                "--pilot-data", pilot], CliRunner.Root, TimeSpan.FromMinutes(3));
            Assert.False(run.TimedOut, run.Out + run.Error);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains($"--pilot-data {pilot}", run.Error);
            Assert.Contains("DM", run.Error);
            Assert.DoesNotContain("bug", run.Error);
            Assert.DoesNotContain("Press Ctrl-C", run.Out);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            Directory.Delete(pilot, true);
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
